"""Customers (the buyers), their addresses, orders and order lines."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from domain.crypto.fields import BlindIndexField, RowUidField, SealedField
from domain.marketplaces.models import Marketplace
from domain.personal import NO_PERSONAL_DATA, Category, PersonalData, Subject, SubjectKind

if TYPE_CHECKING:
    from domain.accounts.models import Organization, User
    from domain.catalog.models import Product


class OrderStatus(StrEnum):
    PLACED = "placed"
    PAID = "paid"
    PACKED = "packed"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"
    RETURN_REQUESTED = "return_requested"
    RETURNED = "returned"


class Customer(Model):
    id = fields.IntField(primary_key=True)
    organization: fields.ForeignKeyRelation[Organization] = fields.ForeignKeyField(
        "mandi.Organization", related_name="customers", on_delete=fields.CASCADE
    )
    organization_id: int
    name = SealedField()
    email = SealedField(null=True)
    email_index = BlindIndexField("email", null=True)
    phone = SealedField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    row_uid = RowUidField(null=True)

    personal_data = PersonalData(
        subject=Subject(SubjectKind.CUSTOMER),
        fields={
            "name": Category.NAME,
            "email": Category.CONTACT_EMAIL,
            "phone": Category.CONTACT_PHONE,
        },
    )

    class Meta:
        table = "customer"
        unique_together = (("organization", "email_index"),)


_ADDRESS = ("line1", "line2", "city", "state", "postal_code", "country")


class CustomerAddress(Model):
    id = fields.IntField(primary_key=True)
    organization: fields.ForeignKeyRelation[Organization] = fields.ForeignKeyField(
        "mandi.Organization", related_name=False, on_delete=fields.CASCADE
    )
    organization_id: int
    customer: fields.ForeignKeyRelation[Customer] = fields.ForeignKeyField(
        "mandi.Customer", related_name="addresses", on_delete=fields.CASCADE, db_index=True
    )
    customer_id: int
    line1 = SealedField()
    line2 = SealedField(null=True)
    city = SealedField()
    state = SealedField(null=True)
    postal_code = SealedField()
    country = SealedField()
    row_uid = RowUidField(null=True)

    personal_data = PersonalData(
        subject=Subject(SubjectKind.CUSTOMER, via="customer_id"),
        fields=dict.fromkeys(_ADDRESS, Category.CONTACT_ADDRESS),
    )

    class Meta:
        table = "customer_address"


class Order(Model):
    id = fields.BigIntField(primary_key=True)
    organization: fields.ForeignKeyRelation[Organization] = fields.ForeignKeyField(
        "mandi.Organization", related_name="orders", on_delete=fields.CASCADE
    )
    organization_id: int
    marketplace = fields.CharEnumField(Marketplace, max_length=16)
    external_order_id = fields.CharField(max_length=64)
    customer: fields.ForeignKeyRelation[Customer] = fields.ForeignKeyField(
        "mandi.Customer", related_name="orders", on_delete=fields.RESTRICT, db_index=True
    )
    customer_id: int
    status = fields.CharEnumField(OrderStatus, max_length=20, default=OrderStatus.PLACED)
    currency = fields.CharField(max_length=3, default="INR")
    total = fields.DecimalField(max_digits=12, decimal_places=2)
    shipping_name = SealedField()
    shipping_phone = SealedField(null=True)
    shipping_line1 = SealedField()
    shipping_line2 = SealedField(null=True)
    shipping_city = SealedField()
    shipping_state = SealedField(null=True)
    shipping_postal_code = SealedField()
    shipping_country = SealedField()
    placed_at = fields.DatetimeField()
    updated_at = fields.DatetimeField(auto_now=True)
    row_uid = RowUidField(null=True)

    personal_data = PersonalData(
        subject=Subject(SubjectKind.CUSTOMER, via="customer_id"),
        fields={
            "shipping_name": Category.NAME,
            "shipping_phone": Category.CONTACT_PHONE,
            **{f"shipping_{part}": Category.CONTACT_ADDRESS for part in _ADDRESS},
        },
    )

    class Meta:
        table = "customer_order"
        indexes = (("organization_id", "status"),)
        unique_together = (("organization", "marketplace", "external_order_id"),)


class OrderLine(Model):
    id = fields.BigIntField(primary_key=True)
    organization: fields.ForeignKeyRelation[Organization] = fields.ForeignKeyField(
        "mandi.Organization", related_name=False, on_delete=fields.CASCADE
    )
    organization_id: int
    order: fields.ForeignKeyRelation[Order] = fields.ForeignKeyField(
        "mandi.Order", related_name="lines", on_delete=fields.CASCADE, db_index=True
    )
    order_id: int
    product: fields.ForeignKeyNullableRelation[Product] = fields.ForeignKeyField(
        "mandi.Product", related_name="order_lines", null=True, on_delete=fields.SET_NULL
    )
    product_id: int | None
    sku = fields.CharField(max_length=64)
    title = fields.CharField(max_length=200)
    quantity = fields.IntField()
    unit_price = fields.DecimalField(max_digits=12, decimal_places=2)

    personal_data = NO_PERSONAL_DATA.because("what was bought; the buyer is on the order")

    class Meta:
        table = "order_line"


# History of an order's lifecycle, one row per transition.
class OrderStatusChange(Model):
    id = fields.BigIntField(primary_key=True)
    order: fields.ForeignKeyRelation[Order] = fields.ForeignKeyField(
        "mandi.Order", related_name="history", on_delete=fields.CASCADE, db_index=True
    )
    order_id: int
    from_status = fields.CharEnumField(OrderStatus, max_length=20, null=True)
    to_status = fields.CharEnumField(OrderStatus, max_length=20)
    actor: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "mandi.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    actor_id: int | None
    created_at = fields.DatetimeField(auto_now_add=True)

    personal_data = NO_PERSONAL_DATA.because("status history; the actor is an id, not a value")

    class Meta:
        table = "order_status_change"
