# ruff: noqa: S608 -- only constant column names and placeholders are formatted into SQL
"""Appending to the chain: one lock, one read of the head, one multi-row INSERT.

On PostgreSQL a transaction-scoped advisory lock serialises appenders, so the chain never forks
(READ COMMITTED: the head is read after the lock is held). SQLite runs one writer at a time. The
sequence number is the primary key, so even a writer that skipped the lock could not fork the
chain silently: its insert would fail.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from tortoise.transactions import in_transaction

from audit import signing
from audit.chain import GENESIS, OPTIONAL, STORED, entry_hash
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
_PG_INSERT = (
    f"INSERT INTO audit_entry ({', '.join(STORED)}) SELECT "
    + ", ".join(f"{c}::jsonb" if c in _JSON else c for c in STORED)
    + " FROM unnest("
    + ", ".join(f"${i + 1}::{_PG_TYPES.get(c, 'text')}[]" for i, c in enumerate(STORED))
    + f") AS t({', '.join(STORED)})"
)


def _sqlite_values(rows: int) -> str:
    """``(?, ...)`` for each of ``rows`` entries (PostgreSQL takes the unnest statement)."""
    row = f"({', '.join('?' * len(STORED))})"
    return ", ".join([row] * rows)


def _db_value(name: str, value: Any) -> Any:
    if name in _JSON and value is not None:
        return json.dumps(value)
    return value


async def append(entries: list[dict[str, Any]]) -> int:
    """Chain and insert ``entries`` (dicts of the chained fields, without seq); returns the last
    sequence number. Joins the caller's transaction when there is one."""
    if not entries:
        return 0
    async with in_transaction() as conn:
        dialect = conn.capabilities.dialect
        if dialect == "postgres":
            await conn.execute_query("SELECT pg_advisory_xact_lock($1)", [LOCK_KEY])
        _, head = await conn.execute_query(
            "SELECT seq, hash FROM audit_entry ORDER BY seq DESC LIMIT 1"
        )
        seq, prev = (head[0]["seq"], head[0]["hash"]) if head else (0, GENESIS)
        rows: list[list[Any]] = []
        boundaries: list[tuple[int, str]] = []
        for entry in entries:
            seq += 1
            row = {**entry, "seq": seq, "prev_hash": prev}
            row["occurred_at"] = row["occurred_at"].astimezone(UTC)
            row["hash"] = prev = entry_hash(prev, row)
            rows.append([_db_value(name, row.get(name)) for name in STORED])
            if seq % CHECKPOINT_EVERY == 0:
                boundaries.append((seq, prev))
        if dialect == "postgres":
            await conn.execute_query(
                _PG_INSERT, [list(column) for column in zip(*rows, strict=True)]
            )
        else:
            sql = (
                f"INSERT INTO audit_entry ({', '.join(STORED)}) VALUES "
                f"{_sqlite_values(len(entries))}"
            )
            await conn.execute_query(sql, [value for row in rows for value in row])
        for at, head_hash in boundaries:  # every CHECKPOINT_EVERY-th entry is signed
            await _checkpoint(conn, at, head_hash)
    return seq


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
