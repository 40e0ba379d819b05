"""Brute-force protection: failure counters per account and per IP, with lockout.

Counters live in memory by default (one process) or in Redis when configured, so several
processes share them. A key locked out stays locked until its window expires. Wrong second
factors count on a counter of their own (a right password does not clear it, nor the password
counter): only a full sign-in, both factors passed, clears the account's counters.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

ACCOUNT_LIMIT = 5
MFA_LIMIT = 5
IP_LIMIT = 30
WINDOW_SECONDS = 15 * 60


class FailureStore(Protocol):
    async def hit(self, key: str, window: int) -> int: ...
    async def state(self, key: str) -> tuple[int, int]: ...
    async def clear(self, key: str) -> None: ...


class MemoryFailureStore:
    """Counters in this process; ``clock`` is replaceable for tests."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._entries: dict[str, tuple[int, float]] = {}

    def _live(self, key: str) -> tuple[int, float] | None:
        entry = self._entries.get(key)
        if entry and entry[1] <= self.clock():
            del self._entries[key]
            return None
        return entry

    async def hit(self, key: str, window: int) -> int:
        entry = self._live(key)
        count, expires = entry if entry else (0, self.clock() + window)
        self._entries[key] = (count + 1, expires)
        return count + 1

    async def state(self, key: str) -> tuple[int, int]:
        entry = self._live(key)
        if not entry:
            return 0, 0
        return entry[0], max(1, int(entry[1] - self.clock()))

    async def clear(self, key: str) -> None:
        self._entries.pop(key, None)


class RedisFailureStore:
    """Counters in Redis (INCR with an expiry set on the first failure of a window)."""

    def __init__(self, url: str, prefix: str = "mandi:fail:") -> None:
        from redis.asyncio import Redis

        self.redis = Redis.from_url(url)
        self.prefix = prefix

    async def hit(self, key: str, window: int) -> int:
        name = self.prefix + key
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.incr(name)
            pipe.expire(name, window, nx=True)
            count, _ = await pipe.execute()
        return int(count)

    async def state(self, key: str) -> tuple[int, int]:
        name = self.prefix + key
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.get(name)
            pipe.ttl(name)
            raw, ttl = await pipe.execute()
        return (int(raw), max(1, int(ttl))) if raw else (0, 0)

    async def clear(self, key: str) -> None:
        await self.redis.delete(self.prefix + key)

    async def close(self) -> None:
        await self.redis.aclose()


@dataclass
class LoginThrottle:
    store: FailureStore

    @staticmethod
    def _keys(username: str, ip: str | None) -> tuple[str, str]:
        return f"user:{username.strip().lower()}", f"ip:{ip or 'unknown'}"

    @staticmethod
    def _mfa_key(username: str) -> str:
        return f"mfa:{username.strip().lower()}"

    async def locked_for(self, username: str, ip: str | None) -> int:
        """Seconds until this account or IP may try again; 0 when not locked."""
        account, address = self._keys(username, ip)
        account_failures, account_ttl = await self.store.state(account)
        ip_failures, ip_ttl = await self.store.state(address)
        wait = 0
        if account_failures >= ACCOUNT_LIMIT:
            wait = account_ttl
        if ip_failures >= IP_LIMIT:
            wait = max(wait, ip_ttl)
        return wait

    async def mfa_locked_for(self, username: str, ip: str | None) -> int:
        """Like ``locked_for``, counting the account's wrong second factors too."""
        failures, ttl = await self.store.state(self._mfa_key(username))
        wait = ttl if failures >= MFA_LIMIT else 0
        return max(wait, await self.locked_for(username, ip))

    async def failed(self, username: str, ip: str | None) -> None:
        account, address = self._keys(username, ip)
        await self.store.hit(account, WINDOW_SECONDS)
        await self.store.hit(address, WINDOW_SECONDS)

    async def mfa_failed(self, username: str, ip: str | None) -> None:
        await self.store.hit(self._mfa_key(username), WINDOW_SECONDS)
        await self.store.hit(self._keys(username, ip)[1], WINDOW_SECONDS)

    async def succeeded(self, username: str) -> None:
        """A full sign-in: clear the account's password and second-factor counters."""
        await self.store.clear(self._keys(username, None)[0])
        await self.store.clear(self._mfa_key(username))
