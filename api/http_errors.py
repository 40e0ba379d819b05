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


def error_response(
    scope: Scope,
    status: int,
    code: Code,
    message: str,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """One coded error, with the request's id in ``extensions.requestId`` and ``X-Request-Id``."""
    request_id = request_id_of(scope)
    media_type = scope_media_type(scope)
    error = {"message": message, "extensions": {"code": code, "requestId": request_id}}
    return Response(
        error_document(media_type, [error]),
        status_code=status,
        media_type=media_type,
        headers={"X-Request-Id": request_id, **(headers or {})},
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
    """One coded error in the media type the request accepts, naming the request."""
    media_type = scope_media_type(scope)
    extensions = {"code": code, "requestId": request_id_of(scope)}
    body = error_document(media_type, [{"message": message, "extensions": extensions}], ran)
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
