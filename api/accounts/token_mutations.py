"""Mutations: partnerTokenCreate, partnerTokenRevoke (owners and admins, with step-up)."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from api.access import authorize, get_readable, record_refusal
from api.accounts.types import PartnerToken
from api.errors import MutationError
from api.payloads import payload
from authz.scopes import SCOPES
from domain.accounts import tokens
from domain.accounts.auth_models import PartnerToken as PartnerTokenModel
from domain.accounts.models import Organization, User
from domain.accounts.sessions import LiveSession
from domain.errors import Conflict


@strawberry.input
class PartnerTokenCreateInput:
    organization_id: strawberry.ID
    name: str
    scopes: list[str] = strawberry.field(description="e.g. catalog:read, orders:read")
    expires_in_days: int = 90


@strawberry.type
class PartnerTokenCreatePayload:
    token: PartnerToken | None
    secret: str | None = strawberry.field(
        description="Send as `Authorization: Bearer <secret>`. Shown only now."
    )
    errors: list[MutationError]


@strawberry.type
class PartnerTokenPayload:
    token: PartnerToken | None
    errors: list[MutationError]


@strawberry.type
class TokenMutations:
    @strawberry.mutation(description="Create a partner token for an organization.")
    @payload(PartnerTokenCreatePayload)
    async def partner_token_create(
        self, info: Info, input: PartnerTokenCreateInput
    ) -> dict[str, object]:
        ctx = info.context
        session = ctx.require_step_up()
        org = await get_readable(ctx, Organization, input.organization_id, field="organizationId")
        authorize(ctx, "manage_tokens", org)
        try:
            issued = await tokens.issue(
                expected_role=ctx.principal.role_in(org.id),
                session=session if isinstance(session, LiveSession) else None,
                organization_id=org.id,
                creator=await User.get(id=ctx.principal.user_id),
                name=input.name,
                scopes=input.scopes[:50],
                known_scopes=set(SCOPES),
                days=input.expires_in_days,
            )
        except Conflict:  # the role or session it was authorized with ended meanwhile
            record_refusal(ctx, "manage_tokens", org)
            raise
        token = issued.token
        ctx.audit.note(
            "token.create",
            "PartnerToken",
            token.id,
            fields=sorted(token.scopes),
            organization_id=token.organization_id,
        )
        return {"token": token, "secret": issued.secret}

    @strawberry.mutation(description="Revoke a partner token; it stops working at once.")
    @payload(PartnerTokenPayload)
    async def partner_token_revoke(self, info: Info, id: strawberry.ID) -> PartnerTokenModel:
        ctx = info.context
        ctx.require_session()
        token = await get_readable(ctx, PartnerTokenModel, id)
        authorize(ctx, "manage_tokens", token)
        ctx.audit.note(
            "token.revoke",
            "PartnerToken",
            token.id,
            organization_id=token.organization_id,
            detail={"reason": "partnerTokenRevoke"},
        )
        return await tokens.revoke(token=token)
