"""Queries over warehouses and the inventory ledger."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from api.access import get_readable, readable
from api.inventory.types import InventoryMovement, Warehouse
from api.pagination import Connection, paginate
from domain.catalog.models import Product
from domain.inventory import models


@strawberry.type
class InventoryQueries:
    @strawberry.field(description="Warehouses you may see, newest first.")
    async def warehouses(
        self,
        info: Info,
        organization_id: strawberry.ID | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Warehouse] | None:
        query = readable(info.context, models.Warehouse, organization_id)
        return await paginate(query, first=first, after=after)

    @strawberry.field(description="The ledger of one product's stock changes, newest first.")
    async def inventory_movements(
        self,
        info: Info,
        product_id: strawberry.ID,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[InventoryMovement] | None:
        product = await get_readable(info.context, Product, product_id, field="productId")
        query = readable(info.context, models.InventoryMovement).filter(product_id=product.id)
        return await paginate(query, first=first, after=after)
