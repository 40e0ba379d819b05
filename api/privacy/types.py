"""GraphQL types for privacy: support access grants, processing restrictions."""

from __future__ import annotations

from datetime import datetime

import strawberry

from api import ids
from api.node import Node
from domain.privacy.models import AccessGrant as AccessGrantRow
from domain.privacy.models import GrantSubject as GrantSubjectEnum
from domain.privacy.models import ProcessingRestriction as ProcessingRestrictionRow
from domain.privacy.models import Purpose as PurposeEnum
from domain.privacy.models import RestrictionKind as RestrictionKindEnum
from domain.privacy.restrictions import is_active as restriction_active
from domain.privacy.services import is_open

strawberry.enum(GrantSubjectEnum, name="AccessGrantSubject")
AccessGrantSubject = GrantSubjectEnum

SUBJECT_TYPES = {GrantSubjectEnum.USER: "User", GrantSubjectEnum.CUSTOMER: "Customer"}


@strawberry.type(description="A support agent's justified, time-boxed access to one person's data.")
class AccessGrant(Node):
    subject_kind: AccessGrantSubject
    justification: str
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None

    @strawberry.field(description="The User or Customer whose data the grant opens.")
    def subject_id(self, root: AccessGrantRow) -> strawberry.ID:
        kind = SUBJECT_TYPES[GrantSubjectEnum(root.subject_kind)]
        return strawberry.ID(ids.encode(kind, root.subject_id))

    @strawberry.field(description="The support agent the grant is for.")
    def grantee_id(self, root: AccessGrantRow) -> strawberry.ID:
        return strawberry.ID(ids.encode("User", root.grantee_id))

    @strawberry.field(description="Neither revoked nor expired.")
    def open(self, root: AccessGrantRow) -> bool:
        return is_open(root)


strawberry.enum(PurposeEnum, name="ProcessingPurpose")
Purpose = PurposeEnum
strawberry.enum(RestrictionKindEnum, name="RestrictionKind")
RestrictionKind = RestrictionKindEnum


@strawberry.type(
    description="A restriction of processing (data kept, not processed) or an objection to one "
    "purpose."
)
class ProcessingRestriction(Node):
    subject_kind: AccessGrantSubject
    kind: RestrictionKind
    purpose: Purpose
    created_at: datetime
    lift_requested_at: datetime | None
    lifts_at: datetime | None = strawberry.field(
        description="When the restriction stops (announced to the person a week before unless "
        "they lifted it themselves)."
    )

    @strawberry.field(description="The User or Customer whose data it protects.")
    def subject_id(self, root: ProcessingRestrictionRow) -> strawberry.ID:
        kind = SUBJECT_TYPES[GrantSubjectEnum(root.subject_kind)]
        return strawberry.ID(ids.encode(kind, root.subject_id))

    @strawberry.field(description="In force now.")
    def active(self, root: ProcessingRestrictionRow) -> bool:
        return restriction_active(root)
