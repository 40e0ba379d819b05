"""Support access grants: time-boxed, justified, revocable permission to see a person's data."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from domain.personal import NO_PERSONAL_DATA


class GrantSubject(StrEnum):
    USER = "user"
    CUSTOMER = "customer"


class AccessGrant(Model):
    id = fields.IntField(primary_key=True)
    grantee = fields.ForeignKeyField(
        "mandi.User", related_name="access_grants", on_delete=fields.CASCADE, db_index=True
    )
    subject_kind = fields.CharEnumField(GrantSubject, max_length=16)
    subject_id = fields.IntField()
    organization = fields.ForeignKeyField(
        "mandi.Organization", related_name=False, null=True, on_delete=fields.CASCADE
    )
    justification = fields.CharField(max_length=500)
    created_by = fields.ForeignKeyField(
        "mandi.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    expires_at = fields.DatetimeField()
    revoked_at = fields.DatetimeField(null=True)

    personal_data = NO_PERSONAL_DATA.because(
        "who may see whose data, by id; the justification describes the access, not the person"
    )

    class Meta:
        table = "access_grant"
        indexes = (("subject_kind", "subject_id"),)
