"""Each request gets its own cache of unwrapped data keys, dropped when the response is sent."""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from domain.crypto.keystore import key_scope


class KeyScopeMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        with key_scope():
            await self.app(scope, receive, send)
