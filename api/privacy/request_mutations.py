"""Mutations: privacyRequestCreate, privacyRequestTake, privacyRequestExtend, privacyRequestDeny.

A user files requests about themselves after signing in again within the last minutes; a
seller's owner or admin files for a buyer, and a privacy officer for anyone, naming the channel
at which they reached the person. A second request of the same type while one is open returns
the open one (``created: false``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry
from strawberry.types import Info

from api.access import authorize, get_readable
from api.context import RequestContext
from api.errors import MutationError
from api.payloads import payload
from api.privacy.request_types import PrivacyRequest, RequestType, VerifiedChannel
from api.privacy.subjects import authorize_about, named_subject
from api.privacy.types import AccessGrantSubject, Purpose
from audit.models import Outcome
from domain.accounts.models import User
from domain.errors import ValidationFailed
from domain.orders.models import Customer
from domain.privacy import request_models as models
from domain.privacy import requests
from domain.privacy.models import GrantSubject
from domain.privacy.models import Purpose as PurposeEnum

_CHANNELS = {
    VerifiedChannel.EMAIL: (models.IdentityCheck.VERIFIED_EMAIL, "email"),
    VerifiedChannel.PHONE: (models.IdentityCheck.VERIFIED_PHONE, "phone"),
}


@strawberry.input
class PrivacyRequestCreateInput:
    type: RequestType
    purpose: Purpose | None = strawberry.field(
        default=None, description="For an objection: the purpose objected to."
    )
    subject_kind: AccessGrantSubject = strawberry.field(default=GrantSubject.USER)
    subject_id: strawberry.ID | None = strawberry.field(
        default=None, description="The User's or Customer's id; yourself when omitted."
    )
    verified_channel: VerifiedChannel | None = strawberry.field(
        default=None,
        description="For someone else's request: the channel on file at which you reached the "
        "person and confirmed it is them.",
    )


@strawberry.type
class PrivacyRequestPayload:
    request: PrivacyRequest | None
    created: bool = False
    errors: list[MutationError]


def note(
    ctx: RequestContext,
    action: str,
    request: models.PrivacyRequest,
    *,
    fields: tuple[str, ...] = (),
    why: str | None = None,
    outcome: Outcome = Outcome.ALLOWED,
) -> None:
    """The audit entry of one step of a request (ids, states and an officer's reason)."""
    subject = None if request.subject_id is None else f"{request.subject_kind}:{request.subject_id}"
    ctx.audit.note(
        f"privacy_request.{action}",
        "PrivacyRequest",
        request.id,
        fields=fields,
        subject=subject,
        organization_id=request.organization_id,
        justification=why,
        outcome=outcome,
    )


async def _identity(
    ctx: RequestContext, kind: GrantSubject, subject_id: int, channel: VerifiedChannel | None
) -> models.IdentityCheck:
    """How the person's identity was checked: signing in again, or a channel on file."""
    if kind is GrantSubject.USER and subject_id == ctx.principal.user_id:
        ctx.require_step_up()
        return models.IdentityCheck.RECENT_REAUTHENTICATION
    if channel is None:
        raise ValidationFailed("say how you confirmed it is the person", field="verifiedChannel")
    check, column = _CHANNELS[channel]
    model = User if kind is GrantSubject.USER else Customer
    on_file = await model.filter(id=subject_id).values_list(column, flat=True)
    if not on_file or not on_file[0]:
        raise ValidationFailed(f"no {column} is on file for the person", field="verifiedChannel")
    return check


@strawberry.type
class PrivacyRequestMutations:
    @strawberry.mutation(
        description="File a privacy request (access, portability, correction, "
        "erasure, restriction, objection)."
    )
    @payload(PrivacyRequestPayload)
    async def privacy_request_create(
        self, info: Info, input: PrivacyRequestCreateInput
    ) -> dict[str, Any]:
        ctx: RequestContext = info.context
        me = ctx.require_session().user_id
        kind = models.RequestType(input.type)
        if kind is models.RequestType.MINOR_DATA:
            raise ValidationFailed("report a minor with minorDataReport", field="type")
        subject_kind = GrantSubject(input.subject_kind)
        if input.subject_id is None:
            if subject_kind is not GrantSubject.USER:
                raise ValidationFailed("name the buyer", field="subjectId")
            subject_id, organization_id = me, None
        else:
            subject_id, organization_id = await named_subject(ctx, subject_kind, input.subject_id)
        planned = models.PrivacyRequest(
            type=kind,
            subject_kind=subject_kind,
            subject_id=subject_id,
            organization_id=organization_id,
        )
        await authorize_about(ctx, "create", planned, kind=subject_kind, subject_id=subject_id)
        purpose = None if input.purpose is None else PurposeEnum(input.purpose)
        if kind is models.RequestType.OBJECTION and purpose in (None, PurposeEnum.ALL):
            raise ValidationFailed("name the purpose you object to", field="purpose")
        check = await _identity(ctx, subject_kind, subject_id, input.verified_channel)
        request, created = await requests.file_request(
            kind=kind,
            subject_kind=subject_kind,
            subject_id=subject_id,
            identity_check=check,
            requested_by_id=me,
            purpose=purpose,
        )
        note(ctx, "create" if created else "create_duplicate", request)
        return {"request": request, "created": created}

    @strawberry.mutation(
        description="Take a request on: you become its handler and it is IN_PROGRESS."
    )
    @payload(PrivacyRequestPayload)
    async def privacy_request_take(self, info: Info, id: strawberry.ID) -> models.PrivacyRequest:
        ctx: RequestContext = info.context
        me = ctx.require_session().user_id
        request = await get_readable(ctx, models.PrivacyRequest, id)
        authorize(ctx, "take", request)
        taken = await requests.take(request=request, handler_id=me)
        note(ctx, "take", taken)
        return taken

    @strawberry.mutation(
        description="Move the deadline once, with a reason told to the person "
        "(GDPR: at most two more months; CCPA: at most 45 more days)."
    )
    @payload(PrivacyRequestPayload)
    async def privacy_request_extend(
        self, info: Info, id: strawberry.ID, until: datetime, reason: str
    ) -> models.PrivacyRequest:
        ctx: RequestContext = info.context
        me = ctx.require_session().user_id
        request = await get_readable(ctx, models.PrivacyRequest, id)
        authorize(ctx, "extend", request)
        extended = await requests.extend(request=request, until=until, reason=reason, actor_id=me)
        note(ctx, "extend", extended, fields=("due_at",), why=extended.extension_reason)
        return extended

    @strawberry.mutation(
        description="Refuse a request with reasons; the person is told why and "
        "how to complain to a supervisory authority."
    )
    @payload(PrivacyRequestPayload)
    async def privacy_request_deny(
        self, info: Info, id: strawberry.ID, reason: str
    ) -> models.PrivacyRequest:
        ctx: RequestContext = info.context
        me = ctx.require_session().user_id
        request = await get_readable(ctx, models.PrivacyRequest, id)
        authorize(ctx, "deny", request)
        denied = await requests.deny(request=request, reason=reason, actor_id=me)
        note(ctx, "deny", denied, why=denied.denial_reason)
        return denied


@strawberry.input
class MinorDataReportInput:
    username: str | None = strawberry.field(default=None, description="The account, if known.")
    email: str | None = strawberry.field(default=None, description="Or its email address.")


@strawberry.type
class MinorDataReportPayload:
    ok: bool = False
    errors: list[MutationError]


@strawberry.type
class MinorDataMutations:
    @strawberry.mutation(
        description="Tell us a child's personal data is held (anyone, signed in or not). A "
        "privacy officer looks into it within three days; the answer is always ok."
    )
    @payload(MinorDataReportPayload)
    async def minor_data_report(self, info: Info, input: MinorDataReportInput) -> bool:
        ctx: RequestContext = info.context
        for name, value in (("username", input.username), ("email", input.email)):
            if value is not None and not 1 <= len(value) <= 254:
                raise ValidationFailed("1 to 254 characters", field=name)
        reporter = ctx.principal.user_id if ctx.principal.kind == "user" else None
        request = await requests.report_minor(
            username=input.username, email=input.email, reporter_id=reporter
        )
        note(ctx, "minor_report", request)
        return True
