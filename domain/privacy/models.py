"""Support access grants: time-boxed, justified, revocable permission to see a person's data."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.models import Model

from domain.personal import NO_PERSONAL_DATA, Category, PersonalData, Subject, SubjectKind

if TYPE_CHECKING:
    from domain.accounts.models import Organization, User


class GrantSubject(StrEnum):
    USER = "user"
    CUSTOMER = "customer"


class AccessGrant(Model):
    id = fields.IntField(primary_key=True)
    grantee: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "mandi.User", related_name="access_grants", on_delete=fields.CASCADE, db_index=True
    )
    grantee_id: int
    subject_kind = fields.CharEnumField(GrantSubject, max_length=16)
    subject_id = fields.IntField()
    organization: fields.ForeignKeyNullableRelation[Organization] = fields.ForeignKeyField(
        "mandi.Organization", related_name=False, null=True, on_delete=fields.CASCADE
    )
    organization_id: int | None
    justification = fields.CharField(max_length=500)
    created_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "mandi.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    created_by_id: int | None
    created_at = fields.DatetimeField(auto_now_add=True)
    expires_at = fields.DatetimeField()
    revoked_at = fields.DatetimeField(null=True)

    personal_data = NO_PERSONAL_DATA.because(
        "who may see whose data, by id; the justification describes the access, not the person"
    )

    class Meta:
        table = "access_grant"
        indexes = (("subject_kind", "subject_id"),)


class Purpose(StrEnum):
    """What personal data is processed for, beyond keeping it and serving its owner."""

    ALL = "all"  # a restriction (GDPR Art. 18) stops every purpose
    ANALYTICS = "analytics"
    MARKETING = "marketing"
    PERSONALIZATION = "personalization"
    PARTNER_SHARING = "partner_sharing"  # exports to marketplaces and other partners


class RestrictionKind(StrEnum):
    RESTRICTION = "restriction"  # data kept, not processed (Art. 18)
    OBJECTION = "objection"  # to one purpose based on legitimate interests (Art. 21)


class ProcessingRestriction(Model):
    id = fields.IntField(primary_key=True)
    subject_kind = fields.CharEnumField(GrantSubject, max_length=16)
    subject_id = fields.IntField()
    organization: fields.ForeignKeyNullableRelation[Organization] = fields.ForeignKeyField(
        "mandi.Organization", related_name=False, null=True, on_delete=fields.CASCADE
    )
    organization_id: int | None
    kind = fields.CharEnumField(RestrictionKind, max_length=16)
    purpose = fields.CharEnumField(Purpose, max_length=24)
    requested_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "mandi.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    requested_by_id: int | None
    created_at = fields.DatetimeField(auto_now_add=True)
    # Lifting by anyone but the person is announced first and takes effect at lifts_at.
    lift_requested_at = fields.DatetimeField(null=True)
    lifts_at = fields.DatetimeField(null=True)
    lifted_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "mandi.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    lifted_by_id: int | None
    lift_reason = fields.CharField(max_length=500, null=True)

    personal_data = NO_PERSONAL_DATA.because(
        "whose processing is restricted, by id; the lift reason describes the decision"
    )

    class Meta:
        table = "processing_restriction"
        indexes = (("subject_kind", "subject_id"),)


class PrivacyNotice(Model):
    """A message owed to a person about their data (a request's progress, a lifted restriction).

    It holds ids, a template and facts without personal values; the sender looks the address up
    when it delivers, so an erased person's address is never copied here.
    """

    id = fields.BigIntField(primary_key=True)
    subject_kind = fields.CharEnumField(GrantSubject, max_length=16)
    subject_id = fields.IntField()
    organization: fields.ForeignKeyNullableRelation[Organization] = fields.ForeignKeyField(
        "mandi.Organization", related_name=False, null=True, on_delete=fields.CASCADE
    )
    organization_id: int | None
    template = fields.CharField(max_length=64)
    facts: fields.JSONField[dict[str, Any]] = fields.JSONField(default=dict)
    # Only for an erasure receipt, whose person has no address left to look up: the address
    # captured before erasure, encrypted, cleared once sent.
    deliver_to_encrypted = fields.TextField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    sent_at = fields.DatetimeField(null=True)

    personal_data = PersonalData(
        subject=Subject(SubjectKind.PERSON, via="subject_id", kind_via="subject_kind"),
        fields={"deliver_to_encrypted": Category.CONTACT_EMAIL},
        unsealed={
            "deliver_to_encrypted": "AES-256-GCM under the data key (domain/secretbox.py), bound "
            "to its row: the address must outlive the person's shredded key to deliver the receipt"
        },
    )

    class Meta:
        table = "privacy_notice"
        indexes = (("subject_kind", "subject_id"),)
