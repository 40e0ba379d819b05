"""Test helpers that tamper with the audit log the way an attacker with database access would."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from tortoise import connections

from audit import triggers

_SQLITE_TRIGGERS = ("no_update", "no_delete", "no_replace")
_POSTGRES_TRIGGERS = ("no_change", "no_truncate")


@asynccontextmanager
async def triggers_dropped() -> AsyncIterator[None]:
    """Drop the append-only triggers for the block, and put them back afterwards."""
    conn = connections.get("default")
    postgres = conn.capabilities.dialect == "postgres"
    for table in triggers.TABLES:
        for name in _POSTGRES_TRIGGERS if postgres else _SQLITE_TRIGGERS:
            suffix = f" ON {table}" if postgres else ""
            await conn.execute_script(f"DROP TRIGGER IF EXISTS {table}_{name}{suffix}")
    try:
        yield
    finally:
        for statement in triggers.postgres_sql() if postgres else triggers.sqlite_sql():
            await conn.execute_script(statement)


def mark(n: int) -> str:
    return f"${n}" if connections.get("default").capabilities.dialect == "postgres" else "?"


@asynccontextmanager
async def unguarded() -> AsyncIterator[None]:
    """What the tables' owner can do: drop the triggers on SQLite, disable them on PostgreSQL."""
    conn = connections.get("default")
    if conn.capabilities.dialect != "postgres":
        async with triggers_dropped():
            yield
        return
    for table in triggers.TABLES:
        await conn.execute_script(f"ALTER TABLE {table} DISABLE TRIGGER USER")
    try:
        yield
    finally:
        for table in triggers.TABLES:
            await conn.execute_script(f"ALTER TABLE {table} ENABLE TRIGGER USER")
