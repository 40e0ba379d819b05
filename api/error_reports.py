"""Error reports to Sentry (when ``SENTRY_DSN`` is set), scrubbed of personal data.

Any value in a request (body, query string, cookies, auth headers, GraphQL variables) may be
personal data, so none is sent; exception messages can quote input values, so only exception
types and stack frames (without local variables) leave. Breadcrumb messages go too.
"""

from __future__ import annotations

from typing import Any

from domain.settings import Settings

_KEEP_HEADERS = frozenset({"content-type", "content-length", "host", "x-request-id"})


def scrub(event: dict[str, Any], _hint: Any = None) -> dict[str, Any]:
    """Strip everything that could carry a personal value from a Sentry event."""
    request = event.get("request")
    if isinstance(request, dict):
        for key in ("data", "query_string", "cookies", "env"):
            request.pop(key, None)
        headers = request.get("headers")
        if isinstance(headers, dict):
            request["headers"] = {k: v for k, v in headers.items() if k.lower() in _KEEP_HEADERS}
    event.pop("user", None)
    event.pop("extra", None)
    for exception in (event.get("exception") or {}).get("values") or []:
        exception["value"] = ""
        for frame in (exception.get("stacktrace") or {}).get("frames") or []:
            frame.pop("vars", None)
    if "logentry" in event:
        event["logentry"] = {"message": "(scrubbed)"}
    breadcrumbs = event.get("breadcrumbs")
    if isinstance(breadcrumbs, dict):
        breadcrumbs["values"] = [
            {k: v for k, v in crumb.items() if k in {"timestamp", "category", "level", "type"}}
            for crumb in breadcrumbs.get("values") or []
        ]
    event.pop("graphql", None)
    (event.get("contexts") or {}).pop("graphql", None)
    return event


def init_error_reports(settings: Settings) -> bool:
    """Start Sentry with its Starlette and Strawberry integrations; False without a DSN."""
    if not settings.sentry_dsn:
        return False
    import sentry_sdk
    from sentry_sdk.integrations.starlette import StarletteIntegration
    from sentry_sdk.integrations.strawberry import StrawberryIntegration

    sentry_sdk.init(
        dsn=settings.sentry_dsn,
        environment=settings.environment,
        send_default_pii=False,
        include_local_variables=False,
        max_request_body_size="never",
        before_send=scrub,  # type: ignore[arg-type]
        before_send_transaction=scrub,  # type: ignore[arg-type]
        integrations=[StarletteIntegration(), StrawberryIntegration(async_execution=True)],
    )
    return True
