"""Signed checkpoints witnessed outside the database, so the database's owner cannot rewrite or
cut history unnoticed.

Every checkpoint, once committed, is also written to the witness: by default a directory (from
``MANDI_AUDIT_WITNESS``, else ``var/audit-witness``) holding one file per checkpoint, created
once and never rewritten (``<seq>.json``, read-only). Put it where the database's owner cannot
write: another host's mount, an append-only (``chattr +a``) or WORM volume, a synced bucket with
object lock (README: "Running the witness"). A file also holds a short prefix of the hash of
each entry since the previous witnessed checkpoint (its *locator*), so verify can name the first
rewritten entry from the witness alone.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from tortoise import connections

from audit import signing
from audit.models import AuditCheckpoint

log = logging.getLogger("mandi.audit")

DEFAULT_DIRECTORY = Path("var/audit-witness")
LOCATOR_MAX = 10_000  # entries between two checkpoints a locator covers (16 bytes each)
LOCATOR_CHARS = 16


@dataclass(frozen=True)
class WitnessedCheckpoint:
    seq: int
    head_hash: str
    key_id: str
    signature: str
    created_at: str
    after: int = 0  # the previous witnessed checkpoint
    locator: list[str] = field(default_factory=list)  # hash prefixes of entries after..seq


class Witness(Protocol):
    def publish(self, point: WitnessedCheckpoint) -> None: ...
    def points(self) -> list[WitnessedCheckpoint]: ...
    def last_seq(self) -> int: ...
    def known_seq(self) -> int: ...
    def holds(self, seq: int) -> bool: ...


class WitnessConflict(RuntimeError):
    """The witness already holds a different head at this sequence number: the log forked or
    was rewritten."""


class DirectoryWitness:
    """One read-only file per checkpoint, created with O_EXCL (never replaced).

    ``last_seq`` lists the directory, which grows by one file a checkpoint (a year of 60 s
    checkpoints is half a million files), so the server does not ask it per checkpoint: it keeps
    ``known``, the highest checkpoint it listed or wrote, a lower bound when other processes
    publish too (``publish_pending`` finds their files and skips them).
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.known: int | None = None

    def _file(self, seq: int) -> Path:
        return self.path / f"{seq:016d}.json"

    def publish(self, point: WitnessedCheckpoint) -> None:
        self.path.mkdir(parents=True, exist_ok=True)
        # vars, not asdict: asdict copies the locator a hash at a time (a thousand calls)
        data = json.dumps(vars(point), sort_keys=True).encode()
        try:
            fd = os.open(self._file(point.seq), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o444)
        except FileExistsError:  # another process witnessed it first: it must agree
            held = self._read(self._file(point.seq))
            if held is None or held.head_hash != point.head_hash:
                raise WitnessConflict(f"the witness holds another head at {point.seq}") from None
            return
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        self._learn(point.seq)

    def holds(self, seq: int) -> bool:
        """Whether checkpoint ``seq`` is witnessed (a file another process may have written);
        one that is, is known from then on, so it is not looked for again."""
        found = self._file(seq).exists()
        if found:
            self._learn(seq)
        return found

    def _learn(self, seq: int) -> None:
        self.known = max(self.known or 0, seq)

    @staticmethod
    def _read(path: Path) -> WitnessedCheckpoint | None:
        try:
            return WitnessedCheckpoint(**json.loads(path.read_text()))
        except (OSError, ValueError, TypeError):
            return None

    def points(self) -> list[WitnessedCheckpoint]:
        if not self.path.is_dir():
            return []
        found = [self._read(p) for p in sorted(self.path.glob("*.json"))]
        unreadable = found.count(None)
        if unreadable:
            raise WitnessConflict(f"{unreadable} witness file(s) cannot be read")
        return sorted((p for p in found if p is not None), key=lambda p: p.seq)

    def last_seq(self) -> int:
        """The highest checkpoint the directory holds (lists it)."""
        try:
            with os.scandir(self.path) as entries:
                names = [e.name[:-5] for e in entries if e.name.endswith(".json")]
        except FileNotFoundError:
            names = []
        found = max((int(n) for n in names if n.isdigit()), default=0)
        self._learn(found)
        return found

    def known_seq(self) -> int:
        """The highest checkpoint this object knows the witness holds: the directory is listed
        the first time only, then what it writes or finds keeps the number current."""
        return self.known if self.known is not None else self.last_seq()


_CONFIGURED: dict[Path, DirectoryWitness] = {}


def configured() -> DirectoryWitness:
    """The process's witness (one object per directory, so what it knows is kept)."""
    path = Path(os.environ.get("MANDI_AUDIT_WITNESS") or DEFAULT_DIRECTORY)
    found = _CONFIGURED.get(path)
    if found is None:
        found = _CONFIGURED[path] = DirectoryWitness(path)
    return found


async def publish_pending(witness: Witness | None = None) -> int:
    """Witness every committed checkpoint the witness lacks (in order); returns how many."""
    witness = witness or configured()
    known = getattr(witness, "known", None)  # a DirectoryWitness lists its directory once
    last = known if known is not None else await asyncio.to_thread(witness.known_seq)
    pending = await AuditCheckpoint.filter(seq__gt=last).order_by("seq").values()
    published = 0
    for row in pending:
        if await asyncio.to_thread(witness.holds, row["seq"]):  # another process was first
            last = row["seq"]
            continue
        if not signing.verify(row["seq"], row["head_hash"], row["signature"]):
            log.error("checkpoint at entry %s is not signed by this key: not witnessed", row["seq"])
            continue
        locator = await _locator(last, row["seq"]) if row["seq"] - last <= LOCATOR_MAX else []
        point = WitnessedCheckpoint(
            seq=row["seq"],
            head_hash=row["head_hash"],
            key_id=row["key_id"],
            signature=row["signature"],
            created_at=row["created_at"].isoformat(),
            after=last,
            locator=locator,
        )
        await asyncio.to_thread(witness.publish, point)  # fsync: not on the event loop
        last = row["seq"]
        published += 1
    return published


async def _locator(after: int, upto: int) -> list[str]:
    """The first `LOCATOR_CHARS` of each hash after ``after`` up to ``upto``, in order: one
    statement, cut in the database (a checkpoint's thousand rows through the ORM cost more than
    the rest of its publishing)."""
    conn = connections.get("default")
    marks = ("$1", "$2", "$3") if conn.capabilities.dialect == "postgres" else ("?", "?", "?")
    _, rows = await conn.execute_query(
        f"SELECT substr(hash, 1, {marks[0]}) FROM audit_entry "  # noqa: S608 -- placeholders
        f"WHERE seq > {marks[1]} AND seq <= {marks[2]} ORDER BY seq",
        [LOCATOR_CHARS, after, upto],
    )
    return [row[0] for row in rows]


async def publish_logged() -> None:
    """`publish_pending`, for callers whose own work already succeeded: failures are logged
    (the checkpoint is committed; the next publish catches up)."""
    try:
        await publish_pending()
    except Exception as error:  # never turn a committed write into an error answer
        log.error("audit witness not updated: %s: %s", type(error).__name__, error)


def checkpoint_interval() -> float:
    """Seconds between the server's own checkpoints of the head (``MANDI_AUDIT_CHECKPOINT_SECONDS``,
    default 60; 0 turns them off): the newest entries are witnessed within that time, not only
    every 1000 entries."""
    return float(os.environ.get("MANDI_AUDIT_CHECKPOINT_SECONDS", "60") or 0)


async def checkpoint_periodically(every: float) -> None:
    """Sign and witness the head every ``every`` seconds while the head moves (a task of the
    server's lifespan)."""
    from audit.writer import checkpoint_now  # the writer imports this module

    while True:
        await asyncio.sleep(every)
        try:
            await checkpoint_now()
        except Exception as error:  # the next round tries again; say that this one failed
            log.error("periodic audit checkpoint failed: %s", type(error).__name__)
