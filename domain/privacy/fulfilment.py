"""Fulfilling a privacy request: doing what the right asks, then closing the request."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from domain import secretbox
from domain.errors import ValidationFailed
from domain.privacy import erasure, restrictions
from domain.privacy.export import create_export
from domain.privacy.models import GrantSubject, Purpose, RestrictionKind
from domain.privacy.request_models import PrivacyRequest, RequestType
from domain.privacy.requests import complete, require_open

EXPORT_LINK_PATH = "/privacy/exports/{token}"
NOTICE_LINK_CONTEXT = "privacy_notice.link"


@dataclass
class Fulfilment:
    request: PrivacyRequest
    download_path: str | None = None  # the one-time export link (access, portability)
    receipt: dict[str, Any] = field(default_factory=dict)  # what erasure erased and kept
    ended: erasure.Ended | None = None  # what erasure took from an account (for the log)


async def _export(request: PrivacyRequest, actor_id: int | None) -> Fulfilment:
    file, token = await create_export(request)
    path = EXPORT_LINK_PATH.format(token=token)
    await complete(
        request=request,
        actor_id=actor_id,
        note=f"export {file.id} ready until {file.expires_at.isoformat()}",
        expires_at=file.expires_at.isoformat(),
        link_encrypted=secretbox.encrypt(path, context=NOTICE_LINK_CONTEXT),
    )
    return Fulfilment(request, download_path=path)


async def _restrict(request: PrivacyRequest, actor_id: int | None) -> Fulfilment:
    kind = (
        RestrictionKind.OBJECTION
        if request.type == RequestType.OBJECTION
        else RestrictionKind.RESTRICTION
    )
    purpose = Purpose(request.purpose) if request.purpose else None
    assert request.subject_id is not None, "only a minor-data report has none; fulfil refuses it"
    made = await restrictions.restrict(
        kind=kind,
        subject_kind=GrantSubject(request.subject_kind),
        subject_id=request.subject_id,
        purpose=purpose,
        requested_by_id=request.requested_by_id,
    )
    await complete(request=request, actor_id=actor_id, note=f"restriction {made.id} in force")
    return Fulfilment(request)


async def _erase(request: PrivacyRequest, actor_id: int | None) -> Fulfilment:
    assert request.subject_id is not None, "only a minor-data report has none; fulfil refuses it"
    address = await erasure.contact_of(GrantSubject(request.subject_kind), request.subject_id)
    receipt, ended = await erasure.erase(request=request)
    request.receipt = receipt
    await request.save(update_fields=["receipt"])
    await complete(
        request=request, actor_id=actor_id, note="erased", deliver_to=address, receipt=receipt
    )
    return Fulfilment(request, receipt=receipt, ended=ended)


async def fulfil(*, request: PrivacyRequest, actor_id: int | None) -> Fulfilment:
    """Act on the request and close it; NOT_FOUND-style failures leave it open."""
    require_open(request)
    kind = RequestType(request.type)
    if kind in (RequestType.ACCESS, RequestType.PORTABILITY):
        return await _export(request, actor_id)
    if kind in (RequestType.RESTRICTION, RequestType.OBJECTION):
        return await _restrict(request, actor_id)
    if kind is RequestType.ERASURE:
        return await _erase(request, actor_id)
    if kind is RequestType.CORRECTION:
        await complete(request=request, actor_id=actor_id, note="corrections made")
        return Fulfilment(request)
    raise ValidationFailed(f"a {kind} request is fulfilled by its own step", field="id")
