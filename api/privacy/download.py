"""GET /privacy/exports/{token}: a person's data export, once, through the link they were sent.

The link is the credential (only its SHA-256 is stored); it works once and for seven days. The
download is an audit entry, committed with the file's removal before any byte is sent. A link
that leads nowhere (used, expired, erased, guessed) is a refusal at the door (summarised per
address and minute). HEAD is refused: a link checker or mail scanner must not use up the link.
"""

from __future__ import annotations

import logging

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from tortoise.transactions import in_transaction

from api.request_ids import request_id_of
from audit.recorder import Actor, AuditBuffer
from domain.privacy.export import redeem
from domain.privacy.fulfilment import EXPORT_LINK_PATH
from domain.privacy.rendering import package

log = logging.getLogger("mandi.privacy")
EXPORT_PATH = EXPORT_LINK_PATH


def _error(
    status: int, code: str, message: str, request_id: str, headers: dict[str, str] | None = None
) -> Response:
    return JSONResponse(
        {"errors": [{"message": message, "extensions": {"code": code, "requestId": request_id}}]},
        status,
        headers={"X-Request-Id": request_id, **(headers or {})},
    )


async def download_export(request: Request) -> Response:
    actor = Actor(
        type="anonymous",
        ip=request.client.host if request.client else None,
        user_agent=request.headers.get("user-agent"),
        request_id=request_id_of(request.scope),
    )
    rid = actor.request_id or ""
    if request.method != "GET":
        return _error(405, "METHOD_NOT_ALLOWED", "fetch the export with GET", rid, {"Allow": "GET"})
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
        return _error(
            503, "AUDIT_UNAVAILABLE", "the download could not be recorded; try again", rid
        )
    if found is None:
        await request.app.state.refusals.refused(actor, "privacy_export.rejected", "ExportFile")
        return _error(404, "NOT_FOUND", "no export behind this link (used or expired)", rid)
    return Response(
        package(document),
        media_type="application/zip",
        headers={
            "Content-Disposition": 'attachment; filename="mandi-export.zip"',
            "Cache-Control": "no-store",
            "X-Request-Id": rid,
        },
    )
