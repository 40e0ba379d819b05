"""GET /privacy/exports/{token}: a person's data export, once, through the link they were sent.

The link is the credential (only its SHA-256 is stored); it works once and for seven days. The
download is an audit entry, committed with the file's removal before any byte is sent. A link
that leads nowhere (used, expired, erased, guessed) is a refusal at the door (summarised per
address and minute). HEAD is refused: a link checker or mail scanner must not use up the link.
The route takes every method (``ExportDownload``), so every refusal of one, HEAD's and POST's
alike, is this module's 405 with ``Allow: GET`` (Starlette's own would also name HEAD).
"""

from __future__ import annotations

import logging

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send
from tortoise.transactions import in_transaction

from api.error_codes import Code
from api.http_errors import error_response
from api.request_ids import request_id_of
from audit.recorder import Actor, AuditBuffer
from domain.privacy.export import redeem
from domain.privacy.fulfilment import EXPORT_LINK_PATH
from domain.privacy.rendering import package

log = logging.getLogger("mandi.privacy")
EXPORT_PATH = EXPORT_LINK_PATH


async def download_export(request: Request) -> Response:
    actor = Actor(
        type="anonymous",
        ip=request.client.host if request.client else None,
        user_agent=request.headers.get("user-agent"),
        request_id=request_id_of(request.scope),
    )
    scope = request.scope
    if request.method != "GET":
        message = "fetch the export with GET"
        return error_response(scope, 405, Code.METHOD_NOT_ALLOWED, message, {"Allow": "GET"})
    try:
        async with in_transaction():
            found = await redeem(str(request.path_params["token"]))
            if found is not None:
                file, document = found
                buffer = AuditBuffer(actor)
                buffer.note(
                    "privacy_export.download",
                    "ExportFile",
                    file.id,
                    fields=("content_encrypted",),
                    subject=f"{file.subject_kind}:{file.subject_id}",
                    organization_id=file.organization_id,
                    justification="one-time export link",
                )
                await buffer.flush()
    except Exception as error:  # the link stays usable: nothing was committed
        log.error("export download failed: %s", type(error).__name__)
        message = "the download could not be recorded; try again"
        return error_response(scope, 503, Code.AUDIT_UNAVAILABLE, message)
    if found is None:
        await request.app.state.refusals.refused(actor, "privacy_export.rejected", "ExportFile")
        message = "no export behind this link (used or expired)"
        return error_response(scope, 404, Code.NOT_FOUND, message)
    return Response(
        package(document),
        media_type="application/zip",
        headers={
            "Content-Disposition": 'attachment; filename="mandi-export.zip"',
            "Cache-Control": "no-store",
        },
    )


class ExportDownload:
    """The export route's app, for every method: ``download_export`` answers each."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = await download_export(Request(scope, receive))
        await response(scope, receive, send)
