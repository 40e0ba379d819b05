"""Warehouses and stock adjustments: atomic, never negative, idempotent under retries."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from domain import validation as v
from domain.accounts.models import Organization
from domain.catalog.models import Product
from domain.errors import Conflict, InsufficientStock, ValidationFailed
from domain.inventory.models import InventoryMovement, MovementReason, StockLevel, Warehouse
from domain.marketplaces.triggers import stock_changed

MAX_WAREHOUSES = 50  # per organization: a product's stock list is whole (api.cost LIST_BOUNDS)
MAX_DELTA = 1_000_000
MAX_ON_HAND = 2_000_000_000


@dataclass(frozen=True)
class Adjustment:
    movement: InventoryMovement
    stock: StockLevel
    replayed: bool


async def create_warehouse(
    *, organization_id: int, code: str, name: str, city: str | None = None, country: str = "IN"
) -> Warehouse:
    values: dict[str, Any] = {
        "code": v.sku(code, field="code", max_length=32),
        "name": v.text(name, field="name", max_length=200),
        "city": v.optional_text(city, field="city", max_length=100),
        "country": v.country(country),
    }
    try:
        async with in_transaction():
            await Organization.filter(id=organization_id).select_for_update().first()  # one at once
            if await Warehouse.filter(organization_id=organization_id).count() >= MAX_WAREHOUSES:
                raise Conflict(
                    f"an organization has at most {MAX_WAREHOUSES} warehouses", field="code"
                )
            return await Warehouse.create(organization_id=organization_id, **values)
    except IntegrityError:
        raise Conflict("a warehouse with this code exists", field="code") from None


async def adjust_stock(
    *,
    product: Product,
    warehouse: Warehouse,
    delta: int,
    reason: MovementReason,
    actor_id: int | None,
    idempotency_key: str | None = None,
    note: str | None = None,
) -> Adjustment:
    """Add ``delta`` (may be negative) to on-hand stock and record the movement, atomically.

    The update is one conditional statement, so concurrent adjustments can never take stock below
    the reserved quantity. A repeated ``idempotency_key`` returns the first result unchanged; the
    same key with different parameters is a conflict.
    """
    if product.organization_id != warehouse.organization_id:
        raise ValidationFailed("product and warehouse belong to different organizations")
    if delta == 0 or abs(delta) > MAX_DELTA:
        raise ValidationFailed(f"delta must be non-zero and at most {MAX_DELTA}", field="delta")
    if product.archived and delta > 0:
        raise ValidationFailed("cannot receive stock for an archived product", code="ARCHIVED")
    key = v.optional_text(idempotency_key, field="idempotencyKey", max_length=100)
    note = v.optional_text(note, field="note", max_length=500)
    org_id = product.organization_id
    if key and (replay := await _replay(org_id, key, product, warehouse, delta, reason)):
        return replay
    stock = await _stock_row(product, warehouse, create=delta > 0)
    if stock is None:
        raise InsufficientStock("not enough unreserved stock", field="delta")
    try:
        async with in_transaction():
            query = StockLevel.filter(id=stock.id, on_hand__lte=MAX_ON_HAND - delta)
            if delta < 0:
                query = query.filter(on_hand__gte=F("reserved") - delta)
            if not await query.update(on_hand=F("on_hand") + delta):
                if delta < 0:
                    raise InsufficientStock("not enough unreserved stock", field="delta")
                raise ValidationFailed("stock would exceed the maximum", field="delta")
            await stock.refresh_from_db(fields=["on_hand", "reserved", "updated_at"])
            movement = await InventoryMovement.create(
                organization_id=org_id,
                product_id=product.id,
                warehouse_id=warehouse.id,
                delta=delta,
                on_hand_after=stock.on_hand,
                reason=reason,
                note=note,
                actor_id=actor_id,
                idempotency_key=key,
            )
    except IntegrityError:
        # A concurrent request with the same idempotency key committed first.
        if key and (replay := await _replay(org_id, key, product, warehouse, delta, reason)):
            return replay
        raise
    await stock_changed(product.id)
    return Adjustment(movement=movement, stock=stock, replayed=False)


async def _stock_row(product: Product, warehouse: Warehouse, *, create: bool) -> StockLevel | None:
    """The product's stock row in the warehouse; made (empty) only when ``create``."""
    keys: dict[str, Any] = {"product_id": product.id, "warehouse_id": warehouse.id}
    if stock := await StockLevel.filter(**keys).first():
        return stock
    if not create:
        return None
    try:
        return await StockLevel.create(organization_id=product.organization_id, **keys)
    except IntegrityError:  # created concurrently
        return await StockLevel.get(**keys)


async def _replay(
    org_id: int,
    key: str,
    product: Product,
    warehouse: Warehouse,
    delta: int,
    reason: MovementReason,
) -> Adjustment | None:
    movement = await InventoryMovement.filter(organization_id=org_id, idempotency_key=key).first()
    if movement is None:
        return None
    same = (movement.product_id, movement.warehouse_id, movement.delta, movement.reason) == (
        product.id,
        warehouse.id,
        delta,
        reason,
    )
    if not same:
        raise Conflict(
            "idempotency key was used for a different adjustment", field="idempotencyKey"
        )
    stock = await StockLevel.get(product_id=product.id, warehouse_id=warehouse.id)
    return Adjustment(movement=movement, stock=stock, replayed=True)
