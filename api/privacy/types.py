"""GraphQL types for privacy: support access grants, processing restrictions."""

from __future__ import annotations

from datetime import datetime

import strawberry

from api import ids
from api.node import Node
from domain.privacy.models import GrantSubject as GrantSubjectEnum
from domain.privacy.models import Purpose as PurposeEnum
from domain.privacy.models import RestrictionKind as RestrictionKindEnum
from domain.privacy.restrictions import is_active as restriction_active
from domain.privacy.services import is_open

AccessGrantSubject = strawberry.enum(GrantSubjectEnum, name="AccessGrantSubject")

SUBJECT_TYPES = {GrantSubjectEnum.USER: "User", GrantSubjectEnum.CUSTOMER: "Customer"}


@strawberry.type(description="A support agent's justified, time-boxed access to one person's data.")
class AccessGrant(Node):
    subject_kind: AccessGrantSubject  # type: ignore[valid-type]
    justification: str
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(ids.encode("AccessGrant", self.id))  # type: ignore[attr-defined]

    @strawberry.field(description="The User or Customer whose data the grant opens.")
    def subject_id(self) -> strawberry.ID:
        kind = SUBJECT_TYPES[GrantSubjectEnum(self.subject_kind)]
        return strawberry.ID(ids.encode(kind, self.subject_id))  # type: ignore[attr-defined]

    @strawberry.field(description="The support agent the grant is for.")
    def grantee_id(self) -> strawberry.ID:
        return strawberry.ID(ids.encode("User", self.grantee_id))  # type: ignore[attr-defined]

    @strawberry.field(description="Neither revoked nor expired.")
    def open(self) -> bool:
        return is_open(self)  # type: ignore[arg-type]


Purpose = strawberry.enum(PurposeEnum, name="ProcessingPurpose")
RestrictionKind = strawberry.enum(RestrictionKindEnum, name="RestrictionKind")


@strawberry.type(
    description="A restriction of processing (data kept, not processed) or an objection to one "
    "purpose."
)
class ProcessingRestriction(Node):
    subject_kind: AccessGrantSubject  # type: ignore[valid-type]
    kind: RestrictionKind  # type: ignore[valid-type]
    purpose: Purpose  # type: ignore[valid-type]
    created_at: datetime
    lift_requested_at: datetime | None
    lifts_at: datetime | None = strawberry.field(
        description="When the restriction stops (announced to the person a week before unless "
        "they lifted it themselves)."
    )

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(ids.encode("ProcessingRestriction", self.id))  # type: ignore[attr-defined]

    @strawberry.field(description="The User or Customer whose data it protects.")
    def subject_id(self) -> strawberry.ID:
        kind = SUBJECT_TYPES[GrantSubjectEnum(self.subject_kind)]
        return strawberry.ID(ids.encode(kind, self.subject_id))  # type: ignore[attr-defined]

    @strawberry.field(description="In force now.")
    def active(self) -> bool:
        return restriction_active(self)  # type: ignore[arg-type]
