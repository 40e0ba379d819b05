"""Mutations: accessGrantCreate (support agents), accessGrantRevoke.

A grant needs a justification and a duration of at most 8 hours; it takes effect from the
grantee's next request. The grantee, privacy officers and platform admins revoke grants.
"""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from api.access import authorize, get_readable
from api.context import RequestContext
from api.errors import MutationError
from api.payloads import payload
from api.privacy.subjects import holder_of, subject_key
from api.privacy.types import SUBJECT_TYPES, AccessGrant, AccessGrantSubject
from audit.models import Outcome
from domain.errors import NotFound
from domain.privacy import models, services


@strawberry.input
class AccessGrantCreateInput:
    subject_kind: AccessGrantSubject
    subject_id: strawberry.ID = strawberry.field(description="The User's or Customer's id.")
    justification: str = strawberry.field(
        description=f"Why you need the data ({services.MIN_JUSTIFICATION}-"
        f"{services.MAX_JUSTIFICATION} characters), e.g. the ticket."
    )
    duration_minutes: int = strawberry.field(default=60, description="At most 480 (8 hours).")


@strawberry.type
class AccessGrantPayload:
    grant: AccessGrant | None
    errors: list[MutationError]


def _note(ctx: RequestContext, action: str, grant: models.AccessGrant) -> None:
    ctx.audit.note(
        action,
        "AccessGrant",
        grant.id,
        subject=f"{grant.subject_kind.value}:{grant.subject_id}",
        organization_id=grant.organization_id,
        justification=grant.justification,
    )


@strawberry.type
class PrivacyMutations:
    @strawberry.mutation(
        description="Open a time-boxed access grant for yourself on one person's data, "
        "with a justification."
    )
    @payload(AccessGrantPayload)
    async def access_grant_create(
        self, info: Info, input: AccessGrantCreateInput
    ) -> models.AccessGrant:
        ctx = info.context
        ctx.require_session()
        kind = models.GrantSubject(input.subject_kind)
        subject_id = subject_key(ctx, kind, input.subject_id)
        # the seller holding the buyer sees a refused attempt in its log; the answer is the same
        # whether the person exists or not (the refusal comes before any miss is told)
        home = await holder_of(kind, subject_id)
        planned = models.AccessGrant(
            grantee_id=ctx.principal.user_id,
            subject_kind=kind,
            subject_id=subject_id,
            organization_id=home,
        )
        message = "only support agents open access grants"
        authorize(ctx, "create", planned, message=message, planned=True)
        try:
            grant = await services.create_grant(
                grantee_id=ctx.principal.user_id,
                kind=kind,
                subject_id=subject_id,
                justification=input.justification,
                duration_minutes=input.duration_minutes,
            )
        except NotFound:
            ctx.audit.note("read", SUBJECT_TYPES[kind], subject_id, outcome=Outcome.DENIED)
            raise
        _note(ctx, "access_grant.create", grant)
        return grant

    @strawberry.mutation(description="Close an access grant now.")
    @payload(AccessGrantPayload)
    async def access_grant_revoke(self, info: Info, id: strawberry.ID) -> models.AccessGrant:
        ctx = info.context
        ctx.require_session()
        grant = await get_readable(ctx, models.AccessGrant, id)
        authorize(ctx, "revoke", grant)
        _note(ctx, "access_grant.revoke", grant)
        return await services.revoke_grant(grant=grant)
