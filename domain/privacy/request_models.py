"""Privacy requests (a person exercising a right), their status history, and legal holds."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.models import Model

from domain.personal import NO_PERSONAL_DATA, Category, PersonalData, Subject, SubjectKind
from domain.privacy.models import GrantSubject, Purpose

if TYPE_CHECKING:
    from domain.accounts.models import Organization, User


class RequestType(StrEnum):
    ACCESS = "access"
    PORTABILITY = "portability"
    CORRECTION = "correction"
    ERASURE = "erasure"
    RESTRICTION = "restriction"
    OBJECTION = "objection"
    MINOR_DATA = "minor_data"  # someone reports that a child's data is held


class Regime(StrEnum):
    GDPR = "gdpr"
    CCPA = "ccpa"
    OTHER = "other"


class RequestStatus(StrEnum):
    RECEIVED = "received"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    DENIED = "denied"


OPEN_STATUSES = (RequestStatus.RECEIVED, RequestStatus.IN_PROGRESS)


class IdentityCheck(StrEnum):
    RECENT_REAUTHENTICATION = "recent_reauthentication"  # the user signed in again just now
    VERIFIED_EMAIL = "verified_email"  # the seller or officer reached the person at it
    VERIFIED_PHONE = "verified_phone"
    NOT_REQUIRED = "not_required"  # reports about a minor: anyone may make them


class PrivacyRequest(Model):
    id = fields.IntField(primary_key=True)
    type = fields.CharEnumField(RequestType, max_length=16)
    subject_kind = fields.CharEnumField(GrantSubject, max_length=16)
    subject_id = fields.IntField(null=True)  # unknown for some reports about a minor
    organization: fields.ForeignKeyNullableRelation[Organization] = fields.ForeignKeyField(
        "mandi.Organization", related_name=False, null=True, on_delete=fields.CASCADE
    )
    organization_id: int | None
    purpose = fields.CharEnumField(Purpose, max_length=24, null=True)  # of an objection
    regime = fields.CharEnumField(Regime, max_length=8)
    status = fields.CharEnumField(RequestStatus, max_length=16, default=RequestStatus.RECEIVED)
    identity_check = fields.CharEnumField(IdentityCheck, max_length=24)
    requested_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "mandi.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    requested_by_id: int | None
    handler: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "mandi.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    handler_id: int | None
    received_at = fields.DatetimeField()
    due_at = fields.DatetimeField()
    original_due_at = fields.DatetimeField()
    extended_at = fields.DatetimeField(null=True)
    extension_reason = fields.CharField(max_length=1000, null=True)
    denial_reason = fields.CharField(max_length=1000, null=True)
    # erasure: what was erased and kept (names, no values)
    receipt: fields.JSONField[dict[str, Any] | None] = fields.JSONField(null=True)
    closed_at = fields.DatetimeField(null=True)

    personal_data = NO_PERSONAL_DATA.because(
        "which right whose data (by id) asked for, dates and an officer's reasons"
    )

    class Meta:
        table = "privacy_request"
        indexes = (("subject_kind", "subject_id"), ("status", "due_at"))


class PrivacyRequestEvent(Model):
    """One step of a request's history: its status after the step, who took it, why."""

    id = fields.BigIntField(primary_key=True)
    request: fields.ForeignKeyRelation[PrivacyRequest] = fields.ForeignKeyField(
        "mandi.PrivacyRequest", related_name="events", on_delete=fields.CASCADE, db_index=True
    )
    request_id: int
    status = fields.CharEnumField(RequestStatus, max_length=16)
    step = fields.CharField(max_length=32)
    actor: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "mandi.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    actor_id: int | None
    note = fields.CharField(max_length=1000, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    personal_data = NO_PERSONAL_DATA.because("a request's steps; the actor is an id")

    class Meta:
        table = "privacy_request_event"


class LegalHold(Model):
    """A privacy officer's veto on erasing a person's data (litigation, an investigation)."""

    id = fields.IntField(primary_key=True)
    subject_kind = fields.CharEnumField(GrantSubject, max_length=16)
    subject_id = fields.IntField()
    organization: fields.ForeignKeyNullableRelation[Organization] = fields.ForeignKeyField(
        "mandi.Organization", related_name=False, null=True, on_delete=fields.CASCADE
    )
    organization_id: int | None
    reason = fields.CharField(max_length=1000)
    set_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "mandi.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    set_by_id: int | None
    created_at = fields.DatetimeField(auto_now_add=True)
    released_at = fields.DatetimeField(null=True)

    personal_data = NO_PERSONAL_DATA.because("whose data (by id) is held, and the officer's reason")

    class Meta:
        table = "legal_hold"
        indexes = (("subject_kind", "subject_id"),)


# A person's data export, fetched once through a link that expires, then removed.
class ExportFile(Model):
    id = fields.BigIntField(primary_key=True)
    request: fields.ForeignKeyNullableRelation[PrivacyRequest] = fields.ForeignKeyField(
        "mandi.PrivacyRequest", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    request_id: int | None
    subject_kind = fields.CharEnumField(GrantSubject, max_length=16)
    subject_id = fields.IntField()
    organization: fields.ForeignKeyNullableRelation[Organization] = fields.ForeignKeyField(
        "mandi.Organization", related_name=False, null=True, on_delete=fields.CASCADE
    )
    organization_id: int | None
    token_hash = fields.CharField(max_length=64, unique=True)
    content_encrypted = fields.TextField(null=True)  # None once fetched, expired or erased
    created_at = fields.DatetimeField(auto_now_add=True)
    expires_at = fields.DatetimeField()
    downloaded_at = fields.DatetimeField(null=True)
    removed_at = fields.DatetimeField(null=True)

    personal_data = PersonalData(
        subject=Subject(SubjectKind.PERSON, via="subject_id", kind_via="subject_kind"),
        fields={"content_encrypted": Category.SUBJECT_EXPORT},
        unsealed={
            "content_encrypted": "AES-256-GCM under the data key (domain/secretbox.py), bound to "
            "its row; removed when fetched, on expiry and on erasure"
        },
    )

    class Meta:
        table = "export_file"
        indexes = (("subject_kind", "subject_id"),)


# A row erasure kept because the law requires it (an order's amounts and place of supply), with
# the date the purge may delete it.
class RetainedRecord(Model):
    id = fields.BigIntField(primary_key=True)
    model = fields.CharField(max_length=64)
    object_id = fields.BigIntField()
    subject_kind = fields.CharEnumField(GrantSubject, max_length=16)
    subject_id = fields.IntField()
    organization: fields.ForeignKeyNullableRelation[Organization] = fields.ForeignKeyField(
        "mandi.Organization", related_name=False, null=True, on_delete=fields.CASCADE
    )
    organization_id: int | None
    basis = fields.CharField(max_length=200)
    retain_until = fields.DatetimeField()
    request: fields.ForeignKeyNullableRelation[PrivacyRequest] = fields.ForeignKeyField(
        "mandi.PrivacyRequest", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    request_id: int | None
    created_at = fields.DatetimeField(auto_now_add=True)

    personal_data = NO_PERSONAL_DATA.because("which row is kept until when, by id")

    class Meta:
        table = "retained_record"
        indexes = (("model", "object_id"), ("retain_until",))
