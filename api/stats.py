"""Per-request counters for the benchmark: SQL statements, policy evaluations, audit inserts.

With ``MANDI_EXPOSE_STATS=1`` the ``/graphql`` responses carry ``X-Mandi-SQL``,
``X-Mandi-Policy-Evaluations`` and ``X-Mandi-Audit-Inserts``. The counters always run (they are
cheap); only the headers are optional. Nothing here changes what the API decides.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from domain.db import count_statements


class StatsMiddleware:
    """Counts the statements of a request (the principal look-up included) and, when asked,
    reports them with the request's other counters in response headers."""

    def __init__(self, app: ASGIApp, expose: bool = False) -> None:
        self.app = app
        self.expose = expose

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.expose:
            await self.app(scope, receive, send)
            return
        state = scope.setdefault("state", {})
        with count_statements() as counted:

            async def send_with_stats(message: Message) -> None:
                if message["type"] == "http.response.start":
                    stats = state.get("stats", {})
                    headers = list(message.get("headers", []))
                    headers += [
                        (b"x-mandi-sql", str(counted.value).encode()),
                        (b"x-mandi-policy-evaluations", str(stats.get("evaluations", 0)).encode()),
                        (b"x-mandi-audit-inserts", str(stats.get("audit_inserts", 0)).encode()),
                    ]
                    message = {**message, "headers": headers}
                await send(message)

            await self.app(scope, receive, send_with_stats)
