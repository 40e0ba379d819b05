"""Create, update and archive products."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tortoise.exceptions import IntegrityError

from domain import validation as v
from domain.catalog.models import Product
from domain.errors import Conflict, ValidationFailed

_UNSET = object()


async def create_product(
    *,
    organization_id: int,
    sku: str,
    title: str,
    price: Decimal,
    hsn_code: str,
    gst_rate: Decimal,
    description: str = "",
    currency: str = "INR",
) -> Product:
    """Create a product; its SKU is unique within the organization."""
    values: dict[str, Any] = {
        "sku": v.sku(sku),
        "title": v.text(title, field="title", max_length=200),
        "description": v.text(description, field="description", max_length=5000, min_length=0),
        "price": v.money(price, field="price"),
        "currency": v.currency(currency),
        "hsn_code": v.hsn_code(hsn_code),
        "gst_rate": v.gst_rate(gst_rate),
    }
    try:
        return await Product.create(organization_id=organization_id, **values)
    except IntegrityError:
        raise Conflict("a product with this SKU exists", field="sku") from None


async def update_product(
    *,
    product: Product,
    title: str | None = None,
    description: str | None = None,
    price: Decimal | None = None,
    hsn_code: str | None = None,
    gst_rate: Decimal | None = None,
) -> Product:
    """Change the given attributes of a product that is not archived."""
    if product.archived:
        raise ValidationFailed("an archived product cannot be changed", code="ARCHIVED")
    changes: dict[str, object] = {}
    if title is not None:
        changes["title"] = v.text(title, field="title", max_length=200)
    if description is not None:
        changes["description"] = v.text(
            description, field="description", max_length=5000, min_length=0
        )
    if price is not None:
        changes["price"] = v.money(price, field="price")
    if hsn_code is not None:
        changes["hsn_code"] = v.hsn_code(hsn_code)
    if gst_rate is not None:
        changes["gst_rate"] = v.gst_rate(gst_rate)
    if changes:
        product.update_from_dict(changes)
        await product.save(update_fields=[*changes, "updated_at"])
    return product


async def archive_product(*, product: Product) -> Product:
    """Archive a product (idempotent); archived products keep their history."""
    if not product.archived:
        product.archived = True
        await product.save(update_fields=["archived", "updated_at"])
    return product
