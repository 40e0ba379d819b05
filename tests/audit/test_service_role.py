"""PostgreSQL least privilege: `mandi migrate` (as the owner) makes the service role, which can
run Mandi but cannot change, delete or hide an audit entry by any statement."""

from __future__ import annotations

import asyncio
import os
import sys
import uuid
from pathlib import Path

import asyncpg
import httpx
import pytest

from audit.verify import verify_database
from tests.audit.test_processes import _free_port
from tests.support import first_answer

MANDI = str(Path(sys.executable).with_name("mandi"))
pytestmark = pytest.mark.postgres_only

REFUSED = (
    "UPDATE audit_entry SET outcome = 'denied'",
    "DELETE FROM audit_entry",
    "TRUNCATE audit_entry",
    "INSERT INTO audit_entry SELECT * FROM audit_entry ORDER BY seq DESC LIMIT 1 "
    "ON CONFLICT (seq) DO UPDATE SET outcome = 'denied'",
    "ALTER TABLE audit_entry DISABLE TRIGGER USER",
    "ALTER TABLE audit_entry DISABLE TRIGGER audit_entry_no_change",
    "DROP TRIGGER audit_entry_no_change ON audit_entry",
    "SET session_replication_role = replica",
    "ALTER TABLE audit_entry RENAME TO audit_entry_old",
    "DROP TABLE audit_entry",
    "CREATE RULE hide AS ON INSERT TO audit_entry DO INSTEAD NOTHING",
    "CREATE POLICY hide ON audit_entry USING (false)",
    "ALTER TABLE audit_entry ENABLE ROW LEVEL SECURITY",
    "DROP FUNCTION mandi_refuse_audit_change() CASCADE",
    "UPDATE audit_checkpoint SET signature = 'x'",
    "DELETE FROM audit_checkpoint",
    "TRUNCATE audit_checkpoint",
    "DELETE FROM tortoise_migrations",
)


async def _mandi(env: dict[str, str], *args: str) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        MANDI,
        *args,
        env={**os.environ, **env},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await asyncio.wait_for(process.communicate(), 120)
    return process.returncode, out.decode()


@pytest.fixture
async def service_url(backend):
    role = f"mandi_svc_{uuid.uuid4().hex[:8]}"
    url = f"postgres://{role}:{uuid.uuid4().hex}@127.0.0.1:5432/{backend.name}"
    code, out = await _mandi(
        {"DATABASE_URL": url, "MANDI_MIGRATE_DATABASE_URL": backend.url}, "migrate"
    )
    assert code == 0 and f"service role {role}" in out, out
    yield url
    keys = await asyncpg.connect(f"{backend.url}_keys")  # its grants on the key store too
    try:
        await keys.execute(f"DROP OWNED BY {role}")
    finally:
        await keys.close()
    owner = await asyncpg.connect(backend.url)
    try:
        await owner.execute(f"DROP OWNED BY {role}")
        await owner.execute(f"DROP ROLE {role}")
    finally:
        await owner.close()


async def test_the_service_role_cannot_change_delete_or_hide_an_entry(service_url):
    before = await verify_database()
    conn = await asyncpg.connect(service_url)
    try:
        assert await conn.fetchval("SELECT count(*) FROM audit_entry") == before.entries
        for statement in REFUSED:
            async with conn.transaction():
                with pytest.raises(asyncpg.PostgresError) as refused:
                    await conn.execute(statement)
            assert "append-only" not in str(refused.value), statement  # the grants, not triggers
        # Ordinary rows stay writable: the service does its work.
        await conn.execute("UPDATE web_session SET user_agent = user_agent WHERE id = -1")
    finally:
        await conn.close()
    after = await verify_database()
    assert after.ok and after.entries == before.entries and after.head_hash == before.head_hash


async def test_migrate_can_run_again_and_the_service_runs_as_that_role(service_url, backend):
    code, out = await _mandi(
        {"DATABASE_URL": service_url, "MANDI_MIGRATE_DATABASE_URL": backend.url}, "migrate"
    )
    assert code == 0, out
    code, out = await _mandi({"DATABASE_URL": service_url}, "audit", "checkpoint")
    assert code == 0, out
    code, out = await _mandi({"DATABASE_URL": service_url}, "audit", "verify")
    assert code == 0 and "chain verifies" in out, out
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": service_url, "MANDI_ENV": "production", "PORT": str(port)}
    server = await asyncio.create_subprocess_exec(MANDI, "serve", env=env)
    try:
        ready = await first_answer(server, f"http://127.0.0.1:{port}", "/readyz")
        assert ready.status_code == 200
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            answer = await client.post(
                "/graphql", json={"query": "{ products(first: 1) { totalCount } }"}
            )
            assert answer.status_code == 200
    finally:
        server.terminate()
        await server.wait()
