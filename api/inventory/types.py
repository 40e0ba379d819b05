"""GraphQL types for warehouses, stock levels and inventory movements."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.types import Info

from api.node import Node
from domain.inventory.models import MovementReason as MovementReasonEnum
from domain.inventory.models import StockLevel as StockLevelRow

if TYPE_CHECKING:
    from api.catalog.types import Product

strawberry.enum(MovementReasonEnum, name="MovementReason")
MovementReason = MovementReasonEnum


@strawberry.type
class Warehouse(Node):
    code: str
    name: str
    city: str | None
    country: str


@strawberry.type(description="Stock of one product in one warehouse.")
class StockLevel:
    on_hand: int
    reserved: int
    updated_at: datetime

    @strawberry.field(description="On hand minus reserved: what can still be sold.")
    def available(self, root: StockLevelRow) -> int:
        return root.on_hand - root.reserved

    @strawberry.field
    async def warehouse(self, root: StockLevelRow, info: Info) -> Warehouse:
        return await info.context.loaders.warehouse.load(root.warehouse_id)

    @strawberry.field
    async def product(
        self, root: StockLevelRow, info: Info
    ) -> Annotated[Product, strawberry.lazy("api.catalog.types")]:
        return await info.context.loaders.product.load(root.product_id)


@strawberry.type(description="One entry of the append-only inventory ledger.")
class InventoryMovement(Node):
    delta: int
    on_hand_after: int
    reason: MovementReason
    note: str | None
    created_at: datetime
