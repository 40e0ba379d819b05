"""Answers during faults: JSON with a code, never a plain-text 500.

``FaultMiddleware`` sits outside everything else: an exception that escapes the app before the
response started becomes ``503 SERVICE_UNAVAILABLE`` with ``Retry-After`` when a store is
unreachable, else ``500 INTERNAL_SERVER_ERROR``, both as GraphQL-shaped JSON (no details).
"""

from __future__ import annotations

import logging

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.error_codes import Code
from api.media_types import JSON, error_document, scope_media_type
from domain.db_faults import is_unavailable

log = logging.getLogger("mandi.faults")

RETRY_AFTER = "2"  # seconds; outages seen in testing recovered within a quarter second
_MESSAGES = {
    Code.SERVICE_UNAVAILABLE: "the service cannot reach its database; try again shortly",
    Code.INTERNAL_SERVER_ERROR: "Internal server error",
}


async def send_error(
    send: Send,
    status: int,
    code: Code,
    request_id: str | None = None,
    message: str | None = None,
    media_type: str = JSON,
) -> None:
    """A GraphQL-shaped JSON error response, with the request id; 503s say when to retry."""
    extensions = {"code": code, **({"requestId": request_id} if request_id else {})}
    error = {"message": message or _MESSAGES[code], "extensions": extensions}
    body = error_document(media_type, [error])
    headers = [(b"content-type", media_type.encode())]
    if request_id:
        headers.append((b"x-request-id", request_id.encode()))
    if status == 503:
        headers.append((b"retry-after", RETRY_AFTER.encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def send_unavailable(
    send: Send, request_id: str | None = None, media_type: str = JSON
) -> None:
    await send_error(send, 503, Code.SERVICE_UNAVAILABLE, request_id, media_type=media_type)


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
            request_id = scope.get("state", {}).get("request_id")
            media_type = scope_media_type(scope)
            if is_unavailable(error):
                log.error("store unavailable: %s", type(error).__name__)
                await send_unavailable(send, request_id, media_type)
            else:
                log.error("unexpected %s", type(error).__name__)
                await send_error(
                    send, 500, Code.INTERNAL_SERVER_ERROR, request_id, None, media_type
                )
