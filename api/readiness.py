"""``/readyz``: can this process do its work now? The database answers, an audit entry can be
appended (a probe rolled back), and Redis answers when it is configured. The body says which
check fails; ``/healthz`` stays a liveness check."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from api.faults import RETRY_AFTER
from audit.writer import probe
from domain import db

log = logging.getLogger("mandi.app")
TIMEOUT = 2.0  # seconds per check


async def _check(name: str, run: Callable[[], Awaitable[Any]]) -> str:
    try:
        await asyncio.wait_for(run(), TIMEOUT)
    except Exception as error:  # any failure means not ready; the type says which
        log.warning("readiness: %s failing: %s", name, type(error).__name__)
        return "failing"
    return "ok"


async def readyz(request: Request) -> Response:
    checks = {"database": await _check("database", db.ping)}
    checks["audit"] = await _check("audit", probe) if checks["database"] == "ok" else "unknown"
    redis = getattr(request.app.state.throttle.store, "redis", None)
    if redis is not None:
        checks["redis"] = await _check("redis", redis.ping)
    ready = all(state == "ok" for state in checks.values())
    return JSONResponse(
        {"status": "ok" if ready else "unavailable", "checks": checks},
        status_code=200 if ready else 503,
        headers=None if ready else {"Retry-After": RETRY_AFTER},
    )
