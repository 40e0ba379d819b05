"""Privacy policy versions over GraphQL: privacyPolicyPublish (privacy officers),
privacyPolicyAccept, privacyPolicy and privacyPolicyAcceptanceRequired (asked after sign-in)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry
from strawberry.types import Info

from api.access import authorize
from api.context import RequestContext
from api.errors import MutationError
from api.node import Node
from api.payloads import payload
from domain.privacy import policy_versions as models


@strawberry.type(description="A published version of the privacy policy.")
class PrivacyPolicyVersion(Node):
    version: str
    material: bool = strawberry.field(description="Material: every user is asked to accept it.")
    text_digest: str = strawberry.field(description="SHA-256 of the published text.")
    published_at: datetime


@strawberry.input
class PrivacyPolicyPublishInput:
    version: str
    material: bool
    text: str


@strawberry.type
class PrivacyPolicyPayload:
    policy: PrivacyPolicyVersion | None
    notified: int = 0
    errors: list[MutationError]


@strawberry.type
class PolicyMutations:
    @strawberry.mutation(description="Publish a policy version; a material one tells every user.")
    @payload(PrivacyPolicyPayload)
    async def privacy_policy_publish(
        self, info: Info, input: PrivacyPolicyPublishInput
    ) -> dict[str, Any]:
        ctx: RequestContext = info.context
        me = ctx.require_session().user_id
        authorize(ctx, "publish", models.PrivacyPolicyVersion(), planned=True)
        policy, told = await models.publish(
            version=input.version,
            material=input.material,
            text=input.text,
            by_user_id=me,
        )
        ctx.audit.note("privacy_policy.publish", "PrivacyPolicyVersion", policy.id)
        return {"policy": policy, "notified": told}

    @strawberry.mutation(description="Accept a version of the privacy policy.")
    @payload(PrivacyPolicyPayload)
    async def privacy_policy_accept(self, info: Info, version: str) -> models.PrivacyPolicyVersion:
        ctx: RequestContext = info.context
        me = ctx.require_session().user_id
        authorize(ctx, "create", models.PolicyAcceptance(user_id=me))
        accepted = await models.accept(user_id=me, version=version)
        ctx.audit.note(
            "privacy_policy.accept",
            "PolicyAcceptance",
            accepted.id,
            subject=f"user:{accepted.user_id}",
        )
        return await models.PrivacyPolicyVersion.get(id=accepted.policy_id)


@strawberry.type
class PolicyQueries:
    @strawberry.field(description="The current privacy policy version.")
    async def privacy_policy(self, info: Info) -> PrivacyPolicyVersion | None:
        info.context.require_user()
        return await models.latest()  # type: ignore[return-value]

    @strawberry.field(
        description="A material policy version you have not accepted yet (ask after sign-in)."
    )
    async def privacy_policy_acceptance_required(self, info: Info) -> PrivacyPolicyVersion | None:
        ctx: RequestContext = info.context
        me = ctx.require_session().user_id
        return await models.acceptance_required(me)  # type: ignore[return-value]
