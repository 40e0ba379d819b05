"""Mutations: warehouseCreate, stockAdjust."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from api.access import authorize, get_readable
from api.errors import MutationError
from api.inventory.types import InventoryMovement, MovementReason, StockLevel, Warehouse
from api.payloads import payload
from domain.accounts.models import Organization
from domain.catalog.models import Product
from domain.inventory import models, services


@strawberry.input
class WarehouseCreateInput:
    organization_id: strawberry.ID
    code: str
    name: str
    city: str | None = None
    country: str = "IN"


@strawberry.type
class WarehousePayload:
    warehouse: Warehouse | None
    errors: list[MutationError]


@strawberry.input(description="Add (or, with a negative delta, remove) stock in one warehouse.")
class StockAdjustInput:
    product_id: strawberry.ID
    warehouse_id: strawberry.ID
    delta: int
    reason: MovementReason
    note: str | None = None
    idempotency_key: str | None = strawberry.field(
        default=None,
        description="A retry with the same key applies once and returns the first result.",
    )


@strawberry.type
class StockAdjustPayload:
    stock: StockLevel | None
    movement: InventoryMovement | None
    replayed: bool = strawberry.field(
        default=False, description="True when an earlier request with this key won."
    )
    errors: list[MutationError]


@strawberry.type
class InventoryMutations:
    @strawberry.mutation(
        description="Create a warehouse; its code must be new in the organization (else CONFLICT)."
    )
    @payload(WarehousePayload)
    async def warehouse_create(self, info: Info, input: WarehouseCreateInput) -> models.Warehouse:
        org = await get_readable(
            info.context, Organization, input.organization_id, field="organizationId"
        )
        authorize(info.context, "create_warehouse", org)
        return await services.create_warehouse(
            organization_id=org.id,
            code=input.code,
            name=input.name,
            city=input.city,
            country=input.country,
        )

    @strawberry.mutation(
        description="Adjust stock atomically; never below the reserved quantity "
        "(INSUFFICIENT_STOCK)."
    )
    @payload(StockAdjustPayload)
    async def stock_adjust(self, info: Info, input: StockAdjustInput) -> dict[str, object]:
        ctx = info.context
        product = await get_readable(ctx, Product, input.product_id, field="productId")
        warehouse = await get_readable(
            ctx, models.Warehouse, input.warehouse_id, field="warehouseId"
        )
        authorize(ctx, "adjust_stock", product)
        result = await services.adjust_stock(
            product=product,
            warehouse=warehouse,
            delta=input.delta,
            reason=input.reason,
            actor_id=ctx.principal.user_id,
            idempotency_key=input.idempotency_key,
            note=input.note,
        )
        return {"stock": result.stock, "movement": result.movement, "replayed": result.replayed}
