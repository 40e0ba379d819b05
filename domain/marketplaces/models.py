"""Connections to marketplace seller accounts and the listings published through them."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.models import Model

from domain.personal import NO_PERSONAL_DATA

if TYPE_CHECKING:
    from domain.accounts.models import Organization, User
    from domain.catalog.models import Product


class Marketplace(StrEnum):
    AMAZON = "amazon"
    EBAY = "ebay"
    FLIPKART = "flipkart"
    DIRECT = "direct"


class ConnectionStatus(StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"
    ERROR = "error"
    DISCONNECTED = "disconnected"


class ListingStatus(StrEnum):
    DRAFT = "draft"
    ACTIVE = "active"
    INACTIVE = "inactive"
    ERROR = "error"


class MarketplaceConnection(Model):
    id = fields.IntField(primary_key=True)
    organization: fields.ForeignKeyRelation[Organization] = fields.ForeignKeyField(
        "mandi.Organization", related_name="marketplace_connections", on_delete=fields.CASCADE
    )
    organization_id: int
    marketplace = fields.CharEnumField(Marketplace, max_length=16)
    seller_id = fields.CharField(max_length=64)
    status = fields.CharEnumField(ConnectionStatus, max_length=16, default=ConnectionStatus.ACTIVE)
    created_at = fields.DatetimeField(auto_now_add=True)
    # The seller's credentials (refresh token): AES-GCM sealed to this row, never readable
    # through the API, set to NULL on disconnect. ``settings`` holds what is not secret
    # (marketplace ids, region).
    credentials_encrypted = fields.TextField(null=True)
    settings: fields.JSONField[dict[str, Any]] = fields.JSONField(default=dict)
    connected_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "mandi.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    connected_by_id: int | None
    connected_at = fields.DatetimeField(null=True)
    disconnected_at = fields.DatetimeField(null=True)
    orders_pulled_until = fields.DatetimeField(null=True)
    last_success_at = fields.DatetimeField(null=True)
    last_error_at = fields.DatetimeField(null=True)
    last_error_code = fields.CharField(max_length=32, null=True)

    personal_data = NO_PERSONAL_DATA.because(
        "a business's marketplace account; its credentials are a secret, sealed and never shown"
    )

    class Meta:
        table = "marketplace_connection"
        unique_together = (("organization", "marketplace", "seller_id"),)


class Listing(Model):
    id = fields.IntField(primary_key=True)
    organization: fields.ForeignKeyRelation[Organization] = fields.ForeignKeyField(
        "mandi.Organization", related_name="listings", on_delete=fields.CASCADE
    )
    organization_id: int
    product: fields.ForeignKeyRelation[Product] = fields.ForeignKeyField(
        "mandi.Product", related_name="listings", on_delete=fields.CASCADE, db_index=True
    )
    product_id: int
    connection: fields.ForeignKeyRelation[MarketplaceConnection] = fields.ForeignKeyField(
        "mandi.MarketplaceConnection", related_name="listings", on_delete=fields.CASCADE
    )
    connection_id: int
    external_id = fields.CharField(max_length=64)
    price = fields.DecimalField(max_digits=12, decimal_places=2)
    currency = fields.CharField(max_length=3, default="INR")
    status = fields.CharEnumField(ListingStatus, max_length=16, default=ListingStatus.DRAFT)
    updated_at = fields.DatetimeField(auto_now=True)

    personal_data = NO_PERSONAL_DATA.because("catalogue data published on a marketplace")

    class Meta:
        table = "listing"
        # One listing a product on a connection: two publish jobs at once cannot make two.
        unique_together = (("connection", "external_id"), ("connection", "product"))
