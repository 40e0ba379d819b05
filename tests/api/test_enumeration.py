"""No account enumeration through password reset: the same answer, the same work, and (measured
here because the issue asks it of a test) timings within 1.5x of each other."""

from __future__ import annotations

import dataclasses
import statistics
import time
from collections.abc import AsyncIterator

import httpx
import pytest_asyncio

from api.app import create_app
from audit.models import AuditEntry
from domain.accounts.auth_models import EmailOutbox
from domain.settings import Settings
from tests.api.test_auth_reset import COMPLETE, REQUEST, _mailed_token
from tests.support import client_for, gql, make_user, unique

ROUNDS = 40


async def test_reset_answers_alike_and_writes_alike(anon):
    user = await make_user()
    known = await gql(anon, REQUEST, e=user.email)
    unknown = await gql(anon, REQUEST, e=f"{unique('nobody')}@example.test")
    assert known == unknown
    assert await EmailOutbox.filter(user_id=user.id).count() == 1
    noted = await AuditEntry.filter(action="password.reset_request").order_by("-seq").limit(2)
    assert [e.resource_id for e in noted] == [None, str(user.id)]
    assert noted[0].subject is None


@pytest_asyncio.fixture
async def unlimited(backend) -> AsyncIterator[httpx.AsyncClient]:
    """An anonymous client of an app without the per-recipient mail limit, so every known
    request here does the full work of mailing a link (the limit is tested on its own)."""
    settings = dataclasses.replace(Settings.from_env(), account_mails_per_hour=10**6)
    app = create_app(settings, manage_db=False)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://mandi.test") as client:
        yield client
    await app.state.refusals.close()


async def test_reset_timing_does_not_tell_whether_the_account_exists(unlimited):
    anon = unlimited
    user = await make_user()
    timings: dict[str, list[float]] = {"known": [], "unknown": []}
    for n in range(ROUNDS + 2):
        for kind in ("known", "unknown") if n % 2 else ("unknown", "known"):
            email = user.email if kind == "known" else f"{unique('nobody')}@example.test"
            start = time.perf_counter()
            body = await gql(anon, REQUEST, e=email)
            elapsed = time.perf_counter() - start
            assert body["data"]["passwordResetRequest"]["ok"] is True
            if n >= 2:  # the first rounds warm caches
                timings[kind].append(elapsed)
    known, unknown = (statistics.median(timings[k]) for k in ("known", "unknown"))
    assert await EmailOutbox.filter(user_id=user.id).count() == ROUNDS + 2
    print(f"reset timing: known {known * 1e3:.2f} ms, unknown {unknown * 1e3:.2f} ms")
    assert max(known, unknown) / min(known, unknown) < 1.5, (known, unknown)


async def test_one_address_gets_at_most_n_reset_mails_an_hour_from_any_address(app):
    """Past the per-recipient limit a request answers exactly like an accepted one and mails
    nothing; the links already sent stay valid (a flood cannot cancel a wanted reset)."""
    user = await make_user()
    limit = Settings().account_mails_per_hour
    answers = []
    for n in range(limit + 3):
        transport = httpx.ASGITransport(app=app, client=(f"198.51.100.{n + 1}", 40000 + n))
        async with httpx.AsyncClient(transport=transport, base_url="http://mandi.test") as c:
            answers.append(await gql(c, REQUEST, e=user.email))
            if n == limit - 1:
                last_token = await _mailed_token(user.id)
    async with client_for(app, None) as anon:
        unknown = await gql(anon, REQUEST, e=f"{unique('nobody')}@example.test")
    assert all(answer == unknown for answer in answers)
    assert await EmailOutbox.filter(user_id=user.id).count() == limit
    noted = await AuditEntry.filter(action="password.reset_request", resource_id=str(user.id))
    assert [e.detail for e in noted].count({"mailed": False, "reason": "per-recipient limit"}) == 3
    async with client_for(app, None) as anon:
        done = await gql(anon, COMPLETE, t=last_token, p="my brand new passphrase")
    assert done["data"]["passwordResetComplete"]["ok"] is True
