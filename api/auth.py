"""Resolve who is calling, as pure ASGI middleware (ContextVar-safe), before GraphQL runs."""

from __future__ import annotations

from http.cookies import SimpleCookie

from starlette.types import ASGIApp, Receive, Scope, Send

from authz.principal import load_user_principal
from domain.accounts.sessions import resolve_session

SESSION_COOKIE = "mandi_session"


def _cookie(scope: Scope, name: str) -> str | None:
    for key, value in scope.get("headers", []):
        if key == b"cookie":
            jar = SimpleCookie()
            try:
                jar.load(value.decode("latin-1"))
            except Exception:  # a malformed cookie header means no session
                return None
            if name in jar:
                return jar[name].value
    return None


class PrincipalMiddleware:
    """Put ``principal`` (and ``session_id``) on the request state for the paths given."""

    def __init__(self, app: ASGIApp, paths: tuple[str, ...] = ("/graphql",)) -> None:
        self.app = app
        self.paths = paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] in self.paths:
            state = scope.setdefault("state", {})
            token = _cookie(scope, SESSION_COOKIE)
            found = await resolve_session(token) if token else None
            if found is not None:
                session, user = found
                state["principal"] = await load_user_principal(user)
                state["session_id"] = session.id
        await self.app(scope, receive, send)
