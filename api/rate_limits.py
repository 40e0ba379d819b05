"""Rate limits (the ``limits`` library): per IP and per principal for the whole API, and a lower
budget for signing in, second factors, resets and sign-up. Counters live in memory (one
process) or in Redis when ``REDIS_URL`` is set (shared by every process). Over a budget the
answer is HTTP 429 with ``Retry-After`` and ``extensions.code = RATE_LIMITED``.
"""

from __future__ import annotations

import math
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass

from graphql import GraphQLError
from graphql.execution import ExecutionResult as GraphQLExecutionResult
from limits import RateLimitItem, parse_many
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter
from redis.asyncio import ConnectionPool
from starlette.types import ASGIApp, Receive, Scope, Send
from strawberry.extensions import SchemaExtension

from api.error_codes import Code
from api.http_limits import send_error
from api.media_types import scope_media_type
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
        "passwordChange",
        "mfaEnrollConfirm",
        "mfaDisable",
    }
)


@dataclass
class Budget:
    items: list[RateLimitItem]

    @classmethod
    def parse(cls, text: str) -> Budget:
        return cls(parse_many(text))


class RateLimits:
    def __init__(self, settings: Settings) -> None:
        storage: Storage
        self._pool: ConnectionPool | None = None
        if settings.redis_url:
            self._pool = ConnectionPool.from_url(settings.redis_url)
            storage = RedisStorage(
                "async+" + settings.redis_url,
                implementation="redispy",
                key_prefix="mandi:rl",
                connection_pool=self._pool,  # type: ignore[arg-type]
            )
        else:
            storage = MemoryStorage()
        self.storage = storage
        self.limiter = MovingWindowRateLimiter(storage)
        self.ip = Budget.parse(settings.rate_limit_ip)
        self.principal = Budget.parse(settings.rate_limit_principal)
        self.auth = Budget.parse(settings.rate_limit_auth)

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.disconnect()

    async def spend(self, budget: Budget, *key: str) -> int:
        """Count one request against ``budget`` for ``key``; seconds to wait when over (else 0)."""
        wait = 0
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
            media_type = scope_media_type(scope)
            await send_error(send, 429, RATE_LIMITED, message, _retry_headers(wait), media_type)
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
