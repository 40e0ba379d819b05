"""Rate limits (moving windows, as the ``limits`` library counts them): per IP and per principal
for the whole API, and a lower budget for signing in, second factors, resets and sign-up.
Counters live in memory (one process: ``MemoryWindows``) or in Redis when ``REDIS_URL`` is set
(shared by every process: the ``limits`` library's Redis storage, one round trip per budget
item spent). Over a budget the answer is HTTP 429 with ``Retry-After`` and
``extensions.code = RATE_LIMITED``.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import AsyncIterator
from dataclasses import dataclass

from graphql import GraphQLError
from graphql.execution import ExecutionResult as GraphQLExecutionResult
from limits import RateLimitItem, parse_many
from limits.aio.storage import RedisStorage
from limits.aio.strategies import MovingWindowRateLimiter
from redis.asyncio import ConnectionPool
from starlette.types import ASGIApp, Receive, Scope, Send
from strawberry.extensions import SchemaExtension

from api.error_codes import Code
from api.http_errors import send_error
from api.sole_root_field import operation_root_fields
from domain.settings import Settings

RATE_LIMITED = Code.RATE_LIMITED
# Root fields that spend the sign-in budget (each is the only field of its operation, or is
# counted once per field when it may share one).
AUTH_FIELDS = frozenset(
    {
        "sessionCreate",
        "sessionVerifyMfa",
        "sessionReauthenticate",
        "userSignUp",
        "userSignUpConfirm",
        "passwordResetRequest",
        "passwordResetComplete",
        "emailChangeConfirm",  # a token from a mail, as the reset's
        "passwordChange",
        "mfaEnrollConfirm",
        "mfaDisable",
        # Open to anyone and answering alike whether the account exists: a form to flood or
        # to probe with, so it spends the sign-in budget too.
        "minorDataReport",
    }
)


@dataclass
class Budget:
    items: list[RateLimitItem]

    @classmethod
    def parse(cls, text: str) -> Budget:
        return cls(parse_many(text))


class MemoryWindows:
    """Moving windows in this process, as ``limits``' moving-window strategy counts them: a hit
    is allowed while fewer than ``amount`` allowed hits of the same key are younger than the
    item's period; a refused hit is not counted; the wait is until the oldest of them leaves.

    ``limits``' own MemoryStorage scans every key it holds, each through a worker thread, after
    each hit; here a key's window is trimmed when the key is hit, and keys whose hits have all
    left their window are dropped by a sweep every ``SWEEP_EVERY`` seconds, so memory stays
    bounded by the keys active in the last period.
    """

    SWEEP_EVERY = 10.0

    def __init__(self) -> None:
        self._hits: dict[str, tuple[int, deque[float]]] = {}  # key -> (period, allowed hits)
        self._swept = time.monotonic()

    def hit(self, item: RateLimitItem, *identifiers: str) -> int:
        """Count one hit; seconds to wait (at least 1) when the window is full, else 0."""
        now = time.monotonic()
        if now - self._swept >= self.SWEEP_EVERY:
            self._sweep(now)
        key = item.key_for(*identifiers)
        period = item.get_expiry()
        found = self._hits.get(key)
        if found is None:
            found = self._hits[key] = (period, deque())
        hits = found[1]
        while hits and hits[0] < now - period:
            hits.popleft()
        if len(hits) >= item.amount:
            return max(math.ceil(hits[-item.amount] + period - now), 1)
        hits.append(now)
        return 0

    def _sweep(self, now: float) -> None:
        self._swept = now
        stale = [
            k for k, (period, hits) in self._hits.items() if not hits or hits[-1] < now - period
        ]
        for key in stale:
            del self._hits[key]

    async def reset(self) -> None:
        self._hits.clear()


class RateLimits:
    def __init__(self, settings: Settings) -> None:
        self._pool: ConnectionPool | None = None
        self.storage: RedisStorage | MemoryWindows
        self.limiter: MovingWindowRateLimiter | None = None
        if settings.redis_url:
            self._pool = ConnectionPool.from_url(settings.redis_url)
            self.storage = RedisStorage(
                "async+" + settings.redis_url,
                implementation="redispy",
                key_prefix="mandi:rl",
                connection_pool=self._pool,  # type: ignore[arg-type]
            )
            self.limiter = MovingWindowRateLimiter(self.storage)
        else:
            self.storage = MemoryWindows()
        self.ip = Budget.parse(settings.rate_limit_ip)
        self.principal = Budget.parse(settings.rate_limit_principal)
        self.auth = Budget.parse(settings.rate_limit_auth)

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.disconnect()

    async def spend(self, budget: Budget, *key: str) -> int:
        """Count one request against ``budget`` for ``key``; seconds to wait when over (else 0)."""
        wait = 0
        if isinstance(self.storage, MemoryWindows):
            for item in budget.items:
                wait = max(wait, self.storage.hit(item, *key))
            return wait
        assert self.limiter is not None
        for item in budget.items:
            if not await self.limiter.hit(item, *key):
                stats = await self.limiter.get_window_stats(item, *key)
                wait = max(wait, math.ceil(stats.reset_time - time.time()), 1)
        return wait


def principal_key(scope: Scope) -> tuple[str, ...] | None:
    principal = scope.get("state", {}).get("principal")
    if principal is None or not principal.is_authenticated:
        return None
    if principal.kind == "token":
        return ("token", str(principal.token_id))
    return ("user", str(principal.user_id))


def client_ip(scope: Scope) -> str:
    client = scope.get("client")
    return client[0] if client else "unknown"


def _retry_headers(wait: int) -> list[tuple[bytes, bytes]]:
    return [(b"retry-after", str(wait).encode())]


class RateLimitMiddleware:
    """Spend the IP budget (``by="ip"``) or the principal budget (``by="principal"``: place it
    after the principal is known) of each request to ``paths``."""

    def __init__(
        self, app: ASGIApp, limits: RateLimits, by: str, paths: tuple[str, ...] = ("/graphql",)
    ) -> None:
        self.app = app
        self.limits = limits
        self.by = by
        self.paths = paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] not in self.paths:
            await self.app(scope, receive, send)
            return
        if self.by == "ip":
            wait = await self.limits.spend(self.limits.ip, "ip", client_ip(scope))
        else:
            key = principal_key(scope)
            wait = await self.limits.spend(self.limits.principal, *key) if key else 0
        if wait:
            message = f"too many requests; try again in {wait} s"
            headers = _retry_headers(wait)
            await send_error(send, 429, RATE_LIMITED, message, scope=scope, headers=headers)
            return
        await self.app(scope, receive, send)


class AuthRateLimit(SchemaExtension):
    """Spend the sign-in budget, per IP and per principal, for each sign-in-like root field."""

    async def on_execute(self) -> AsyncIterator[None]:
        context = self.execution_context
        request_context = context.context
        limits: RateLimits | None = getattr(request_context.request.app.state, "rate_limits", None)
        document = context.graphql_document
        if limits is not None and document is not None:
            wait = 0
            scope = request_context.request.scope
            for name in operation_root_fields(document, context.operation_name):
                if name not in AUTH_FIELDS:
                    continue
                wait = max(wait, await limits.spend(limits.auth, "auth-ip", client_ip(scope)))
                if key := principal_key(scope):
                    wait = max(wait, await limits.spend(limits.auth, "auth", *key))
            if wait:
                error = GraphQLError(
                    f"too many sign-in attempts; try again in {wait} s",
                    extensions={"code": RATE_LIMITED, "retryAfterSeconds": wait},
                )
                context.result = GraphQLExecutionResult(data=None, errors=[error])
                request_context.response.status_code = 429
                request_context.response.headers["Retry-After"] = str(wait)
        yield
