"""Security headers on every response, as pure ASGI middleware.

``X-Content-Type-Options: nosniff``, ``Referrer-Policy: no-referrer``, ``X-Frame-Options: DENY``
and a Content-Security-Policy: nothing may load for JSON answers; the GraphiQL page (served in
development only) may run its inline start-up script and load its assets from the CDN it comes
from. ``Strict-Transport-Security`` when the request came over TLS (as the trusted proxy says).
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

HSTS = b"max-age=31536000; includeSubDomains"
API_CSP = b"default-src 'none'; frame-ancestors 'none'"
GRAPHIQL_CSP = (
    b"default-src 'none'; script-src 'self' 'unsafe-inline' https://unpkg.com; "
    b"style-src 'self' 'unsafe-inline' https://unpkg.com; img-src 'self' data:; "
    b"font-src https://unpkg.com; connect-src 'self'; frame-ancestors 'none'"
)
_ALWAYS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
]


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        tls = scope.get("scheme") == "https"

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                html = any(k == b"content-type" and v.startswith(b"text/html") for k, v in headers)
                headers += _ALWAYS
                headers.append((b"content-security-policy", GRAPHIQL_CSP if html else API_CSP))
                if tls:
                    headers.append((b"strict-transport-security", HSTS))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)
