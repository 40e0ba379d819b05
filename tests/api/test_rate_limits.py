"""Rate limits: per IP, per principal, and the lower sign-in budget; 429 with Retry-After."""

from __future__ import annotations

import os
import uuid

import httpx
from limits import parse_many

from api.app import create_app
from domain.accounts.auth_models import LoginEvent
from domain.settings import Settings
from tests.support import error_codes, make_user, signed_in

SIGN_IN = """mutation($u: String!) {
  sessionCreate(input: {username: $u, password: "wrong password"}) { errors { code } } }"""
REDIS_URL = os.environ.get("MANDI_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _client(app, ip: str = "203.0.113.7") -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app, client=(ip, 40000)),
        base_url="http://mandi.test",
        headers={"X-Requested-With": "tests"},
    )


def _per_minute(text: str) -> float:
    return min(item.amount / item.get_expiry() * 60 for item in parse_many(text))


def test_the_sign_in_budget_is_lower_than_the_general_one():
    defaults = Settings()
    assert _per_minute(defaults.rate_limit_auth) < _per_minute(defaults.rate_limit_ip)
    assert _per_minute(defaults.rate_limit_auth) < _per_minute(defaults.rate_limit_principal)


async def test_sign_ins_over_the_budget_get_429_without_hashing(backend):
    app = create_app(Settings(rate_limit_auth="3/minute"), manage_db=False)
    async with _client(app) as client:
        for n in range(3):
            response = await client.post(
                "/graphql", json={"query": SIGN_IN, "variables": {"u": f"x{n}"}}
            )
            assert response.status_code == 200
        before = await LoginEvent.all().count()
        refused = await client.post("/graphql", json={"query": SIGN_IN, "variables": {"u": "x9"}})
        assert refused.status_code == 429
        assert 1 <= int(refused.headers["retry-after"]) <= 60
        body = refused.json()
        assert error_codes(body) == ["RATE_LIMITED"]
        assert body["errors"][0]["extensions"]["retryAfterSeconds"] >= 1
        assert await LoginEvent.all().count() == before
        # Other queries keep their own, larger budget.
        assert (await client.post("/graphql", json={"query": "{ __typename }"})).status_code == 200
    async with _client(app, ip="203.0.113.8") as other:
        response = await other.post("/graphql", json={"query": SIGN_IN, "variables": {"u": "x"}})
        assert response.status_code == 200


async def test_reset_requests_and_sign_ups_share_the_sign_in_budget(backend):
    app = create_app(Settings(rate_limit_auth="2/minute"), manage_db=False)
    reset = 'mutation { passwordResetRequest(email: "a@example.test") { ok } }'
    async with _client(app) as client:
        for _ in range(2):
            assert (await client.post("/graphql", json={"query": reset})).status_code == 200
        sign_up = """mutation { userSignUp(input: {username: "abc", email: "abc@example.test",
          password: "x", fullName: "A", country: "IN", adultAttested: true}) { ok } }"""
        assert (await client.post("/graphql", json={"query": sign_up})).status_code == 429


async def test_minor_data_reports_spend_the_sign_in_budget(backend):
    app = create_app(Settings(rate_limit_auth="2/minute"), manage_db=False)
    report = 'mutation { minorDataReport(input: {username: "nobody-such"}) { ok } }'
    async with _client(app) as client:
        for _ in range(2):
            assert (await client.post("/graphql", json={"query": report})).status_code == 200
        refused = await client.post("/graphql", json={"query": report})
        assert refused.status_code == 429 and error_codes(refused.json()) == ["RATE_LIMITED"]


async def test_one_address_over_its_budget_gets_429(backend):
    app = create_app(Settings(rate_limit_ip="5/minute"), manage_db=False)
    async with _client(app) as client:
        for _ in range(5):
            assert (
                await client.post("/graphql", json={"query": "{ __typename }"})
            ).status_code == 200
        refused = await client.get("/graphql", params={"query": "{ __typename }"})
        assert refused.status_code == 429
        assert int(refused.headers["retry-after"]) >= 1
        assert error_codes(refused.json()) == ["RATE_LIMITED"]
        assert (await client.get("/healthz")).status_code == 200
    async with _client(app, ip="203.0.113.99") as other:
        assert (await other.post("/graphql", json={"query": "{ __typename }"})).status_code == 200


async def test_each_principal_has_its_own_budget(backend):
    app = create_app(Settings(rate_limit_principal="3/minute"), manage_db=False)
    first, second = await make_user(), await make_user()
    async with await signed_in(app, first) as a, await signed_in(app, second) as b:
        for _ in range(3):
            assert (await a.post("/graphql", json={"query": "{ __typename }"})).status_code == 200
        assert (await a.post("/graphql", json={"query": "{ __typename }"})).status_code == 429
        assert (await b.post("/graphql", json={"query": "{ __typename }"})).status_code == 200


async def test_processes_share_budgets_through_redis(backend):
    settings = Settings(redis_url=REDIS_URL, rate_limit_ip="4/minute")
    apps = [create_app(settings, manage_db=False) for _ in range(2)]
    ip = f"198.51.100.{uuid.uuid4().int % 250 + 1}"
    await apps[0].state.rate_limits.storage.reset()
    codes = []
    for n in range(5):
        async with _client(apps[n % 2], ip=ip) as client:
            codes.append(
                (await client.post("/graphql", json={"query": "{ __typename }"})).status_code
            )
    for app in apps:
        await app.state.rate_limits.close()
    assert codes == [200, 200, 200, 200, 429]


def test_memory_windows_count_a_moving_window(monkeypatch):
    """In memory, a budget is a moving window as ``limits`` counts one: a refused hit is not
    counted, the wait is until the oldest allowed hit leaves, and idle keys are swept."""
    from api import rate_limits

    now = [1000.0]
    monkeypatch.setattr(rate_limits.time, "monotonic", lambda: now[0])
    windows = rate_limits.MemoryWindows()
    (item,) = parse_many("3/minute")
    for at in (0.0, 10.0, 20.0):
        now[0] = 1000.0 + at
        assert windows.hit(item, "ip", "a") == 0
    now[0] = 1030.0
    assert windows.hit(item, "ip", "a") == 30  # the hit at 1000 leaves the window at 1060
    assert windows.hit(item, "ip", "b") == 0  # another key has its own window
    now[0] = 1059.5
    assert windows.hit(item, "ip", "a") == 1  # at least one second
    now[0] = 1060.5
    assert windows.hit(item, "ip", "a") == 0  # the refused hits were not counted
    assert windows.hit(item, "ip", "a") == 10  # full again until the hit at 1010 leaves
    now[0] = 1200.0
    windows.hit(item, "ip", "c")  # past SWEEP_EVERY: keys with no hit left in their window go
    assert set(windows._hits) == {item.key_for("ip", "c")}
