"""Mutation: privacyRequestFulfil — do what the request asks and close it.

Access and portability build the export and send the person a one-time link (shown in the
payload only to the person themselves); restriction and objection put it in force; correction
closes the request once the fields are corrected; erasure erases (unless a legal hold vetoes
it) and answers with the receipt.
"""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from api.access import allows, authorize, get_readable
from api.accounts.user_mutations import note_revoked_tokens
from api.context import RequestContext
from api.errors import MutationError
from api.payloads import payload
from api.privacy import receipts
from api.privacy.request_mutations import note
from api.privacy.request_types import PrivacyRequest
from api.roles.mutations import note_role_change
from audit.models import Outcome
from domain.errors import DomainError
from domain.privacy import request_models as models
from domain.privacy.erasure import Ended
from domain.privacy.fulfilment import Fulfilment, fulfil


@strawberry.type
class PrivacyRequestFulfilPayload:
    request: PrivacyRequest | None
    download_url: str | None = strawberry.field(
        default=None,
        description="The export's one-time link (7 days), for the person themselves; others "
        "never see it (it is sent to the person).",
    )
    receipt: JSON | None = strawberry.field(
        default=None,
        description="Erasure: what was erased and what was kept, with the legal basis of each "
        "(record and field names, never values); the request and the person by their global ids.",
    )
    errors: list[MutationError]


def note_ended(ctx: RequestContext, request: models.PrivacyRequest, ended: Ended) -> None:
    """What erasure ended, each in its organization's log (its owners see why a token stopped
    working, or a member left): support's access grants on the person, and an account's
    tokens, memberships and platform roles."""
    justification = f"erasure (privacy request {request.id})"
    subject = f"{request.subject_kind}:{request.subject_id}"
    for grant_id, organization_id in ended.access_grants:  # support's grants on the person
        ctx.audit.note(
            "access_grant.revoke",
            "AccessGrant",
            grant_id,
            subject=subject,
            organization_id=organization_id,
            justification=justification,
        )
    user_id = request.subject_id
    if user_id is None or request.subject_kind != "user":
        return
    note_revoked_tokens(ctx, user_id, ended.tokens, reason="erasure")
    for membership_id, organization_id, role in ended.memberships:
        note_role_change(
            ctx, "role.revoke", "Membership", membership_id, role, user_id, organization_id,
            justification,
        )  # fmt: skip
    for grant_id, role in ended.platform_roles:
        note_role_change(
            ctx, "platform_role.revoke", "PlatformRoleGrant", grant_id, role, user_id,
            justification=justification,
        )  # fmt: skip


@strawberry.type
class FulfilMutations:
    @strawberry.mutation(description="Do what a privacy request asks, and close it.")
    @payload(PrivacyRequestFulfilPayload)
    async def privacy_request_fulfil(self, info: Info, id: strawberry.ID) -> dict[str, Any]:
        ctx: RequestContext = info.context
        ctx.require_session()
        request = await get_readable(ctx, models.PrivacyRequest, id)
        authorize(ctx, "fulfil", request)
        try:
            done: Fulfilment = await fulfil(request=request, actor_id=ctx.principal.user_id)
        except DomainError as refused:  # a veto (legal hold, orders in flight), a closed request
            note(ctx, "fulfil", request, why=refused.message, outcome=Outcome.DENIED)
            raise
        note(ctx, "fulfil", done.request)
        if done.ended is not None:
            note_ended(ctx, done.request, done.ended)
        shown = done.download_path and allows(ctx, "receive_export", request)
        return {
            "request": done.request,
            "download_url": done.download_path if shown else None,
            "receipt": receipts.shown(done.receipt),
        }
