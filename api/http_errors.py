"""Refusals answered outside /graphql, in the GraphQL error shape every other refusal has.

``send_error`` sends one coded error from ASGI middleware (size and rate limits, the door, the
fault handler), ``error_response`` makes it a Starlette ``Response``: both in the media type the
client accepts, naming the request. ``EXCEPTION_HANDLERS`` turn Starlette's own refusals, raised
by its routing as ``HTTPException`` (a path no route serves, a method its route does not take),
into such answers: 404 ``NOT_FOUND`` and 405 ``METHOD_NOT_ALLOWED`` with ``Allow``, never its
plain-text "Not Found".
"""

from __future__ import annotations

from collections.abc import Mapping

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Scope, Send

from api.error_codes import Code
from api.media_types import error_document, scope_media_type
from api.request_ids import request_id_of


def error_body(
    scope: Scope, code: Code, message: str, media_type: str, *, ran: bool = False
) -> bytes:
    """One coded error naming the request (``extensions.requestId``; ``RequestIdMiddleware``
    puts the same id in the ``X-Request-Id`` header of every answer)."""
    error = {"message": message, "extensions": {"code": code, "requestId": request_id_of(scope)}}
    return error_document(media_type, [error], ran)


def error_response(
    scope: Scope,
    status: int,
    code: Code,
    message: str,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """``error_body`` as a Starlette ``Response``, in the media type the request accepts."""
    media_type = scope_media_type(scope)
    return Response(
        error_body(scope, code, message, media_type),
        status_code=status,
        media_type=media_type,
        headers=dict(headers or {}),
    )


async def starlette_refusal(request: Request, exc: Exception) -> Response:
    if not isinstance(exc, HTTPException):  # registered for HTTPException only
        raise exc
    if exc.status_code == 404:
        return error_response(request.scope, 404, Code.NOT_FOUND, "no such path")
    if exc.status_code == 405:
        # Starlette joins the route's methods from a set: put them in one order.
        allowed = ", ".join(sorted((exc.headers or {}).get("Allow", "").split(", ")))
        message = f"this path takes {allowed}"
        return error_response(
            request.scope, 405, Code.METHOD_NOT_ALLOWED, message, {"Allow": allowed}
        )
    # Not raised by Mandi's routes today; coded by class all the same, never plain text.
    code = Code.BAD_REQUEST if exc.status_code < 500 else Code.INTERNAL_SERVER_ERROR
    return error_response(request.scope, exc.status_code, code, exc.detail, exc.headers)


EXCEPTION_HANDLERS = {HTTPException: starlette_refusal}


async def send_error(
    send: Send,
    status: int,
    code: Code,
    message: str,
    *,
    scope: Scope,
    headers: list[tuple[bytes, bytes]] | None = None,
    ran: bool = False,
) -> None:
    """``error_body`` sent from ASGI middleware, in the media type the request accepts."""
    media_type = scope_media_type(scope)
    body = error_body(scope, code, message, media_type, ran=ran)
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", media_type.encode()),
                (b"content-length", str(len(body)).encode()),
                *(headers or []),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
