"""GraphQL types for warehouses, stock levels and inventory movements."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.types import Info

from api import ids
from api.node import Node
from domain.inventory.models import MovementReason as MovementReasonEnum

if TYPE_CHECKING:
    from api.catalog.types import Product

MovementReason = strawberry.enum(MovementReasonEnum, name="MovementReason")


@strawberry.type
class Warehouse(Node):
    code: str
    name: str
    city: str | None
    country: str

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(ids.encode("Warehouse", self.id))  # type: ignore[attr-defined]


@strawberry.type(description="Stock of one product in one warehouse.")
class StockLevel:
    on_hand: int
    reserved: int
    updated_at: datetime

    @strawberry.field(description="On hand minus reserved: what can still be sold.")
    def available(self) -> int:
        return self.on_hand - self.reserved

    @strawberry.field
    async def warehouse(self, info: Info) -> Warehouse:
        return await info.context.loaders.warehouse.load(self.warehouse_id)  # type: ignore[attr-defined]

    @strawberry.field
    async def product(self, info: Info) -> Annotated[Product, strawberry.lazy("api.catalog.types")]:
        return await info.context.loaders.product.load(self.product_id)  # type: ignore[attr-defined]


@strawberry.type(description="One entry of the append-only inventory ledger.")
class InventoryMovement(Node):
    delta: int
    on_hand_after: int
    reason: MovementReason  # type: ignore[valid-type]
    note: str | None
    created_at: datetime

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(ids.encode("InventoryMovement", self.id))  # type: ignore[attr-defined]
