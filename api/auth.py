"""Resolve who is calling, as pure ASGI middleware (ContextVar-safe), before GraphQL runs.

A bearer partner token wins over a cookie. A request authenticated by the session cookie must
show it is not cross-site before anything runs: ``Sec-Fetch-Site`` (when sent) is same-origin,
``Origin`` (when sent) is this site or an allowed origin, and without ``Origin`` the request
carries an ``X-Requested-With`` header, which a cross-site form cannot add.
"""

from __future__ import annotations

from http.cookies import CookieError, SimpleCookie
from typing import Any

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from api.error_codes import Code
from api.http_errors import send_error
from api.request_ids import request_id_of
from audit.recorder import Actor
from audit.refusals import RefusalLog
from authz.principal import Principal, user_principal
from domain.accounts import tokens
from domain.accounts.sessions import resolve_session

SESSION_COOKIE = "mandi_session"


def _cookie(headers: Headers, name: str) -> str | None:
    raw = headers.get("cookie")
    if not raw:
        return None
    jar = SimpleCookie()
    try:
        jar.load(raw)
    except CookieError:
        return None
    return jar[name].value if name in jar else None


def token_principal(identity: tokens.TokenIdentity) -> Principal:
    return Principal(
        kind="token",
        user_id=identity.created_by_id,
        org_roles={identity.organization_id: identity.creator_role},
        scopes=identity.scopes,
        token_id=identity.token_id,
    )


def same_site(scope: Scope, headers: Headers, allowed_origins: frozenset[str]) -> bool:
    origin = headers.get("origin")
    if origin is not None and origin in allowed_origins:
        return True  # an allowed origin is another site: its Sec-Fetch-Site says cross-site
    fetch_site = headers.get("sec-fetch-site")
    if fetch_site is not None and fetch_site not in {"same-origin", "none"}:
        return False
    if origin is None:
        return headers.get("x-requested-with") is not None
    own = f"{scope.get('scheme', 'http')}://{headers.get('host', '')}"
    return origin == own or origin in allowed_origins


async def _reject(scope: Scope, send: Send, status: int, code: Code, message: str) -> None:
    await send_error(send, status, code, message, scope=scope)


def _actor(scope: Scope, headers: Headers, request_id: str, **who: Any) -> Actor:
    client = scope.get("client")
    return Actor(
        ip=client[0] if client else None,
        user_agent=headers.get("user-agent"),
        request_id=request_id,
        **who,
    )


class PrincipalMiddleware:
    """Put ``principal`` (and ``session_id``) on the request state for the paths given."""

    def __init__(
        self,
        app: ASGIApp,
        paths: tuple[str, ...] = ("/graphql",),
        allowed_origins: frozenset[str] = frozenset(),
        refusals: RefusalLog | None = None,
        check_get: bool = False,
    ) -> None:
        self.app = app
        self.paths = paths
        self.allowed_origins = allowed_origins
        self.refusals = refusals or RefusalLog()
        self.check_get = check_get  # outside development, GET queries must be same-site too

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] not in self.paths:
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        state = scope.setdefault("state", {})
        request_id = request_id_of(scope)
        authorization = headers.get("authorization")
        if authorization is not None:
            scheme, _, value = authorization.partition(" ")
            raw = value.strip()
            identity = await tokens.resolve(raw) if scheme.lower() == "bearer" else None
            if identity is None:
                await self._refuse_token(scope, headers, request_id, raw)
                await _reject(
                    scope,
                    send,
                    401,
                    Code.UNAUTHENTICATED,
                    "invalid, expired or revoked token",
                )
                return
            state["principal"] = token_principal(identity)
        elif (token := _cookie(headers, SESSION_COOKIE)) and (
            found := await resolve_session(token)
        ):
            session, user_access = found
            checked = scope["method"] != "GET" or self.check_get
            if checked and not same_site(scope, headers, self.allowed_origins):
                await self.refusals.refused(
                    _actor(scope, headers, request_id, type="user", id=session.user_id),
                    "csrf.rejected",
                    "WebSession",
                    resource_id=session.id,
                    subject=f"user:{session.user_id}",
                )
                await _reject(scope, send, 403, Code.CSRF_REJECTED, "cross-site request refused")
                return
            state["principal"] = user_principal(session.user_id, user_access)
            state["session"] = session
        await self.app(scope, receive, send)

    async def _refuse_token(
        self, scope: Scope, headers: Headers, request_id: str, raw: str
    ) -> None:
        """Record the use of an unknown, revoked or expired token, naming it only by prefix."""
        prefix = raw[len(tokens.TOKEN_PREFIX) :].partition("_")[0][:16] if raw else ""
        await self.refusals.refused(
            _actor(scope, headers, request_id, type="token"),
            "token.rejected",
            "PartnerToken",
            resource_id=prefix or None,
            organization_id=await tokens.refused_token_organization(raw),
        )
