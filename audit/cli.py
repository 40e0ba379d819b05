"""``mandi audit ...``: verify, export, checkpoint, public-key."""

from __future__ import annotations

import argparse
import gc
import sys
from datetime import UTC, datetime
from pathlib import Path

from audit import signing
from audit.export import export
from audit.models import Outcome
from audit.recorder import SYSTEM, record
from audit.verify import Report, head_seq, verify_database, verify_file
from audit.witness import DirectoryWitness
from audit.writer import checkpoint_now
from domain import progress


def add_parser(sub: argparse._SubParsersAction) -> None:
    audit = sub.add_parser("audit", help="verify, export or checkpoint the audit log")
    commands = audit.add_subparsers(dest="audit_command", required=True)
    verify = commands.add_parser("verify", help="check the hash chain and signed checkpoints")
    verify.add_argument("--file", help="verify an export offline instead of the database")
    verify.add_argument(
        "--public-key",
        type=_public_key,
        help="the trusted checkpoint key (default: this host's)",
    )
    verify.add_argument(
        "--head",
        type=_head,
        help="SEQ:HASH of a head kept elsewhere; detects truncation and a rewritten past",
    )
    verify.add_argument(
        "--witness",
        type=_directory,
        help="a copy of the witness directory (default: MANDI_AUDIT_WITNESS)",
    )
    out = commands.add_parser("export", help="write a time range as JSON Lines")
    out.add_argument("--since", required=True, type=_when, help="ISO date or time (UTC)")
    out.add_argument("--until", required=True, type=_when, help="ISO date or time (UTC)")
    out.add_argument("--out", required=True, help="file to write")
    commands.add_parser("checkpoint", help="sign the current chain head now")
    commands.add_parser("public-key", help="print the key that verifies checkpoints")


def _when(text: str) -> datetime:
    value = datetime.fromisoformat(text)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _print(report: Report) -> int:
    print(
        f"entries: {report.entries}  checkpoints: {report.checkpoints}  "
        f"witnessed: {report.witnessed}  head: {report.head_seq}"
    )
    for problem in report.problems:
        print(f"TAMPERED: {problem}", file=sys.stderr)
    if report.unsigned:
        print(
            f"note: the newest {report.unsigned} entries come after the last checkpoint in the "
            "file: they chain, but no signature covers them"
        )
    print("chain verifies" if report.ok else "chain does NOT verify")
    return 0 if report.ok else 1


def _directory(text: str) -> str:
    """A directory that exists: a mistyped copy of the witness would check nothing."""
    if not Path(text).is_dir():
        raise argparse.ArgumentTypeError(f"{text} is no directory")
    return text


def _public_key(text: str) -> str:
    """The key's text, once it reads as a key (else a usage error, not a failed check)."""
    try:
        signing.public_key(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    return text


def _head(text: str) -> tuple[int, str]:
    """``SEQ:HASH`` (a sha256 in hex), or a usage error."""
    seq, _, head_hash = text.partition(":")
    digits = seq.isascii() and seq.isdigit()
    if not digits or len(head_hash) != 64 or set(head_hash) - set("0123456789abcdef"):
        raise argparse.ArgumentTypeError("expected SEQ:HASH, the hash 64 hex digits")
    return int(seq), head_hash


def run_offline(args: argparse.Namespace) -> int | None:
    """Commands that need no database; None when the command needs one."""
    if args.audit_command == "verify" and args.file:
        if args.head or args.witness:
            print("error: --head and --witness check the database, not --file", file=sys.stderr)
            return 2
        if not args.public_key:
            print("note: trusting the key named in the export; pass --public-key to pin it")
        with progress.bar(total=None, desc="verify", unit="entry") as bar:
            tick = progress.with_total(bar)
            report = verify_file(args.file, public_key=args.public_key, progress=tick)
        return _print(report)
    if args.audit_command == "public-key":
        print(signing.public_key_text())
        return 0
    return None


async def run(args: argparse.Namespace) -> int:
    if args.audit_command == "verify":
        # The walk makes no reference cycles, and the collector would scan each batch's rows
        # over and over (a sixth of the time); this process ends after the command.
        gc.disable()
        witness = DirectoryWitness(Path(args.witness)) if args.witness else None
        with progress.bar(total=await head_seq(), desc="verify", unit="entry") as bar:
            report = await verify_database(
                public_key=args.public_key,
                expected_head=args.head,
                witness=witness,
                progress=bar.update,
            )
        if witness is not None and report.checkpoints and not report.witnessed:
            # a copy that holds nothing (a wrong directory) would check nothing
            report.problems.append(f"witness: {args.witness} holds no witnessed checkpoint")
        await record(SYSTEM, "audit.verify", "AuditEntry", outcome=_outcome(report))
        return _print(report)
    if args.audit_command == "export":
        with (
            Path(args.out).open("w", encoding="utf-8") as handle,  # noqa: ASYNC230 - a CLI
            progress.bar(total=None, desc="export", unit="entry") as bar,
        ):
            tick = progress.with_total(bar)
            header = await export(handle, since=args.since, until=args.until, progress=tick)
        await record(SYSTEM, "audit.export", "AuditEntry", fields=["all"])
        print(f"exported {header['entries']} entries to {args.out}")
        return 0
    if args.audit_command == "checkpoint":
        made = await checkpoint_now()
        print(f"signed head {made[0]}:{made[1]}" if made else "nothing new to sign")
        return 0
    raise ValueError(args.audit_command)


def _outcome(report: Report) -> Outcome:

    return Outcome.ALLOWED if report.ok else Outcome.ERROR
