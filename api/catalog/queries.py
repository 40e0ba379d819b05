"""Queries over products."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from api.access import get_readable, readable
from api.catalog.types import Product
from api.pagination import Connection, paginate
from domain import validation as v
from domain.catalog import models


@strawberry.type
class CatalogQueries:
    @strawberry.field
    async def product(self, info: Info, id: strawberry.ID) -> Product | None:
        return await get_readable(info.context, models.Product, id)  # type: ignore[return-value]

    @strawberry.field(description="Products, newest first; archived ones only when asked.")
    async def products(
        self,
        info: Info,
        organization_id: strawberry.ID | None = None,
        include_archived: bool = False,
        sku_prefix: str | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Product] | None:
        query = readable(info.context, models.Product, organization_id)
        if not include_archived:
            query = query.filter(archived=False)
        if sku_prefix:
            query = query.filter(sku__startswith=v.sku(sku_prefix, field="skuPrefix"))
        return await paginate(query, first=first, after=after)
