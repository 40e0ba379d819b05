"""The disclosure log: every share of personal data with a marketplace, by id, never values."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from domain.personal import NO_PERSONAL_DATA


class Disclosure(Model):
    id = fields.BigIntField(primary_key=True)
    organization = fields.ForeignKeyField(
        "mandi.Organization", related_name=False, on_delete=fields.CASCADE
    )
    connection = fields.ForeignKeyField(
        "mandi.MarketplaceConnection", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    recipient = fields.CharField(max_length=100)  # the marketplace's legal entity
    recipient_country = fields.CharField(max_length=2)
    subject_kind = fields.CharField(max_length=16)
    subject_id = fields.IntField()
    categories = fields.JSONField(default=list)
    purpose = fields.CharField(max_length=32)
    legal_basis = fields.CharField(max_length=64)
    transfer_safeguard = fields.CharField(max_length=200, null=True)  # set when abroad
    job = fields.ForeignKeyField(
        "mandi.SyncJob", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    disclosed_at = fields.DatetimeField(auto_now_add=True)

    personal_data = NO_PERSONAL_DATA.because(
        "which categories of whose data went to whom, by id; never the values"
    )

    class Meta:
        table = "disclosure"
        indexes = (("subject_kind", "subject_id"),)
