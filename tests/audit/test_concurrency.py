"""Many concurrent writers: the chain neither forks nor gaps (the real test runs on PostgreSQL,
where the writers truly overlap; SQLite serialises them)."""

from __future__ import annotations

import asyncio

from audit.models import AuditEntry
from audit.recorder import Actor, AuditBuffer
from audit.verify import verify_database
from tests.support import client_for, gql_data, make_user

RESET = "mutation($e: String!) { passwordResetRequest(email: $e) { ok } }"


async def _write(n: int) -> None:
    buffer = AuditBuffer(Actor(type="system", request_id=f"c{n}"))
    for k in range(3):
        buffer.note("read", "Customer", n * 10 + k, fields=["email"], subject=f"customer:{n}")
    await buffer.flush()


async def test_concurrent_appends_keep_one_chain(backend):
    before = await AuditEntry.all().count()
    await asyncio.gather(*(_write(n) for n in range(32)))
    assert await AuditEntry.all().count() == before + 32 * 3
    report = await verify_database()
    assert report.ok, report.problems
    seqs = await AuditEntry.all().order_by("seq").values_list("seq", flat=True)
    assert seqs == list(range(1, len(seqs) + 1))


async def test_concurrent_requests_keep_one_chain(app):
    users = [await make_user() for _ in range(4)]
    before = await AuditEntry.all().count()
    async with client_for(app, None) as client:
        calls = [gql_data(client, RESET, e=users[n % 4].email) for n in range(24)]
        assert all(r["passwordResetRequest"]["ok"] for r in await asyncio.gather(*calls))
    assert await AuditEntry.filter(action="password.reset_request").count() >= 24
    assert await AuditEntry.all().count() == before + 24
    report = await verify_database()
    assert report.ok, report.problems
