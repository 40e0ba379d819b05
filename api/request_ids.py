"""Every HTTP response names its request: ``X-Request-Id``, made before anything else runs.

The id is made here, outside every other middleware, and kept in ``scope["state"]`` where the
principal, the GraphQL context, the audit entries and the export download read it. The header is
added here only, on the way out, to every answer (GraphQL's, a refusal before GraphQL runs: 400,
405, 413, 414, 415, 429..., the fault handler's), so a client can quote any answer's id and a
reviewer find that request's entries and log lines. Every error of an answer also quotes it in
``extensions.requestId`` (``api.errors.with_request_id`` for GraphQL's,
``api.http_errors.error_body`` for the others).
"""

from __future__ import annotations

import uuid

from starlette.types import ASGIApp, Message, Receive, Scope, Send

HEADER = b"x-request-id"


def request_id_of(scope: Scope) -> str:
    """This request's id: the one made on the way in (or a new one, outside the middleware)."""
    state = scope.setdefault("state", {})
    found = state.get("request_id")
    if not found:
        found = state["request_id"] = uuid.uuid4().hex
    return found


class RequestIdMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = request_id_of(scope).encode()

        async def named(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                if not any(k.lower() == HEADER for k, _ in headers):
                    message = {**message, "headers": [*headers, (HEADER, request_id)]}
            await send(message)

        await self.app(scope, receive, named)
