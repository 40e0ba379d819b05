"""``mandi retention purge``: apply the retention table (idempotent, audited, safe from cron)."""

from __future__ import annotations

import argparse
import json

from audit.recorder import SYSTEM, AuditBuffer
from domain import progress
from domain.privacy.purge import STEPS, purge


def add_parser(sub: argparse._SubParsersAction) -> None:
    retention = sub.add_parser("retention", help="retention of personal data")
    actions = retention.add_subparsers(dest="retention_command", required=True)
    run = actions.add_parser("purge", help="delete or anonymize what has expired")
    run.add_argument("--json", action="store_true", help="print the counts as JSON")
    run.add_argument("--quiet", action="store_true", help="no progress bar")


async def _purge(quiet: bool) -> dict[str, int]:
    if quiet:
        return await purge()
    with progress.bar(total=len(STEPS), desc="retention purge", unit="step") as bar:
        return await purge(progress=lambda number, step, count: bar.update(1))


async def run(args: argparse.Namespace) -> int:
    counts = await _purge(args.quiet)
    buffer = AuditBuffer(SYSTEM)
    for step in STEPS:
        if counts[step.name]:
            buffer.note(
                "retention.purge",
                "Retention",
                justification=f"{step.name}: {counts[step.name]} {step.action}",
            )
    buffer.note("retention.purge_run", "Retention", justification=f"{sum(counts.values())} rows")
    await buffer.flush()
    if args.json:
        print(json.dumps(counts))
    else:
        for name, count in counts.items():
            print(f"{count:>8}  {name}")
    return 0
