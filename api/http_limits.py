"""Size limits at the edge, as pure ASGI middleware: request bodies and query strings before
anything parses them (HTTP 413 / 414), and responses as a second line of defence behind the
query cost limit (an over-size answer is replaced by a coded error)."""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.error_codes import Code
from api.http_errors import send_error


class BodyLimitMiddleware:
    """Refuse a request body over ``max_bytes`` (declared or streamed) and a longer query string,
    reading at most ``max_bytes`` + one chunk before answering."""

    def __init__(self, app: ASGIApp, max_bytes: int, max_query_string: int = 16 * 1024) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.max_query_string = max_query_string

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.max_bytes
        too_large = f"request body over {limit} bytes"
        if len(scope.get("query_string", b"")) > self.max_query_string:
            message = f"query string over {self.max_query_string} bytes: POST the document"
            await send_error(send, 414, Code.REQUEST_TOO_LARGE, message, scope=scope)
            return
        declared = Headers(scope=scope).get("content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await send_error(send, 413, Code.REQUEST_TOO_LARGE, too_large, scope=scope)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            received = await receive()
            if received["type"] != "http.request":
                break
            chunk = received.get("body", b"")
            size += len(chunk)
            if size > limit:
                await send_error(send, 413, Code.REQUEST_TOO_LARGE, too_large, scope=scope)
                return
            chunks.append(chunk)
            if not received.get("more_body", False):
                break
        body = b"".join(chunks)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


class ResponseLimitMiddleware:
    """Replace a /graphql response body over ``max_bytes`` by a RESPONSE_TOO_LARGE error."""

    def __init__(self, app: ASGIApp, max_bytes: int, paths: tuple[str, ...] = ("/graphql",)):
        self.app = app
        self.max_bytes = max_bytes
        self.paths = paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] not in self.paths:
            await self.app(scope, receive, send)
            return
        start: Message | None = None
        parts: list[bytes] = []
        size = 0
        over = False

        async def guarded(message: Message) -> None:
            nonlocal start, size, over
            if message["type"] == "http.response.start":
                start = message
                return
            if message["type"] != "http.response.body" or over:
                await send(message)
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                over = True
                parts.clear()
                limit = self.max_bytes
                # the operation ran: a mutation's changes are committed, only the answer is lost
                text = (
                    f"the answer is over {limit} bytes; ask less (a mutation was applied all the "
                    "same: read what it changed with a smaller query)"
                )
                await send_error(send, 200, Code.RESPONSE_TOO_LARGE, text, scope=scope, ran=True)
                return
            parts.append(chunk)
            if message.get("more_body", False):
                return
            assert start is not None
            await send(start)
            await send({"type": "http.response.body", "body": b"".join(parts)})

        await self.app(scope, receive, guarded)
