"""Honest answers under faults, in one process: a commit that fails answers OUTCOME_UNKNOWN and a
retry with the same idempotency key applies once; an unreachable database answers 503
SERVICE_UNAVAILABLE with Retry-After, as JSON; a failing audit insert changes nothing and makes
/readyz say so; with Redis down, sign-in is refused with a code and still recorded."""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager

import pytest
from tortoise import connections
from tortoise.transactions import in_transaction

import api.audit_flush
import api.auth
from api.app import create_app
from audit.models import AuditEntry
from audit.verify import verify_database
from domain.accounts.throttle import LoginThrottle, RedisFailureStore
from domain.inventory.models import StockLevel
from domain.settings import Settings
from tests.support import (
    ORGANIZATION_UPDATE,
    STOCK_ADJUST,
    bearer_client,
    client_for,
    error_codes,
    gid,
    make_user,
    unique,
)

SIGN_IN = """mutation($u: String!, $p: String!) {
  sessionCreate(input: {username: $u, password: $p}) { user { username } errors { code } } }"""
ME = "{ viewer { user { email } } }"


async def _post(client, query: str, **variables):
    return await client.post("/graphql", json={"query": query, "variables": variables})


def _adjust(world, delta: int, key: str) -> dict:
    return {
        "input": {
            "productId": gid("Product", world.product.id),
            "warehouseId": gid("Warehouse", world.warehouse.id),
            "delta": delta,
            "reason": "RECEIPT",
            "idempotencyKey": key,
        }
    }


async def _on_hand(world) -> int:
    level = await StockLevel.get(product_id=world.product.id, warehouse_id=world.warehouse.id)
    return level.on_hand


def _assert_unavailable(response) -> None:
    assert response.status_code == 503, response.text
    assert response.headers["content-type"] == "application/json"
    assert int(response.headers["retry-after"]) > 0
    assert error_codes(response.json()) == ["SERVICE_UNAVAILABLE"]


@pytest.fixture
def commit_fails(monkeypatch):
    """The connection drops around COMMIT: ``committed`` says whether the database got it."""
    fault = {"committed": True, "armed": True}

    @asynccontextmanager
    async def dropping():
        async with in_transaction() as conn:
            yield conn
            if fault["armed"] and not fault["committed"]:
                fault["armed"] = False
                raise ConnectionResetError("connection lost before COMMIT reached the server")
        if fault["armed"]:
            fault["armed"] = False
            raise ConnectionResetError("connection lost after COMMIT was sent")

    monkeypatch.setattr(api.audit_flush, "in_transaction", dropping)
    return fault


@pytest.mark.parametrize("committed", [True, False], ids=["committed", "not-committed"])
async def test_a_failed_commit_is_outcome_unknown_and_a_retry_applies_once(
    world, commit_fails, committed
):
    commit_fails["committed"] = committed
    manager = world.team.clients["manager"]
    before = await _on_hand(world)
    key = unique("retry-")
    response = await _post(manager, STOCK_ADJUST, **_adjust(world, 4, key))
    assert response.status_code == 500
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "OUTCOME_UNKNOWN"
    assert "may or may not have been applied" in error["message"]
    assert await _on_hand(world) == before + (4 if committed else 0)

    retried = (await _post(manager, STOCK_ADJUST, **_adjust(world, 4, key))).json()
    payload = retried["data"]["stockAdjust"]
    assert payload["errors"] == [] and payload["replayed"] is committed
    assert await _on_hand(world) == before + 4
    assert (await verify_database()).ok


async def test_a_database_that_cannot_begin_is_service_unavailable(world, monkeypatch):
    @asynccontextmanager
    async def refused():
        raise ConnectionRefusedError("database down")
        yield

    monkeypatch.setattr(api.audit_flush, "in_transaction", refused)
    before = await _on_hand(world)
    response = await _post(world.team.clients["manager"], STOCK_ADJUST, **_adjust(world, 1, "x"))
    _assert_unavailable(response)
    assert await _on_hand(world) == before


async def test_the_door_answers_503_json_when_the_database_is_down(app, team, monkeypatch):
    async def down(*_args, **_kwargs):
        raise ConnectionRefusedError("database down")

    monkeypatch.setattr(api.auth, "resolve_session", down)
    monkeypatch.setattr(api.auth.tokens, "resolve", down)
    response = await _post(team.clients["owner"], ME)
    _assert_unavailable(response)
    assert response.json()["errors"][0]["extensions"]["requestId"]
    async with bearer_client(app, "mandi_pt_abc_def") as partner:
        _assert_unavailable(await _post(partner, ME))


@asynccontextmanager
async def audit_inserts_fail():
    """The database refuses every audit insert (as a full disk or a broken grant would)."""
    conn = connections.get("default")
    if conn.capabilities.dialect == "postgres":
        await conn.execute_script(
            "CREATE FUNCTION mandi_test_fault() RETURNS trigger AS $$ BEGIN "
            "RAISE EXCEPTION 'injected fault'; END; $$ LANGUAGE plpgsql;"
            "CREATE TRIGGER audit_entry_fault BEFORE INSERT ON audit_entry "
            "FOR EACH ROW EXECUTE FUNCTION mandi_test_fault();"
        )
        undo = "DROP TRIGGER audit_entry_fault ON audit_entry; DROP FUNCTION mandi_test_fault();"
    else:
        await conn.execute_script(
            "CREATE TRIGGER audit_entry_fault BEFORE INSERT ON audit_entry "
            "BEGIN SELECT RAISE(ABORT, 'injected fault'); END;"
        )
        undo = "DROP TRIGGER audit_entry_fault"
    try:
        yield
    finally:
        await conn.execute_script(undo)


async def test_a_failing_audit_insert_changes_nothing_and_readyz_says_so(app, world):
    manager, owner = world.team.clients["manager"], world.team.clients["owner"]
    entries = await AuditEntry.all().count()
    city = {"input": {"id": world.team.org_id, "city": "Leh"}}
    async with client_for(app, None) as anon:
        assert (await anon.get("/readyz")).status_code == 200
        async with audit_inserts_fail():
            ready = await anon.get("/readyz")
            response = await _post(owner, ORGANIZATION_UPDATE, **city)
            stock = await _post(manager, STOCK_ADJUST, **_adjust(world, 2, unique("k")))
            read = await _post(manager, ME)
            async with bearer_client(app, "mandi_pt_bogus_token") as partner:
                bogus = await _post(partner, ME)
        recovered = await anon.get("/readyz")
    assert ready.status_code == 503
    assert ready.json() == {
        "status": "unavailable",
        "checks": {"database": "ok", "audit": "failing"},
    }
    assert response.status_code == 503 and error_codes(response.json()) == ["AUDIT_UNAVAILABLE"]
    assert read.json()["data"] is None  # no personal data leaves unaudited
    assert error_codes(read.json()) == ["AUDIT_UNAVAILABLE"]
    await world.team.org.refresh_from_db()
    assert world.team.org.city != "Leh"  # the write rolled back with its entry
    # A change that touches no personal data needs no entry, and goes through.
    assert stock.json()["data"]["stockAdjust"]["errors"] == []
    assert bogus.status_code == 401  # a refusal stays a refusal, recorded or not
    assert await AuditEntry.all().count() == entries
    assert recovered.status_code == 200
    ok = await _post(owner, ORGANIZATION_UPDATE, **city)
    assert ok.json()["data"]["organizationUpdate"]["errors"] == []


DEAD_REDIS = "redis://127.0.0.1:1/0"  # nothing listens there
PASSWORD = "a long passphrase of mine"


async def test_with_redis_down_every_request_is_503_json_and_readyz_says_so(backend, caplog):
    """Redis configured and down: the rate limits cannot be counted, so requests are refused
    (503 SERVICE_UNAVAILABLE with Retry-After, never a plain 500), logged at ERROR."""
    app = create_app(Settings(redis_url=DEAD_REDIS), manage_db=False)
    user = await make_user(password=PASSWORD)
    async with client_for(app, None) as client:
        ready = await client.get("/readyz")
        with caplog.at_level(logging.ERROR):
            response = await _post(client, SIGN_IN, u=user.username, p=PASSWORD)
    assert ready.status_code == 503 and ready.json()["checks"]["redis"] == "failing"
    _assert_unavailable(response)
    assert "set-cookie" not in response.headers
    assert any(r.levelno == logging.ERROR for r in caplog.records)
    await app.state.refusals.close()
    await app.state.throttle.store.close()


async def test_with_the_throttle_store_down_sign_in_is_refused_recorded_and_logged(backend, caplog):
    """The sign-in counters unreachable (the rate limits not): refused with a code, never
    signed in unthrottled, the attempt in the audit log, an ERROR in the server's log."""
    throttle = LoginThrottle(RedisFailureStore(DEAD_REDIS))
    app = create_app(Settings(), manage_db=False, throttle=throttle)
    user = await make_user(password=PASSWORD)
    async with client_for(app, None) as client:
        with caplog.at_level(logging.ERROR, logger="mandi.auth"):
            response = await _post(client, SIGN_IN, u=user.username, p=PASSWORD)
    payload = response.json()["data"]["sessionCreate"]
    assert payload == {"user": None, "errors": [{"code": "SERVICE_UNAVAILABLE"}]}
    assert "set-cookie" not in response.headers
    [entry] = await AuditEntry.filter(subject=f"user:{user.id}", action="login")
    assert entry.outcome == "error"
    assert any("throttle store is unavailable" in r.getMessage() for r in caplog.records)
    await app.state.refusals.close()
    await throttle.store.close()
