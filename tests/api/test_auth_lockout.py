"""Brute-force protection: lockout per account and per IP, its release, shared through Redis."""

from __future__ import annotations

import os
import uuid

import pytest
import redis.asyncio

from api.app import create_app
from domain.accounts.throttle import (
    ACCOUNT_LIMIT,
    WINDOW_SECONDS,
    LoginThrottle,
    MemoryFailureStore,
    RedisFailureStore,
)
from tests.support import client_for, gql_data, make_user

PASSWORD = "a long passphrase of mine"
SIGN_IN = """
mutation($u: String!, $p: String!) {
  sessionCreate(input: {username: $u, password: $p}) {
    user { username } retryAfterSeconds errors { code }
  }
}"""
REDIS_URL = os.environ.get("MANDI_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


async def _fail(client, username: str, times: int) -> None:
    for _ in range(times):
        data = await gql_data(client, SIGN_IN, u=username, p="wrong wrong wrong")
        assert data["sessionCreate"]["errors"][0]["code"] in {"UNAUTHENTICATED", "RATE_LIMITED"}


async def test_lockout_and_its_release(backend):
    clock = [1000.0]
    app = create_app(manage_db=False, throttle=LoginThrottle(MemoryFailureStore(lambda: clock[0])))
    user = await make_user(password=PASSWORD)
    async with client_for(app, None) as client:
        await _fail(client, user.username, ACCOUNT_LIMIT)
        locked = (await gql_data(client, SIGN_IN, u=user.username, p=PASSWORD))["sessionCreate"]
        assert locked["user"] is None
        assert locked["errors"] == [{"code": "RATE_LIMITED"}]
        assert 0 < locked["retryAfterSeconds"] <= WINDOW_SECONDS
        clock[0] += WINDOW_SECONDS + 1
        released = (await gql_data(client, SIGN_IN, u=user.username, p=PASSWORD))["sessionCreate"]
        assert released["user"] == {"username": user.username}


async def test_unknown_accounts_lock_the_same_way(backend):
    app = create_app(manage_db=False, throttle=LoginThrottle(MemoryFailureStore()))
    async with client_for(app, None) as client:
        await _fail(client, "ghost-user", ACCOUNT_LIMIT)
        data = (await gql_data(client, SIGN_IN, u="ghost-user", p="x"))["sessionCreate"]
        assert data["errors"] == [{"code": "RATE_LIMITED"}]


async def _redis_or_skip() -> None:
    client = redis.asyncio.Redis.from_url(REDIS_URL)
    try:
        await client.ping()
    except (OSError, redis.RedisError) as error:
        if os.environ.get("CI"):
            pytest.fail(f"Redis unreachable at {REDIS_URL}: {type(error).__name__}")
        pytest.skip(f"Redis unreachable at {REDIS_URL}")
    finally:
        await client.aclose()


async def test_two_processes_share_counters_through_redis(backend):
    await _redis_or_skip()
    prefix = f"mandi-test:{uuid.uuid4().hex}:"
    stores = [RedisFailureStore(REDIS_URL, prefix=prefix) for _ in range(2)]
    apps = [create_app(manage_db=False, throttle=LoginThrottle(store)) for store in stores]
    user = await make_user(password=PASSWORD)
    try:
        async with client_for(apps[0], None) as first, client_for(apps[1], None) as second:
            await _fail(first, user.username, ACCOUNT_LIMIT)
            data = (await gql_data(second, SIGN_IN, u=user.username, p=PASSWORD))["sessionCreate"]
            assert data["errors"] == [{"code": "RATE_LIMITED"}]
            await stores[0].clear(f"user:{user.username}")
            data = (await gql_data(second, SIGN_IN, u=user.username, p=PASSWORD))["sessionCreate"]
            assert data["user"] == {"username": user.username}
    finally:
        for store in stores:
            keys = [key async for key in store.redis.scan_iter(prefix + "*")]
            if keys:
                await store.redis.delete(*keys)
            await store.close()
