"""Verify the chain and its checkpoints, in the database or in an exported JSON Lines file.

The first entry that does not fit is named: a changed entry fails its own hash; a removed one
leaves a gap in the sequence; an inserted or reordered one breaks the link to its predecessor.
Someone who can write the database can also recompute every later hash and delete the
checkpoints; the witness (audit/witness.py), kept outside the database, still holds the signed
heads: a rewritten entry is named from its locator, removed checkpoints and the newest entries
cut off are reported from the witness alone. Every ``CHECKPOINT_EVERY``-th entry must have its
signed checkpoint. ``expected_head`` (seq and hash kept elsewhere) adds one more known head.
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tortoise import connections

from audit import postgres_batch, signing
from audit.chain import GENESIS, entry_hash
from audit.models import AuditCheckpoint, AuditEntry
from audit.witness import Witness, WitnessConflict, WitnessedCheckpoint, configured
from audit.writer import CHECKPOINT_EVERY
from domain.progress import Progress

BATCH = 10_000


@dataclass
class Report:
    entries: int = 0
    checkpoints: int = 0
    witnessed: int = 0
    head_seq: int = 0
    head_hash: str = GENESIS
    problems: list[str] = field(default_factory=list)
    unsigned: int = 0  # an export's newest entries past its newest checkpoint

    @property
    def ok(self) -> bool:
        return not self.problems


# An entry as the walk checks it: seq, prev_hash, hash, and the hash its content gives
# (None when a tampered value cannot even be encoded).
Checked = tuple[int, str, str, str | None]


@dataclass
class _Walker:
    report: Report
    expected_seq: int = 1
    prev: str = GENESIS
    hashes: dict[int, str] = field(default_factory=dict)

    def walk(self, entries: Iterable[Checked], *, keep: set[int]) -> bool:
        """Check entries in order; False (with the problem recorded) stops the walk."""
        report, prev, expected = self.report, self.prev, self.expected_seq
        try:
            for seq, prev_hash, stored, computed in entries:
                if seq != expected:
                    missing = "removed" if seq > expected else "out of order"
                    report.problems.append(f"entry {expected}: {missing} (found {seq})")
                    return False
                if prev_hash != prev:
                    report.problems.append(f"entry {seq}: does not link to entry {seq - 1}")
                    return False
                if computed != stored:
                    report.problems.append(f"entry {seq}: content does not match its hash")
                    return False
                prev = stored
                if seq in keep:
                    self.hashes[seq] = prev
                expected += 1
            return True
        finally:
            if expected > self.expected_seq:
                report.entries += expected - self.expected_seq
                report.head_seq, report.head_hash = expected - 1, prev
            self.prev, self.expected_seq = prev, expected


def _checked(entries: Iterable[dict[str, Any]]) -> Iterator[Checked]:
    for entry in entries:
        prev_hash = entry["prev_hash"]
        try:
            computed: str | None = entry_hash(prev_hash, entry)
        except (ValueError, RecursionError):
            computed = None
        yield entry["seq"], prev_hash, entry["hash"], computed


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


def _check_head(
    report: Report, expected_head: tuple[int, str] | None, hashes: dict[int, str]
) -> None:
    """A head kept from earlier (``--head SEQ:HASH``): the log must still hold it, with that
    hash (entries after it may have been added since)."""
    if expected_head is None or not report.ok:
        return
    seq, head_hash = expected_head
    if report.head_seq < seq:
        report.problems.append(f"entries {report.head_seq + 1}..{seq} are missing (head was {seq})")
    elif seq == 0 and head_hash != GENESIS:
        # the empty log's head is the chain's start; no kept head 0 can have another hash
        report.problems.append(f"head 0 is the empty log, whose hash is {GENESIS[:8]}...")
    elif seq > 0 and hashes.get(seq) != head_hash:
        report.problems.append(f"entry {seq}: its hash differs from the head kept earlier")


async def head_seq() -> int:
    """The newest entry's sequence number (0 for an empty log): how many entries verify walks."""
    newest = await AuditEntry.all().order_by("-seq").first().values("seq")
    return newest["seq"] if newest else 0


async def _batch_orm(after: int, size: int) -> list[dict[str, Any]]:
    return await AuditEntry.filter(seq__gt=after).order_by("seq").limit(size).values()


async def _walk(walker: _Walker, keep: set[int], progress: Progress | None = None) -> None:
    """Walk the chain in batches; the next batch is read while this one is hashed."""
    postgres = connections.get("default").capabilities.dialect == "postgres"
    fetch = postgres_batch.fetch if postgres else _batch_orm
    check = postgres_batch.checked if postgres else _checked
    pending = asyncio.ensure_future(fetch(0, BATCH))
    try:
        while rows := await pending:
            pending = asyncio.ensure_future(fetch(rows[-1]["seq"], BATCH))
            await asyncio.sleep(0)  # sends the next query before this batch is hashed
            if not walker.walk(check(rows), keep=keep):
                return
            if progress is not None:
                progress(len(rows))
    finally:
        if not pending.done():
            pending.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await pending


async def verify_database(
    *,
    public_key: str | None = None,
    expected_head: tuple[int, str] | None = None,
    witness: Witness | None = None,
    progress: Progress | None = None,
) -> Report:
    """``progress`` is told the number of entries each walked batch held (out of
    ``head_seq()``)."""
    report = Report()
    checkpoints = await AuditCheckpoint.all().order_by("seq").values()
    try:
        witnessed = (witness or configured()).points()
    except WitnessConflict as error:
        report.problems.append(f"witness: {error}")
        witnessed = []
    walker = _Walker(report)
    stored = {c["seq"] for c in checkpoints}
    kept_head = {expected_head[0]} if expected_head is not None else set()
    await _walk(walker, stored | {w.seq for w in witnessed} | kept_head, progress)
    if not report.ok:
        return report
    await _check_witness(report, witnessed, walker.hashes, stored, public_key)
    _check_checkpoints(report, checkpoints, walker.hashes, public_key)
    _check_boundaries(report, sorted(stored))
    _check_head(report, expected_head, walker.hashes)
    return report


async def _check_witness(
    report: Report,
    witnessed: list[WitnessedCheckpoint],
    hashes: dict[int, str],
    stored: set[int],
    public: str | None,
) -> None:
    """The log must extend every witnessed checkpoint: same head at each, none cut off."""
    removed: list[str] = []
    for point in witnessed:
        report.witnessed += 1
        seq = point.seq
        if not signing.verify(seq, point.head_hash, point.signature, public):
            report.problems.append(f"witnessed checkpoint at entry {seq}: bad signature")
            return
        if seq > report.head_seq:
            report.problems.append(
                f"entries {report.head_seq + 1}..{seq} are missing "
                f"(the witness holds a checkpoint at entry {seq})"
            )
            break
        if hashes.get(seq) != point.head_hash:
            report.problems.append(await _first_rewritten(point))
            break
        if seq not in stored:
            removed.append(f"checkpoint at entry {seq}: removed from the database (witnessed)")
    report.problems.extend(removed)


async def _first_rewritten(point: WitnessedCheckpoint) -> str:
    """The first entry after the previous witnessed checkpoint whose hash is not the one the
    witness recorded."""
    rows = await (
        AuditEntry.filter(seq__gt=point.after, seq__lte=point.seq)
        .order_by("seq")
        .values_list("seq", "hash")
    )
    where = f"the witnessed checkpoint at entry {point.seq}"
    for (seq, stored_hash), prefix in zip(rows, point.locator, strict=False):
        if not stored_hash.startswith(prefix):
            return f"entry {seq}: rewritten (its hash differs from {where})"
    return f"entries {point.after + 1}..{point.seq}: rewritten (the chain differs from {where})"


def _check_boundaries(report: Report, stored: list[int]) -> None:
    """Every CHECKPOINT_EVERY-th entry has a signed checkpoint (older logs signed the end of the
    batch that crossed it: within the next CHECKPOINT_EVERY entries)."""
    for boundary in range(CHECKPOINT_EVERY, report.head_seq + 1, CHECKPOINT_EVERY):
        at = bisect.bisect_left(stored, boundary)
        if at == len(stored) or stored[at] >= boundary + CHECKPOINT_EVERY:
            report.problems.append(f"checkpoint at entry {boundary}: missing")
            return


def _parse(line: str) -> dict[str, Any]:
    record = json.loads(line)
    if record.get("type") == "entry":
        record["occurred_at"] = datetime.fromisoformat(record["occurred_at"])
    return record


def _records(path: str, report: Report) -> list[dict[str, Any]]:
    """The export's records, one JSON object a line; a file that cannot be read, or a line that
    is no record, is a problem of the report (never a traceback)."""
    records = []
    try:
        with open(path, encoding="utf-8") as handle:
            for number, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                try:
                    record = _parse(line)
                    if not isinstance(record, dict):
                        raise TypeError("not an object")
                except (ValueError, TypeError, AttributeError, KeyError, RecursionError) as error:
                    why = f"{type(error).__name__}: {error}"[:200]
                    report.problems.append(f"line {number}: not an export record ({why})")
                    return []
                records.append(record)
    except (OSError, UnicodeDecodeError) as error:
        report.problems.append(f"cannot read {path}: {error}")
    return records


def _counted(entries: Iterable[Checked], progress: Progress | None) -> Iterator[Checked]:
    if progress is None:
        yield from entries
        return
    done = 0
    for done, entry in enumerate(entries, 1):
        yield entry
        if done % BATCH == 0:
            progress(BATCH)
    progress(done % BATCH)


def verify_file(
    path: str,
    *,
    public_key: str | None = None,
    progress: Callable[[int, int], object] | None = None,
) -> Report:
    """Verify an export: its entries chain from the first one's ``prev_hash`` and every
    checkpoint it carries is signed and matches. ``progress(walked, total)`` is told of every
    batch of entries walked."""
    report = Report()
    records = _records(path, report)
    if not report.ok:
        return report
    try:
        return _verify_records(report, records, public_key, progress)
    except (KeyError, TypeError, ValueError, AttributeError, RecursionError) as error:
        # a checkpoint or an entry missing or mistyping a field
        report.problems.append(f"a record is malformed ({type(error).__name__}: {error})"[:300])
        return report


def _verify_records(
    report: Report,
    records: list[dict[str, Any]],
    public_key: str | None,
    progress: Callable[[int, int], object] | None,
) -> Report:
    walker: _Walker | None = None
    checkpoints: list[dict[str, Any]] = []
    header: dict[str, Any] = {}
    for number, record in enumerate(records, 1):
        kind = record.get("type")
        if kind == "header":
            header = record
        elif kind == "checkpoint":
            checkpoints.append(record)
        elif kind != "entry":  # a renamed checkpoint would otherwise just disappear
            report.problems.append(f"record {number}: unknown type {str(kind)[:40]!r}")
            return report
    if not header:
        report.problems.append("no header line: not a Mandi export, or its header was removed")
        return report
    keep = {c["seq"] for c in checkpoints}
    entries = [record for record in records if record.get("type") == "entry"]
    if entries:
        walker = _Walker(report, expected_seq=entries[0]["seq"], prev=entries[0]["prev_hash"])
        tick = (lambda n: progress(n, len(entries))) if progress is not None else None
        if not walker.walk(_counted(_checked(entries), tick), keep=keep):
            return report
    if report.ok and header.get("entries") != report.entries:
        report.problems.append(
            f"export says {header.get('entries')} entries, holds {report.entries}"
        )
    if report.ok and entries:
        span = (entries[0]["seq"], entries[-1]["seq"])
        if (header.get("first_seq"), header.get("last_seq")) != span:
            report.problems.append(
                f"export says entries {header.get('first_seq')}..{header.get('last_seq')}, "
                f"holds {span[0]}..{span[1]}"
            )
    if report.ok and entries and not checkpoints:
        # The chain only links the entries to each other: without a signed checkpoint among
        # them, a rewritten file would verify too.
        report.problems.append(
            "no signed checkpoint covers these entries, so nothing here is authenticated "
            "(run `mandi audit checkpoint`, then export again)"
        )
    if checkpoints and entries:
        newest = max(c["seq"] for c in checkpoints)
        report.unsigned = max(0, entries[-1]["seq"] - newest)
    _check_checkpoints(
        report, checkpoints, walker.hashes if walker else {}, public_key or header.get("public_key")
    )
    return report
