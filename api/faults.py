"""Answers during faults: JSON with a code, never a plain-text 500.

``FaultMiddleware`` sits outside everything but the request id, the proxy headers, the security
headers and CORS (so its answers carry them): an exception that escapes the app before the
response started becomes ``503 SERVICE_UNAVAILABLE`` with ``Retry-After`` when a store is
unreachable, else ``500 INTERNAL_SERVER_ERROR``, both as GraphQL-shaped JSON (no details).
"""

from __future__ import annotations

import logging

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.error_codes import Code
from api.http_errors import send_error
from domain.db_faults import is_unavailable

log = logging.getLogger("mandi.faults")

RETRY_AFTER = "2"  # seconds; outages seen in testing recovered within a quarter second
RETRY = RETRY_AFTER.encode()
_MESSAGES = {
    Code.SERVICE_UNAVAILABLE: "the service cannot reach its database; try again shortly",
    Code.INTERNAL_SERVER_ERROR: "Internal server error",
}


class FaultMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracking)
        except Exception as error:
            if started:  # too late for an answer of our own; the server closes the connection
                raise
            if is_unavailable(error):
                log.error("store unavailable: %s", type(error).__name__)
                code, status, retry = Code.SERVICE_UNAVAILABLE, 503, [(b"retry-after", RETRY)]
            else:
                log.error("unexpected %s", type(error).__name__)
                code, status, retry = Code.INTERNAL_SERVER_ERROR, 500, []
            await send_error(send, status, code, _MESSAGES[code], scope=scope, headers=retry)
