"""The Starlette application: /graphql, /healthz, /readyz, /privacy/exports/{token}; any other
path is a JSON 404, a method a route does not take a JSON 405 (``api.http_errors``)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from tortoise import Tortoise
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from api.auth import PrincipalMiddleware
from api.error_reports import init_error_reports
from api.faults import FaultMiddleware
from api.graphql_http import MandiGraphQL
from api.http_errors import EXCEPTION_HANDLERS
from api.http_limits import BodyLimitMiddleware, ResponseLimitMiddleware
from api.jobs import in_process
from api.key_scope import KeyScopeMiddleware
from api.persisted_queries import PersistedQueries
from api.privacy.download import EXPORT_PATH, ExportDownload
from api.rate_limits import RateLimitMiddleware, RateLimits
from api.readiness import readyz
from api.request_ids import RequestIdMiddleware
from api.security_headers import SecurityHeadersMiddleware
from api.stats import StatsMiddleware
from audit.refusals import RefusalLog
from audit.witness import checkpoint_interval, checkpoint_periodically, publish_logged
from authz.engine import init_oso
from domain import db
from domain.accounts.throttle import LoginThrottle, MemoryFailureStore, RedisFailureStore
from domain.settings import Settings

log = logging.getLogger("mandi.app")


def build_throttle(settings: Settings) -> LoginThrottle:
    if settings.redis_url:
        return LoginThrottle(RedisFailureStore(settings.redis_url))
    return LoginThrottle(MemoryFailureStore())


def _forwarded_headers(settings: Settings) -> list[Middleware]:
    """X-Forwarded-For/-Proto are believed only from the configured proxies' addresses."""
    if not settings.trusted_proxies:
        return []
    return [Middleware(ProxyHeadersMiddleware, trusted_hosts=list(settings.trusted_proxies))]


async def healthz(_: Request) -> Response:
    return JSONResponse({"status": "ok"})


def create_app(
    settings: Settings | None = None,
    *,
    manage_db: bool = True,
    throttle: LoginThrottle | None = None,
) -> Starlette:
    """The ASGI app. With ``manage_db`` it opens and closes the database in its lifespan."""
    settings = settings or Settings.from_env()
    throttle = throttle or build_throttle(settings)
    init_error_reports(settings)
    db.install_statement_counter()
    init_oso()  # build the policy engine once, before serving (not thread-safe to build)
    refusals = RefusalLog()

    rate_limits = RateLimits(settings)
    persisted = PersistedQueries.from_settings(settings)

    @contextlib.asynccontextmanager
    async def lifespan(_: Any) -> AsyncIterator[None]:
        if manage_db and not Tortoise._inited:
            await db.init_db(settings.database_url)
            await publish_logged()  # checkpoints a stopped server committed but did not witness
        sync_runner = in_process.start(settings) if manage_db else None
        every = checkpoint_interval() if manage_db else 0
        sealer = asyncio.ensure_future(checkpoint_periodically(every)) if every > 0 else None
        try:
            yield
        finally:
            if sealer is not None:
                sealer.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await sealer
            if sync_runner:
                await sync_runner.stop()
            await refusals.close()
            if isinstance(throttle.store, RedisFailureStore):
                await throttle.store.close()
            await rate_limits.close()
            await persisted.close()
            if manage_db:
                await db.close_db()

    graphql = MandiGraphQL(settings, throttle, persisted)
    app = Starlette(
        routes=[
            Route("/graphql", graphql),  # every method: the view answers 405 itself
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            Route(EXPORT_PATH, ExportDownload()),  # every method: GET only, refused there
        ],
        exception_handlers=EXCEPTION_HANDLERS,  # routing's own 404 and 405, as JSON
        # Outermost first. The request id, the client's address, the security headers and CORS
        # sit outside the fault handler, so its 500 and 503 answers carry them too (a browser
        # reads a cross-origin error only with its CORS headers).
        middleware=[
            Middleware(RequestIdMiddleware),
            *_forwarded_headers(settings),
            Middleware(SecurityHeadersMiddleware),
            Middleware(
                CORSMiddleware,
                allow_origins=sorted(settings.allowed_origins),
                allow_credentials=True,
                allow_methods=["GET", "POST"],
                allow_headers=["content-type", "authorization", "x-requested-with"],
                max_age=600,
            ),
            Middleware(FaultMiddleware),
            Middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes),
            Middleware(ResponseLimitMiddleware, max_bytes=settings.max_response_bytes),
            Middleware(StatsMiddleware, expose=settings.expose_stats),
            Middleware(RateLimitMiddleware, limits=rate_limits, by="ip"),
            Middleware(KeyScopeMiddleware),
            Middleware(
                PrincipalMiddleware,
                allowed_origins=settings.allowed_origins,
                refusals=refusals,
                check_get=not settings.is_development,
            ),
            Middleware(RateLimitMiddleware, limits=rate_limits, by="principal"),
        ],
        lifespan=lifespan,
    )
    # No redirect from /graphql/ to /graphql: Starlette builds its Location from the Host
    # header (a poisoned cache could send clients elsewhere) and answers it with no body. The
    # path is a JSON 404 like any other unknown one.
    app.router.redirect_slashes = False
    app.state.throttle = throttle
    app.state.refusals = refusals
    app.state.rate_limits = rate_limits
    app.state.persisted_queries = persisted
    return app
