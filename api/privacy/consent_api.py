"""Consent over GraphQL: consentRecord, ccpaOptOut, viewer consents, and the Sec-GPC signal.

Giving and withdrawing are the same one mutation. A request from a signed-in person carrying
``Sec-GPC: 1`` is their CCPA opt-out of sale or sharing, recorded (method ``gpc``) without
asking for anything else (``GpcSignal``, a schema extension).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime

import strawberry
from strawberry.extensions import SchemaExtension
from strawberry.types import Info

from api.access import authorize, readable
from api.context import RequestContext
from api.errors import MutationError
from api.node import Node
from api.pagination import Connection, paginate
from api.payloads import payload
from domain.privacy import consent
from domain.privacy import consent_models as models

strawberry.enum(models.ConsentPurpose, name="ConsentPurpose")
Purpose = models.ConsentPurpose
strawberry.enum(models.ConsentMethod, name="ConsentMethod")
Method = models.ConsentMethod


@strawberry.type(description="One consent choice: given or withdrawn, how, under which notice.")
class ConsentEvent(Node):
    purpose: Purpose
    granted: bool
    method: Method
    policy_version: str | None
    notice_digest: str | None = strawberry.field(description="SHA-256 of the notice shown.")
    created_at: datetime


@strawberry.input
class ConsentRecordInput:
    purpose: Purpose
    granted: bool
    policy_version: str | None = None
    notice_text: str | None = strawberry.field(
        default=None, description="The notice shown with the choice (only its digest is kept)."
    )


@strawberry.type
class ConsentPayload:
    event: ConsentEvent | None
    errors: list[MutationError]


def _note(ctx: RequestContext, action: str, event: models.ConsentEvent) -> None:
    ctx.audit.note(
        action,
        "ConsentEvent",
        event.id,
        fields=("purpose", "granted"),
        subject=f"user:{event.user_id}",
    )


async def _record(
    ctx: RequestContext,
    *,
    purpose: models.ConsentPurpose,
    granted: bool,
    method: models.ConsentMethod,
    policy_version: str | None = None,
    notice_text: str | None = None,
) -> models.ConsentEvent:
    me = ctx.require_session().user_id
    authorize(ctx, "create", models.ConsentEvent(user_id=me))
    event = await consent.record(
        user_id=me,
        purpose=purpose,
        granted=granted,
        method=method,
        ip=ctx.client_ip,
        policy_version=policy_version,
        notice_text=notice_text,
    )
    _note(ctx, "consent.give" if granted else "consent.withdraw", event)
    return event


@strawberry.type
class ConsentMutations:
    @strawberry.mutation(description="Give or withdraw consent to one purpose.")
    @payload(ConsentPayload)
    async def consent_record(self, info: Info, input: ConsentRecordInput) -> models.ConsentEvent:
        return await _record(
            info.context,
            purpose=models.ConsentPurpose(input.purpose),
            granted=input.granted,
            method=models.ConsentMethod.CHOICE,
            policy_version=input.policy_version,
            notice_text=input.notice_text,
        )

    @strawberry.mutation(description="Do not sell or share my personal information (CCPA).")
    @payload(ConsentPayload)
    async def ccpa_opt_out(self, info: Info) -> models.ConsentEvent:
        return await _record(
            info.context,
            purpose=models.ConsentPurpose.SALE_OR_SHARING,
            granted=False,
            method=models.ConsentMethod.OPT_OUT,
        )


@strawberry.type
class ConsentQueries:
    @strawberry.field(description="Your current choice per purpose (the latest event of each).")
    async def consents(self, info: Info) -> list[ConsentEvent] | None:
        ctx: RequestContext = info.context
        me = ctx.require_session().user_id
        return list((await consent.current(me)).values())  # type: ignore[arg-type]  # rows shown as their GraphQL type

    @strawberry.field(description="Consent events you may see, newest first.")
    async def consent_events(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[ConsentEvent] | None:
        return await paginate(readable(info.context, models.ConsentEvent), first=first, after=after)


class GpcSignal(SchemaExtension):
    """Honour ``Sec-GPC: 1`` from a signed-in person as their CCPA opt-out."""

    async def on_execute(self) -> AsyncIterator[None]:
        ctx = self.execution_context.context
        if ctx.request.headers.get("sec-gpc", "").strip() != "1":
            yield
            return
        honoured = await self._honour(ctx)
        yield
        if not honoured:  # signed in by this very request (sessionCreate): honoured now
            await self._honour(ctx)

    @staticmethod
    async def _honour(ctx: RequestContext) -> bool:
        """Record the opt-out for a signed-in person; False when no one is signed in."""
        user_id = ctx.principal.user_id
        if ctx.principal.kind != "user" or ctx.session is None or user_id is None:
            return False
        event = await consent.honour_gpc(user_id=user_id, ip=ctx.client_ip)
        if event is not None:
            _note(ctx, "consent.gpc_opt_out", event)
        return True
