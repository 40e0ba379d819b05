"""Mutations: processingRestrictionCreate, processingRestrictionLift.

A person restricts processing of their data or objects to one purpose; a seller's owner or admin
does so for a buyer who asked them; privacy officers for anyone. The person lifts their own at
once; a lift by anyone else is announced to the person and takes effect a week later.
"""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from api.access import authorize, get_readable
from api.context import RequestContext
from api.errors import MutationError
from api.payloads import payload
from api.privacy.subjects import authorize_about, named_subject
from api.privacy.types import (
    AccessGrantSubject,
    ProcessingRestriction,
    Purpose,
    RestrictionKind,
)
from domain.errors import ValidationFailed
from domain.privacy import models, restrictions


@strawberry.input
class ProcessingRestrictionCreateInput:
    kind: RestrictionKind
    purpose: Purpose | None = strawberry.field(
        default=None, description="The purpose objected to; a restriction covers every one."
    )
    subject_kind: AccessGrantSubject = strawberry.field(default=models.GrantSubject.USER)
    subject_id: strawberry.ID | None = strawberry.field(
        default=None, description="The User's or Customer's id; yourself when omitted."
    )


@strawberry.type
class ProcessingRestrictionPayload:
    restriction: ProcessingRestriction | None
    errors: list[MutationError]


def _note(ctx: RequestContext, action: str, restriction: models.ProcessingRestriction) -> None:
    ctx.audit.note(
        action,
        "ProcessingRestriction",
        restriction.id,
        fields=("kind", "purpose"),
        subject=f"{restriction.subject_kind}:{restriction.subject_id}",
        organization_id=restriction.organization_id,
    )


@strawberry.type
class RestrictionMutations:
    @strawberry.mutation(
        description="Restrict processing of a person's data, or object to one purpose."
    )
    @payload(ProcessingRestrictionPayload)
    async def processing_restriction_create(
        self, info: Info, input: ProcessingRestrictionCreateInput
    ) -> models.ProcessingRestriction:
        ctx: RequestContext = info.context
        me = ctx.require_session().user_id
        kind = models.GrantSubject(input.subject_kind)
        if input.subject_id is None:
            if kind is not models.GrantSubject.USER:
                raise ValidationFailed("name the buyer", field="subjectId")
            subject_id, organization_id = me, None
        else:
            subject_id, organization_id = await named_subject(ctx, kind, input.subject_id)
        planned = models.ProcessingRestriction(
            subject_kind=kind, subject_id=subject_id, organization_id=organization_id
        )
        await authorize_about(ctx, "create", planned, kind=kind, subject_id=subject_id)
        purpose = None if input.purpose is None else models.Purpose(input.purpose)
        restriction = await restrictions.restrict(
            kind=models.RestrictionKind(input.kind),
            subject_kind=kind,
            subject_id=subject_id,
            purpose=purpose,
            requested_by_id=me,
        )
        _note(ctx, f"processing_{restriction.kind}.create", restriction)
        return restriction

    @strawberry.mutation(
        description="Lift a restriction or objection: at once if it is your own, else after "
        "telling the person (a week's notice)."
    )
    @payload(ProcessingRestrictionPayload)
    async def processing_restriction_lift(
        self, info: Info, id: strawberry.ID, reason: str | None = None
    ) -> models.ProcessingRestriction:
        ctx: RequestContext = info.context
        me = ctx.require_session().user_id
        restriction = await get_readable(ctx, models.ProcessingRestriction, id)
        authorize(ctx, "lift", restriction)
        lifted = await restrictions.lift(restriction=restriction, by_user_id=me, reason=reason)
        _note(ctx, f"processing_{lifted.kind}.lift", lifted)
        return lifted
