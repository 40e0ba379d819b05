"""The audit tables refuse changes in the database itself, and the ORM offers no update path."""

from __future__ import annotations

import pytest
from tortoise import connections
from tortoise.exceptions import IntegrityError, OperationalError

from audit.models import AuditEntry
from audit.recorder import SYSTEM, record
from audit.writer import checkpoint_now

REFUSED = (IntegrityError, OperationalError)


async def _an_entry() -> AuditEntry:
    await record(SYSTEM, "test.event", "Nothing")
    return await AuditEntry.all().order_by("-seq").first()


async def test_raw_update_and_delete_are_refused(backend):
    entry = await _an_entry()
    conn = connections.get("default")
    mark = "$1" if backend.kind == "postgres" else "?"
    with pytest.raises(REFUSED):
        await conn.execute_query(
            f"UPDATE audit_entry SET outcome = 'denied' WHERE seq = {mark}", [entry.seq]
        )
    with pytest.raises(REFUSED):
        await conn.execute_query(f"DELETE FROM audit_entry WHERE seq = {mark}", [entry.seq])
    await checkpoint_now()
    with pytest.raises(REFUSED):
        await conn.execute_query("DELETE FROM audit_checkpoint")
    assert (await AuditEntry.get(seq=entry.seq)).outcome == entry.outcome


async def test_truncate_or_replace_is_refused(backend):
    entry = await _an_entry()
    conn = connections.get("default")
    if backend.kind == "postgres":
        with pytest.raises(REFUSED):
            await conn.execute_script("TRUNCATE audit_entry")
    else:
        with pytest.raises(REFUSED):
            await conn.execute_query(
                "INSERT OR REPLACE INTO audit_entry (seq, occurred_at, actor_type, action, "
                "resource_type, fields_accessed, outcome, prev_hash, hash) "
                "VALUES (?, '2026-01-01', 'x', 'x', 'x', '[]', 'allowed', 'x', 'x')",
                [entry.seq],
            )
    assert await AuditEntry.filter(seq=entry.seq).exists()


async def test_the_orm_has_no_update_or_delete_path(backend):
    entry = await _an_entry()
    entry.outcome = "denied"
    with pytest.raises(PermissionError):
        await entry.save()
    with pytest.raises(PermissionError):
        await entry.delete()
