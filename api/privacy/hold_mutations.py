"""Legal holds: a privacy officer's veto on erasing one person's data, with the reason.

legalHoldSet, legalHoldRelease and legalHolds are for privacy officers only (the policy).
"""

from __future__ import annotations

from datetime import UTC, datetime

import strawberry
from strawberry.types import Info

from api import ids
from api.access import authorize, get_readable, readable
from api.context import RequestContext
from api.errors import MutationError
from api.node import Node
from api.pagination import Connection, paginate
from api.payloads import payload
from api.privacy.subjects import authorize_about, named_subject
from api.privacy.types import SUBJECT_TYPES, AccessGrantSubject
from domain.errors import ValidationFailed
from domain.privacy.models import GrantSubject
from domain.privacy.request_models import LegalHold as LegalHoldModel
from domain.privacy.request_models import LegalHold as LegalHoldRow

MIN_REASON, MAX_REASON = 10, 1000


@strawberry.type(description="A privacy officer's veto on erasing one person's data.")
class LegalHold(Node):
    subject_kind: AccessGrantSubject
    reason: str
    created_at: datetime
    released_at: datetime | None

    @strawberry.field
    def subject_id(self, root: LegalHoldRow) -> strawberry.ID:
        kind = SUBJECT_TYPES[GrantSubject(root.subject_kind)]
        return strawberry.ID(ids.encode(kind, root.subject_id))


@strawberry.type
class LegalHoldPayload:
    hold: LegalHold | None
    errors: list[MutationError]


def _reason(text: str) -> str:
    cleaned = " ".join(text.split())
    if not MIN_REASON <= len(cleaned) <= MAX_REASON:
        raise ValidationFailed(f"{MIN_REASON} to {MAX_REASON} characters", field="reason")
    return cleaned


def _note(ctx: RequestContext, action: str, hold: LegalHoldModel) -> None:
    ctx.audit.note(
        action,
        "LegalHold",
        hold.id,
        subject=f"{hold.subject_kind}:{hold.subject_id}",
        organization_id=hold.organization_id,
        justification=hold.reason,
    )


@strawberry.type
class LegalHoldMutations:
    @strawberry.mutation(description="Hold a person's data against erasure, saying why.")
    @payload(LegalHoldPayload)
    async def legal_hold_set(
        self,
        info: Info,
        subject_kind: AccessGrantSubject,
        subject_id: strawberry.ID,
        reason: str,
    ) -> LegalHoldModel:
        ctx: RequestContext = info.context
        ctx.require_session()
        kind = GrantSubject(subject_kind)
        pk, organization_id = await named_subject(ctx, kind, subject_id)
        planned = LegalHoldModel(subject_kind=kind, subject_id=pk, organization_id=organization_id)
        message = "only privacy officers set legal holds"
        await authorize_about(ctx, "create", planned, kind=kind, subject_id=pk, message=message)
        hold = await LegalHoldModel.create(
            subject_kind=kind,
            subject_id=pk,
            organization_id=organization_id,
            reason=_reason(reason),
            set_by_id=ctx.principal.user_id,
        )
        _note(ctx, "legal_hold.set", hold)
        return hold

    @strawberry.mutation(description="Release a legal hold: erasure may proceed again.")
    @payload(LegalHoldPayload)
    async def legal_hold_release(self, info: Info, id: strawberry.ID) -> LegalHoldModel:
        ctx: RequestContext = info.context
        ctx.require_session()
        hold = await get_readable(ctx, LegalHoldModel, id)
        authorize(ctx, "release", hold)
        if hold.released_at is None:
            hold.released_at = datetime.now(UTC)
            await hold.save(update_fields=["released_at"])
            _note(ctx, "legal_hold.release", hold)
        return hold


@strawberry.type
class LegalHoldQueries:
    @strawberry.field(description="Legal holds you may see, newest first.")
    async def legal_holds(
        self, info: Info, open_only: bool = True, first: int | None = None, after: str | None = None
    ) -> Connection[LegalHold] | None:
        query = readable(info.context, LegalHoldModel)
        if open_only:
            query = query.filter(released_at=None)
        return await paginate(query, first=first, after=after)
