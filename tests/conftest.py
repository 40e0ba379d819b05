"""Test set-up: every run makes its own SQLite and PostgreSQL databases, migrates them with the
real migrations, runs each test on both, and drops them at the end.

Backends come from MANDI_TEST_BACKENDS (default "sqlite,postgres"). Under CI a PostgreSQL that
cannot be reached fails the run; elsewhere its tests are skipped with the reason.
"""

from __future__ import annotations

import os
import uuid
import weakref
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import httpx
import pytest
import pytest_asyncio
from tortoise.migrations.api import migrate

from audit.signing import new_seed
from domain.secretbox import new_key

# Throwaway keys for this run, set before anything encrypts or signs.
os.environ.setdefault("MANDI_DATA_KEY", new_key())
os.environ.setdefault("MANDI_INDEX_KEY", new_key())
os.environ.setdefault("MANDI_AUDIT_KEY", new_seed())
# Many tests sign in dozens of times from one address, and the fault suite's servers take
# loads from 127.0.0.1; tests/api/test_rate_limits.py checks the real budgets with apps of its own.
os.environ.setdefault("MANDI_RATE_LIMIT_AUTH", "10000/minute")
os.environ.setdefault("MANDI_RATE_LIMIT_IP", "100000/minute")
os.environ.setdefault("MANDI_RATE_LIMIT_PRINCIPAL", "100000/minute")

from api.app import create_app
from audit.refusals import RefusalLog
from domain import db
from tests.support import Backend, Team, make_team

# Every app's refusal log, so each test's are closed when it ends (see _close_refusal_logs).
_REFUSAL_LOGS: weakref.WeakSet[RefusalLog] = weakref.WeakSet()
_refusal_log_init = RefusalLog.__init__


def _tracked_init(self: RefusalLog, *args, **kwargs) -> None:
    _refusal_log_init(self, *args, **kwargs)
    _REFUSAL_LOGS.add(self)


RefusalLog.__init__ = _tracked_init  # type: ignore[method-assign]

PG_ADMIN_URL = os.environ.get("MANDI_TEST_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def _backends() -> list[str]:
    raw = os.environ.get("MANDI_TEST_BACKENDS", "sqlite,postgres")
    return [b.strip() for b in raw.split(",") if b.strip()]


async def _create_postgres() -> Backend:
    name = f"mandi_test_{uuid.uuid4().hex[:10]}"
    try:
        admin = await asyncpg.connect(PG_ADMIN_URL, timeout=5)
    except (OSError, asyncpg.PostgresError) as error:
        message = f"PostgreSQL unreachable at {PG_ADMIN_URL}: {type(error).__name__}"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    return Backend(kind="postgres", url=f"{base}/{name}", name=name)


async def _drop_postgres(backend: Backend) -> None:
    admin = await asyncpg.connect(PG_ADMIN_URL, timeout=5)
    try:
        for name in (backend.name, f"{backend.name}_keys"):  # the key store's database too
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


@pytest_asyncio.fixture(scope="session", params=_backends())
async def backend(request: pytest.FixtureRequest, tmp_path_factory) -> AsyncIterator[Backend]:
    """A fresh database of one kind, migrated with the project's migrations."""
    if request.param == "sqlite":
        path: Path = tmp_path_factory.mktemp("db") / "mandi.sqlite3"
        current = Backend(kind="sqlite", url=f"sqlite://{path}", name=str(path))
    elif request.param == "postgres":
        current = await _create_postgres()
    else:
        raise pytest.UsageError(f"unknown backend {request.param}")
    # Each database has its own witness (this process and the CLI processes it starts).
    os.environ["MANDI_AUDIT_WITNESS"] = str(tmp_path_factory.mktemp(f"witness-{current.kind}"))
    try:
        await migrate(config=db.tortoise_config(current.url, migrating=True))
        await db.close_db()
        await db.init_db(current.url)
        db.install_statement_counter()
        yield current
    finally:
        await db.close_db()
        if current.kind == "postgres":
            await _drop_postgres(current)


@pytest_asyncio.fixture(autouse=True)
async def _close_refusal_logs() -> AsyncIterator[None]:
    """Close the refusal logs of the apps a test made (what a lifespan does): a summary still
    pending is written now, in the test that caused it, not by a timer up to a minute later
    into another test's counts (tests/audit/test_processes.py once counted one extra entry)."""
    yield
    while _REFUSAL_LOGS:
        await _REFUSAL_LOGS.pop().close()


@pytest_asyncio.fixture
async def app(backend: Backend):
    current = create_app(manage_db=False)
    yield current
    await current.state.refusals.close()  # what the lifespan does (ASGITransport runs none)


@pytest_asyncio.fixture
async def anon(app) -> AsyncIterator[httpx.AsyncClient]:
    """A client with no session."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://mandi.test") as client:
        yield client


@pytest_asyncio.fixture
async def team(app) -> AsyncIterator[Team]:
    """A fresh organization with a signed-in client for every organization role."""
    current = await make_team(app)
    yield current
    await current.close()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "postgres_only: the behaviour exists only on PostgreSQL (not run on SQLite)"
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Deselect (not skip) the SQLite runs of tests marked ``postgres_only``, and, when
    tests/run_backends.py runs another backend's process beside this one and gave it the tests
    that use no database (MANDI_TEST_DATABASE_FREE_IN), those tests here."""
    free_in = os.environ.get("MANDI_TEST_DATABASE_FREE_IN")
    others_run_free = free_in is not None and free_in not in _backends()
    keep, drop = [], []
    for item in items:
        callspec = getattr(item, "callspec", None)
        backend = callspec.params.get("backend") if callspec is not None else None
        postgres_only = backend == "sqlite" and item.get_closest_marker("postgres_only")
        database_free_elsewhere = backend is None and others_run_free
        (drop if postgres_only or database_free_elsewhere else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture
def guards(monkeypatch) -> list:
    """Every request's Guard, in order (to read its evaluation counts after the request)."""
    import api.context
    from api.guard import Guard

    made: list[Guard] = []

    class Recording(Guard):
        def __init__(self, principal) -> None:
            super().__init__(principal)
            made.append(self)

    monkeypatch.setattr(api.context, "Guard", Recording)
    return made
