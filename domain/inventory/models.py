"""Warehouses, stock levels and the append-only ledger of inventory movements."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from domain.personal import NO_PERSONAL_DATA

if TYPE_CHECKING:
    from domain.accounts.models import Organization, User
    from domain.catalog.models import Product


class MovementReason(StrEnum):
    RECEIPT = "receipt"
    SALE = "sale"
    RETURN = "return"
    ADJUSTMENT = "adjustment"
    DAMAGE = "damage"
    TRANSFER = "transfer"


class Warehouse(Model):
    id = fields.IntField(primary_key=True)
    organization: fields.ForeignKeyRelation[Organization] = fields.ForeignKeyField(
        "mandi.Organization", related_name="warehouses", on_delete=fields.CASCADE
    )
    organization_id: int
    code = fields.CharField(max_length=32)
    name = fields.CharField(max_length=200)
    city = fields.CharField(max_length=100, null=True)
    country = fields.CharField(max_length=2, default="IN")
    created_at = fields.DatetimeField(auto_now_add=True)

    personal_data = NO_PERSONAL_DATA.because("a business location")

    class Meta:
        table = "warehouse"
        unique_together = (("organization", "code"),)


class StockLevel(Model):
    id = fields.IntField(primary_key=True)
    organization: fields.ForeignKeyRelation[Organization] = fields.ForeignKeyField(
        "mandi.Organization", related_name="stock_levels", on_delete=fields.CASCADE
    )
    organization_id: int
    product: fields.ForeignKeyRelation[Product] = fields.ForeignKeyField(
        "mandi.Product", related_name="stock_levels", on_delete=fields.CASCADE
    )
    product_id: int
    warehouse: fields.ForeignKeyRelation[Warehouse] = fields.ForeignKeyField(
        "mandi.Warehouse", related_name="stock_levels", on_delete=fields.CASCADE
    )
    warehouse_id: int
    on_hand = fields.IntField(default=0)
    reserved = fields.IntField(default=0)
    updated_at = fields.DatetimeField(auto_now=True)

    personal_data = NO_PERSONAL_DATA.because("quantities of goods")

    class Meta:
        table = "stock_level"
        unique_together = (("product", "warehouse"),)


# One change of stock. Rows are only ever inserted: the ledger explains every level.
class InventoryMovement(Model):
    id = fields.BigIntField(primary_key=True)
    organization: fields.ForeignKeyRelation[Organization] = fields.ForeignKeyField(
        "mandi.Organization", related_name="inventory_movements", on_delete=fields.CASCADE
    )
    organization_id: int
    product: fields.ForeignKeyRelation[Product] = fields.ForeignKeyField(
        "mandi.Product", related_name="movements", on_delete=fields.CASCADE, db_index=True
    )
    product_id: int
    warehouse: fields.ForeignKeyRelation[Warehouse] = fields.ForeignKeyField(
        "mandi.Warehouse", related_name="movements", on_delete=fields.CASCADE
    )
    warehouse_id: int
    delta = fields.IntField()
    on_hand_after = fields.IntField()
    reason = fields.CharEnumField(MovementReason, max_length=16)
    note = fields.CharField(max_length=500, null=True)
    actor: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "mandi.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    actor_id: int | None
    idempotency_key = fields.CharField(max_length=100, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    personal_data = NO_PERSONAL_DATA.because("stock changes; the actor is an id, not a value")

    class Meta:
        table = "inventory_movement"
        unique_together = (("organization", "idempotency_key"),)
