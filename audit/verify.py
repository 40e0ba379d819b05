"""Verify the chain and its checkpoints, in the database or in an exported JSON Lines file.

The first entry that does not fit is named: a changed entry fails its own hash; a removed one
leaves a gap in the sequence; an inserted or reordered one breaks the link to its predecessor.
Removing the newest entries (with their checkpoints) is only visible against a head kept
outside the database: pass ``expected_head`` (seq and hash from an earlier export or
checkpoint).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tortoise import connections

from audit import signing
from audit.chain import GENESIS, entry_hash
from audit.models import AuditCheckpoint, AuditEntry

BATCH = 10_000


@dataclass
class Report:
    entries: int = 0
    checkpoints: int = 0
    head_seq: int = 0
    head_hash: str = GENESIS
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class _Walker:
    report: Report
    expected_seq: int = 1
    prev: str = GENESIS
    hashes: dict[int, str] = field(default_factory=dict)

    def step(self, entry: dict[str, Any], *, keep: set[int]) -> bool:
        """Check one entry; False (with the problem recorded) stops the walk."""
        seq = entry["seq"]
        if seq != self.expected_seq:
            missing = "removed" if seq > self.expected_seq else "out of order"
            self.report.problems.append(f"entry {self.expected_seq}: {missing} (found {seq})")
            return False
        if entry["prev_hash"] != self.prev:
            self.report.problems.append(f"entry {seq}: does not link to entry {seq - 1}")
            return False
        if entry_hash(self.prev, entry) != entry["hash"]:
            self.report.problems.append(f"entry {seq}: content does not match its hash")
            return False
        self.prev = entry["hash"]
        self.expected_seq += 1
        self.report.entries += 1
        self.report.head_seq, self.report.head_hash = seq, self.prev
        if seq in keep:
            self.hashes[seq] = self.prev
        return True


def _check_checkpoints(
    report: Report,
    checkpoints: Iterable[dict[str, Any]],
    hashes: dict[int, str],
    public: str | None,
) -> None:
    for point in checkpoints:
        report.checkpoints += 1
        seq = point["seq"]
        if not signing.verify(seq, point["head_hash"], point["signature"], public):
            report.problems.append(f"checkpoint at entry {seq}: signature does not verify")
        elif seq > report.head_seq:
            report.problems.append(
                f"checkpoint at entry {seq}: entries after {report.head_seq} are missing"
            )
        elif hashes.get(seq) != point["head_hash"]:
            report.problems.append(
                f"checkpoint at entry {seq}: chain head differs from the signed one"
            )


def _check_head(report: Report, expected_head: tuple[int, str] | None) -> None:
    if expected_head is None or not report.ok:
        return
    seq = expected_head[0]
    if report.head_seq < seq:
        report.problems.append(f"entries {report.head_seq + 1}..{seq} are missing (head was {seq})")


async def _batch_orm(after: int) -> list[dict[str, Any]]:
    return await AuditEntry.filter(seq__gt=after).order_by("seq").limit(BATCH).values()


async def _batch_postgres(after: int) -> list[dict[str, Any]]:
    """The same rows without the ORM's per-row conversion (half the cost of a row)."""
    _, rows = await connections.get("default").execute_query(_PG_BATCH, [after, BATCH])
    return [{**row, "fields_accessed": _field_list(row["fields_accessed"])} for row in rows]


@functools.lru_cache(maxsize=4096)
def _field_list(text: str) -> Any:
    """A ``fields_accessed`` value, decoded once per distinct text (few repeat a million times).

    A list comes back as a tuple (shared, so immutable), which the chain hashes like the list;
    anything else (a tampered value) comes back as decoded, to fail its hash.
    """
    value = json.loads(text)
    return tuple(value) if isinstance(value, list) else value


_PG_BATCH = "SELECT * FROM audit_entry WHERE seq > $1 ORDER BY seq LIMIT $2"


async def _walk(walker: _Walker, keep: set[int]) -> None:
    """Walk the chain in batches; the next batch is read while this one is hashed."""
    dialect = connections.get("default").capabilities.dialect
    fetch = _batch_postgres if dialect == "postgres" else _batch_orm
    pending = asyncio.ensure_future(fetch(0))
    try:
        while rows := await pending:
            pending = asyncio.ensure_future(fetch(rows[-1]["seq"]))
            for entry in rows:
                if not walker.step(entry, keep=keep):
                    return
    finally:
        if not pending.done():
            pending.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await pending


async def verify_database(
    *, public_key: str | None = None, expected_head: tuple[int, str] | None = None
) -> Report:
    report = Report()
    checkpoints = await AuditCheckpoint.all().order_by("seq").values()
    walker = _Walker(report)
    keep = {c["seq"] for c in checkpoints}
    await _walk(walker, keep)
    if not report.ok:
        return report
    _check_checkpoints(report, checkpoints, walker.hashes, public_key)
    _check_head(report, expected_head)
    return report


def _parse(line: str) -> dict[str, Any]:
    record = json.loads(line)
    if record.get("type") == "entry":
        record["occurred_at"] = datetime.fromisoformat(record["occurred_at"])
    return record


def verify_file(path: str, *, public_key: str | None = None) -> Report:
    """Verify an export: its entries chain from the first one's ``prev_hash`` and every
    checkpoint it carries is signed and matches."""
    report = Report()
    walker: _Walker | None = None
    checkpoints: list[dict[str, Any]] = []
    header: dict[str, Any] = {}
    with open(path, encoding="utf-8") as handle:
        records = [_parse(line) for line in handle if line.strip()]
    for record in records:
        if record.get("type") == "header":
            header = record
        elif record.get("type") == "checkpoint":
            checkpoints.append(record)
    keep = {c["seq"] for c in checkpoints}
    for record in records:
        if record.get("type") != "entry":
            continue
        if walker is None:
            walker = _Walker(report, expected_seq=record["seq"], prev=record["prev_hash"])
        if not walker.step(record, keep=keep):
            return report
    if header and report.ok and header.get("entries") != report.entries:
        report.problems.append(
            f"export says {header.get('entries')} entries, holds {report.entries}"
        )
    _check_checkpoints(
        report, checkpoints, walker.hashes if walker else {}, public_key or header.get("public_key")
    )
    return report
