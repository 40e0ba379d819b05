"""GraphQL types for privacy requests and their history."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry
from strawberry.scalars import JSON

from api import ids
from api.node import Node
from api.privacy import receipts
from api.privacy.types import SUBJECT_TYPES, AccessGrantSubject, Purpose
from domain.privacy import request_models as models
from domain.privacy.models import GrantSubject
from domain.privacy.request_models import PrivacyRequest as PrivacyRequestRow
from domain.privacy.request_models import PrivacyRequestEvent as PrivacyRequestEventRow
from domain.privacy.requests import days_left

strawberry.enum(models.RequestType, name="PrivacyRequestType")
RequestType = models.RequestType
strawberry.enum(models.Regime, name="PrivacyRegime")
Regime = models.Regime
strawberry.enum(models.RequestStatus, name="PrivacyRequestStatus")
RequestStatus = models.RequestStatus
strawberry.enum(models.IdentityCheck, name="IdentityCheck")
IdentityCheck = models.IdentityCheck


@strawberry.enum(description="The contact channel at which the person was reached and confirmed.")
class VerifiedChannel(Enum):
    EMAIL = "email"
    PHONE = "phone"


@strawberry.type(description="One step of a privacy request: its status after it, who, why.")
class PrivacyRequestStep:
    status: RequestStatus
    step: str
    note: str | None
    created_at: datetime

    @strawberry.field(description="The user who took the step, if a person did.")
    def actor_id(self, root: PrivacyRequestEventRow) -> strawberry.ID | None:
        actor = root.actor_id
        return None if actor is None else strawberry.ID(ids.encode("User", actor))


@strawberry.type(
    description="A person exercising a privacy right: what, under which law, by when, and each "
    "step taken."
)
class PrivacyRequest(Node):
    type: RequestType
    subject_kind: AccessGrantSubject
    purpose: Purpose | None
    regime: Regime
    status: RequestStatus
    identity_check: IdentityCheck
    received_at: datetime
    due_at: datetime
    original_due_at: datetime
    extended_at: datetime | None
    extension_reason: str | None
    denial_reason: str | None
    closed_at: datetime | None

    @strawberry.field(
        description="Erasure: what was erased and kept, with the legal basis (names, no values); "
        "the request and the person by their global ids."
    )
    def receipt(self, root: PrivacyRequestRow) -> JSON | None:
        shown = receipts.shown(root.__dict__.get("receipt"))
        return None if shown is None else JSON(shown)  # the NewType: the same dict

    @strawberry.field(
        description="The User or Customer the request is about (unknown for some "
        "reports about a minor)."
    )
    def subject_id(self, root: PrivacyRequestRow) -> strawberry.ID | None:
        pk = root.subject_id
        if pk is None:
            return None
        kind = SUBJECT_TYPES[GrantSubject(root.subject_kind)]
        return strawberry.ID(ids.encode(kind, pk))

    @strawberry.field(description="The privacy officer handling it.")
    def handler_id(self, root: PrivacyRequestRow) -> strawberry.ID | None:
        pk = root.handler_id
        return None if pk is None else strawberry.ID(ids.encode("User", pk))

    @strawberry.field(description="Whole days until the deadline; negative once overdue.")
    def days_left(self, root: PrivacyRequestRow) -> int:
        return days_left(root)

    @strawberry.field(description="Every step so far, oldest first.")
    async def history(self, root: PrivacyRequestRow) -> list[PrivacyRequestStep]:
        events = await models.PrivacyRequestEvent.filter(request_id=root.id).order_by(
            "id"
        )  # at most domain.privacy.requests.MAX_STEPS
        return events  # type: ignore[return-value]
