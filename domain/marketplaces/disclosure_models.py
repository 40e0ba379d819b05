"""The disclosure log: every share of personal data with a marketplace, by id, never values."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from domain.personal import NO_PERSONAL_DATA

if TYPE_CHECKING:
    from domain.accounts.models import Organization
    from domain.marketplaces.models import MarketplaceConnection
    from domain.marketplaces.sync_models import SyncJob


class Disclosure(Model):
    id = fields.BigIntField(primary_key=True)
    organization: fields.ForeignKeyRelation[Organization] = fields.ForeignKeyField(
        "mandi.Organization", related_name=False, on_delete=fields.CASCADE
    )
    organization_id: int
    connection: fields.ForeignKeyNullableRelation[MarketplaceConnection] = fields.ForeignKeyField(
        "mandi.MarketplaceConnection", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    connection_id: int | None
    recipient = fields.CharField(max_length=100)  # the marketplace's legal entity
    recipient_country = fields.CharField(max_length=2)
    subject_kind = fields.CharField(max_length=16)
    subject_id = fields.IntField()
    categories: fields.JSONField[list[str]] = fields.JSONField(default=list)
    purpose = fields.CharField(max_length=32)
    legal_basis = fields.CharField(max_length=64)
    transfer_safeguard = fields.CharField(max_length=200, null=True)  # set when abroad
    job: fields.ForeignKeyNullableRelation[SyncJob] = fields.ForeignKeyField(
        "mandi.SyncJob", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    job_id: int | None
    disclosed_at = fields.DatetimeField(auto_now_add=True)

    personal_data = NO_PERSONAL_DATA.because(
        "which categories of whose data went to whom, by id; never the values"
    )

    class Meta:
        table = "disclosure"
        indexes = (("subject_kind", "subject_id"),)
