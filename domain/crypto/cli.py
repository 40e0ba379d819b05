"""``mandi keys status`` and ``mandi keys rotate``."""

from __future__ import annotations

import argparse

from domain import progress
from domain.crypto import backfill, keystore, rotation


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("keys", help="data keys: status, rotate")
    keys_sub = parser.add_subparsers(dest="keys_command", required=True)
    keys_sub.add_parser("status", help="how many data keys and values use which KEK")
    rotate = keys_sub.add_parser(
        "rotate",
        help="re-wrap every data key under MANDI_DATA_KEY (the old KEK as "
        "MANDI_DATA_KEY_PREVIOUS) and seal rows still in clear; resumable, idempotent",
    )
    rotate.add_argument("--batch", type=int, default=rotation.BATCH)


async def run(args: argparse.Namespace, models: dict[str, type]) -> int:
    with keystore.key_scope():
        if args.keys_command == "status":
            _print(await rotation.status(models))
            return 0
        total = await rotation.pending_rewrap()
        with progress.bar(total=total, unit="key", desc="re-wrap data keys") as bar:
            done = await rotation.rewrap(bar.update, batch=args.batch)
        sealed = 0
        for model in models.values():
            table = model._meta.db_table  # type: ignore[attr-defined]
            with progress.bar(total=None, unit="row", desc=f"seal {table}", leave=False) as bar:
                sealed += await backfill.seal_model(model, bar.update)
        print(f"{done} data keys re-wrapped, {sealed} rows sealed")
        return 0


def _print(report: rotation.Report) -> None:
    print(f"current KEK: {report.current_kek}")
    for kek_id, count in sorted(report.keys_by_kek.items()):
        mark = " (current)" if kek_id == report.current_kek else ""
        print(f"  data keys wrapped by {kek_id}{mark}: {count}")
    for kind, count in sorted(report.keys_by_kind.items()):
        print(f"  data keys of {kind}: {count}")
    for kek_id, count in sorted(report.values_by_kek.items()):
        print(f"  sealed values under {kek_id}: {count}")
    for table, count in sorted(report.values_by_table.items()):
        print(f"  {table}: {count} sealed values")
    for table, count in sorted(report.pending_rows.items()):
        print(f"  {table}: {count} rows still in clear (run `mandi keys rotate`)")
