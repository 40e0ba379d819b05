"""`mandi serve` refuses to start without its keys (naming each missing one) and, outside
development, as a database user that could rewrite the audit log; development makes local key
files and says where."""

from __future__ import annotations

import asyncio
import os
import stat
import sys
import uuid
from pathlib import Path

import asyncpg
import pytest

MANDI = str(Path(sys.executable).with_name("mandi"))
KEYS = ("MANDI_AUDIT_KEY", "MANDI_DATA_KEY")


async def _serve(env: dict[str, str], cwd: Path) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        MANDI,
        "serve",
        env=env,
        cwd=cwd,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await asyncio.wait_for(process.communicate(), 60)
    return process.returncode, out.decode()


def _env(backend, **changes: str | None) -> dict[str, str]:
    env = {**os.environ, "DATABASE_URL": backend.url, "MANDI_ENV": "production", **changes}
    return {k: v for k, v in env.items() if v is not None}


@pytest.mark.parametrize("missing", [("MANDI_AUDIT_KEY",), ("MANDI_DATA_KEY",), KEYS])
async def test_production_refuses_to_start_without_its_keys(backend, tmp_path, missing):
    code, out = await _serve(_env(backend, **dict.fromkeys(missing)), tmp_path)
    assert code == 2, out
    for name in KEYS:
        assert (f"error: {name} is not set" in out) == (name in missing), out
    assert not (tmp_path / "var").exists()  # production never makes keys of its own


async def test_development_makes_local_key_files_and_says_where(backend, tmp_path):
    env = _env(backend, MANDI_ENV="development", PORT="0", **dict.fromkeys(KEYS))
    process = await asyncio.create_subprocess_exec(
        MANDI,
        "serve",
        env=env,
        cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    try:
        said = [(await asyncio.wait_for(process.stdout.readline(), 60)).decode() for _ in KEYS]
    finally:
        process.terminate()
        await process.wait()
    for name, path in zip(KEYS, ("audit-signing.key", "mandi-data.key"), strict=True):
        where = tmp_path / "var" / path
        assert f"development: generated {name} in {where} (mode 0600)\n" in said, said
        assert stat.S_IMODE(where.stat().st_mode) == 0o600


@pytest.mark.postgres_only
async def test_production_refuses_a_superuser(backend, tmp_path):
    code, out = await _serve(_env(backend), tmp_path)
    assert code == 2, out
    assert "is a superuser: it could rewrite the audit log" in out


@pytest.mark.postgres_only
async def test_production_refuses_a_member_of_the_tables_owner(backend, tmp_path):
    """Not a superuser, but it can act as the owner (ALTER, DISABLE TRIGGER): refused too."""
    role, password = f"mandi_own_{uuid.uuid4().hex[:8]}", uuid.uuid4().hex
    owner = await asyncpg.connect(backend.url)
    try:
        table_owner = await owner.fetchval(
            "SELECT tableowner FROM pg_tables WHERE tablename = 'audit_entry'"
        )
        await owner.execute(f"CREATE ROLE {role} LOGIN PASSWORD '{password}'")
        await owner.execute(f'GRANT "{table_owner}" TO {role}')
        url = f"postgres://{role}:{password}@127.0.0.1:5432/{backend.name}"
        code, out = await _serve(_env(backend, DATABASE_URL=url), tmp_path)
    finally:
        await owner.execute(f"DROP ROLE IF EXISTS {role}")
        await owner.close()
    assert code == 2, out
    assert f"the database user {role} owns the table audit_entry" in out
