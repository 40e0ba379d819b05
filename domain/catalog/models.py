"""Products: what a seller sells."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from domain.personal import NO_PERSONAL_DATA

if TYPE_CHECKING:
    from domain.accounts.models import Organization


class Product(Model):
    id = fields.IntField(primary_key=True)
    organization: fields.ForeignKeyRelation[Organization] = fields.ForeignKeyField(
        "mandi.Organization", related_name="products", on_delete=fields.CASCADE
    )
    organization_id: int
    sku = fields.CharField(max_length=64)
    title = fields.CharField(max_length=200)
    description = fields.TextField(default="")
    price = fields.DecimalField(max_digits=12, decimal_places=2)
    currency = fields.CharField(max_length=3, default="INR")
    hsn_code = fields.CharField(max_length=8)
    gst_rate = fields.DecimalField(max_digits=5, decimal_places=2)
    archived = fields.BooleanField(default=False)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    personal_data = NO_PERSONAL_DATA.because("catalogue data of a business")

    class Meta:
        table = "product"
        unique_together = (("organization", "sku"),)
