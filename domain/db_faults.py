"""Telling an outage from a bug: errors that mean the database (or Redis) cannot be reached now,
so the client should retry later, rather than that this request is wrong."""

from __future__ import annotations

import asyncio
import sqlite3

import asyncpg
from redis import exceptions as redis_errors
from tortoise.exceptions import DBConnectionError

_UNAVAILABLE: tuple[type[BaseException], ...] = (
    OSError,  # refused, reset, unreachable (ConnectionError and TimeoutError among them)
    asyncio.TimeoutError,
    DBConnectionError,
    asyncpg.PostgresConnectionError,  # the server went away, cannot connect now, too many
    asyncpg.InterfaceError,  # the connection closed under the query
    asyncpg.AdminShutdownError,
    asyncpg.CrashShutdownError,
    asyncpg.CannotConnectNowError,
    asyncpg.TooManyConnectionsError,
    redis_errors.ConnectionError,
    redis_errors.TimeoutError,
)
_SQLITE_BUSY = ("database is locked", "unable to open database", "disk i/o error")


def is_unavailable(error: BaseException | None) -> bool:
    """True when ``error`` (or what caused it) says a store is unreachable or overloaded."""
    seen = 0
    while error is not None and seen < 10:
        if isinstance(error, _UNAVAILABLE):
            return True
        if isinstance(error, sqlite3.OperationalError) and str(error).lower().startswith(
            _SQLITE_BUSY
        ):
            return True
        error = error.__cause__  # "raise ... from": a wrapped driver error, not a later bug
        seen += 1
    return False


def is_redis_unavailable(error: BaseException | None) -> bool:
    """True when ``error`` says Redis (the shared failure counters) cannot be reached."""
    return isinstance(error, (redis_errors.ConnectionError, redis_errors.TimeoutError))
