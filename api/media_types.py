"""The two media types of GraphQL over HTTP, which one a client gets, and an error document in it.

``application/graphql-response+json`` when the client's ``Accept`` prefers it (or ranks it with
``application/json``); otherwise ``application/json``, also for a missing ``Accept`` or ``*/*``
(the spec's legacy default). Under ``application/graphql-response+json`` an answer to a request
that never ran has no ``data`` entry; under ``application/json`` it keeps ``"data": null``, as
Mandi always answered.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.datastructures import Headers
from starlette.types import Scope

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
JSON = "application/json"


def _quality(part: str) -> tuple[str, float]:
    kind, *params = (p.strip() for p in part.split(";"))
    quality = 1.0
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "q":
            try:
                quality = float(value)
            except ValueError:
                quality = 0.0
    return kind.lower(), quality


def negotiate(accept: str | None) -> str:
    """The media type to answer in, for an ``Accept`` header (``None``: not sent)."""
    if not accept:
        return JSON
    ranks: dict[str, float] = {}
    for part in accept.split(","):
        if part.strip():
            kind, quality = _quality(part)
            ranks[kind] = max(ranks.get(kind, 0.0), quality)
    wanted = ranks.get(GRAPHQL_RESPONSE_JSON, 0.0)
    if wanted > 0 and wanted >= ranks.get(JSON, 0.0):
        return GRAPHQL_RESPONSE_JSON
    return JSON


def scope_media_type(scope: Scope) -> str:
    return negotiate(Headers(scope=scope).get("accept"))


def error_document(media_type: str, errors: list[dict[str, Any]], ran: bool = False) -> bytes:
    """A response of errors only: a request that did not run (or, ``ran``, whose data is lost:
    ``"data": null`` under either media type)."""
    body: dict[str, Any] = {"errors": errors}
    if media_type == JSON or ran:
        body = {"data": None, **body}
    return json.dumps(body).encode()
