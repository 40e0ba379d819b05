# ruff: noqa: S608 -- only constant column names and placeholders are formatted into SQL
"""Appending to the chain: one lock, one read of the head, one multi-row INSERT.

On PostgreSQL a transaction-scoped advisory lock serialises appenders, so the chain never forks
(READ COMMITTED: the head is read after the lock is held). SQLite runs one writer at a time. The
sequence number is the primary key, so even a writer that skipped the lock could not fork the
chain silently: its insert would fail.
"""

from __future__ import annotations

import functools
import json
from datetime import UTC, datetime
from typing import Any

from tortoise.transactions import in_transaction

from audit import signing
from audit.chain import GENESIS, OPTIONAL, STORED, chain_hashes, one_value
from audit.witness import publish_pending

LOCK_KEY = 7_274_640_001
CHECKPOINT_EVERY = 1000
# PostgreSQL: one statement text whatever the number of rows (one array per column, unnested),
# so it is prepared once per connection instead of once per row count, and a request's entries
# never approach the 32,767-parameter limit of a multi-row VALUES list.
_PG_TYPES = {
    "seq": "bigint",
    "occurred_at": "timestamptz",
    "actor_id": "integer",
    "on_behalf_of": "integer",
    "organization_id": "integer",
}
_JSON = ("fields_accessed", OPTIONAL)
_LINKS = ("prev_hash", "hash")


@functools.cache
def _pg_insert(shared: frozenset[str]) -> str:
    """The insert, with the columns in ``shared`` (one value for every entry: a request's entries
    share their moment, actor, network identity and outcome) sent once instead of as arrays.
    A few variants a process, each prepared once per connection."""
    arrays = [c for c in STORED if c not in shared]
    mark = {c: f"${i + 1}" for i, c in enumerate([*arrays, *[c for c in STORED if c in shared]])}

    def value(c: str) -> str:
        typed = f"{mark[c]}::{_PG_TYPES.get(c, 'text')}" if c in shared else f"t.{c}"
        return f"{typed}::jsonb" if c in _JSON else typed

    return (
        f"INSERT INTO audit_entry ({', '.join(STORED)}) SELECT "
        + ", ".join(value(c) for c in STORED)
        + " FROM unnest("
        + ", ".join(f"{mark[c]}::{_PG_TYPES.get(c, 'text')}[]" for c in arrays)
        + f") AS t({', '.join(arrays)})"
    )


_PG_INSERT = _pg_insert(frozenset())  # every column an array (the probe's statement)


def _pg_values(columns: dict[str, list[Any]]) -> tuple[str, list[Any]]:
    """The insert for these columns and its parameters: arrays, then the shared values."""
    shared = frozenset(
        name
        for name, column in columns.items()
        if name not in _LINKS and name != "seq" and one_value(column)
    )
    arrays = [columns[c] for c in STORED if c not in shared]
    return _pg_insert(shared), [*arrays, *[columns[c][0] for c in STORED if c in shared]]


def _sqlite_values(rows: int) -> str:
    """``(?, ...)`` for each of ``rows`` entries (PostgreSQL takes the unnest statement)."""
    row = f"({', '.join('?' * len(STORED))})"
    return ", ".join([row] * rows)


def _db_value(name: str, value: Any) -> Any:
    if name in _JSON and value is not None:
        return json.dumps(value)
    return value


def _json_column(column: list[Any]) -> list[str | None]:
    """A JSON column as text, each recurring list of names (the fields read) dumped once."""
    memo: dict[tuple[str, ...], str] = {}
    found: list[str | None] = []
    for value in column:
        if type(value) is list and all(type(item) is str for item in value):
            key = tuple(value)
            text = memo.get(key)
            if text is None:
                text = memo[key] = json.dumps(value)
            found.append(text)
        else:
            found.append(None if value is None else json.dumps(value))
    return found


def _utc(column: list[datetime]) -> list[datetime]:
    """The moments in UTC (a request's entries share one: converted once)."""
    memo: dict[datetime, datetime] = {}
    found = []
    for moment in column:
        utc = memo.get(moment)
        if utc is None:
            utc = memo[moment] = moment.astimezone(UTC)
        found.append(utc)
    return found


async def append(entries: list[dict[str, Any]]) -> int:
    """Chain and insert ``entries`` (dicts of the chained fields, without seq); returns the last
    sequence number. Joins the caller's transaction when there is one. The entries are handled a
    column at a time: a request's entries share most of their values."""
    if not entries:
        return 0
    count = len(entries)
    columns: dict[str, list[Any]] = {
        name: [entry.get(name) for entry in entries] for name in STORED[1 : -len(_LINKS)]
    }
    columns["occurred_at"] = _utc(columns["occurred_at"])
    async with in_transaction() as conn:
        dialect = conn.capabilities.dialect
        if dialect == "postgres":
            await conn.execute_query("SELECT pg_advisory_xact_lock($1)", [LOCK_KEY])
        _, head = await conn.execute_query(
            "SELECT seq, hash FROM audit_entry ORDER BY seq DESC LIMIT 1"
        )
        last, prev = (head[0]["seq"], head[0]["hash"]) if head else (0, GENESIS)
        columns["seq"] = list(range(last + 1, last + count + 1))
        hashes = chain_hashes(prev, columns)
        columns["prev_hash"] = [prev, *hashes[:-1]]
        columns["hash"] = hashes
        for name in _JSON:
            columns[name] = _json_column(columns[name])
        if dialect == "postgres":
            await conn.execute_query(*_pg_values(columns))
        else:
            stored = [columns[name] for name in STORED]
            sql = f"INSERT INTO audit_entry ({', '.join(STORED)}) VALUES {_sqlite_values(count)}"
            values = [value for row in zip(*stored, strict=True) for value in row]
            await conn.execute_query(sql, values)
        first_boundary = (last // CHECKPOINT_EVERY + 1) * CHECKPOINT_EVERY
        for at in range(first_boundary, last + count + 1, CHECKPOINT_EVERY):
            await _checkpoint(conn, at, hashes[at - last - 1])  # every 1000th entry is signed
    return last + count


def crossed_boundary(last: int, count: int) -> bool:
    """True when appending ``count`` entries up to ``last`` made a checkpoint."""
    return last // CHECKPOINT_EVERY > (last - count) // CHECKPOINT_EVERY


class _Undo(Exception):
    """Rolls the probe's transaction back."""


async def probe() -> None:
    """Prove the append path works now (readiness): the append statement with a throwaway row,
    in a transaction that is always rolled back. Raises what an append would raise."""
    row: dict[str, Any] = {name: None for name in STORED}
    row.update(
        seq=-1,
        occurred_at=datetime.now(UTC),
        actor_type="system",
        action="probe",
        resource_type="Probe",
        fields_accessed=[],
        outcome="allowed",
        prev_hash=GENESIS,
        hash=GENESIS,
    )
    values = [_db_value(name, row[name]) for name in STORED]
    try:
        async with in_transaction() as conn:
            if conn.capabilities.dialect == "postgres":
                await conn.execute_query(_PG_INSERT, [[value] for value in values])
            else:
                sql = f"INSERT INTO audit_entry ({', '.join(STORED)}) VALUES {_sqlite_values(1)}"
                await conn.execute_query(sql, values)
            raise _Undo()
    except _Undo:
        pass


async def _checkpoint(conn: Any, seq: int, head_hash: str) -> None:
    dialect = conn.capabilities.dialect
    marks = "$1, $2, $3, $4, $5" if dialect == "postgres" else "?, ?, ?, ?, ?"
    now = datetime.now(UTC)
    await conn.execute_query(
        "INSERT INTO audit_checkpoint (seq, head_hash, created_at, key_id, signature) "
        f"VALUES ({marks})",
        [
            seq,
            head_hash,
            now,
            signing.key_id(),
            signing.sign(seq, head_hash),
        ],
    )


async def checkpoint_now() -> tuple[int, str] | None:
    """Sign the current head (on demand) and witness it; None when the log is empty or already
    signed there."""
    made = await _sign_head()
    await publish_pending()
    return made


async def _sign_head() -> tuple[int, str] | None:
    async with in_transaction() as conn:
        dialect = conn.capabilities.dialect
        if dialect == "postgres":
            await conn.execute_query("SELECT pg_advisory_xact_lock($1)", [LOCK_KEY])
        _, head = await conn.execute_query(
            "SELECT seq, hash FROM audit_entry ORDER BY seq DESC LIMIT 1"
        )
        if not head:
            return None
        seq, head_hash = head[0]["seq"], head[0]["hash"]
        _, existing = await conn.execute_query(
            "SELECT 1 FROM audit_checkpoint WHERE seq = "
            + ("$1" if dialect == "postgres" else "?"),
            [seq],
        )
        if existing:
            return None
        await _checkpoint(conn, seq, head_hash)
    return seq, head_hash
