"""GraphQL type for products."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.types import Info

from api.node import Node
from domain.catalog.models import Product as ProductRow

if TYPE_CHECKING:
    from api.inventory.types import StockLevel
    from api.marketplaces.types import Listing


@strawberry.type(description="Something a seller sells; its SKU is unique in its organization.")
class Product(Node):
    sku: str
    title: str
    description: str
    price: Decimal
    currency: str
    hsn_code: str = strawberry.field(description="Harmonized System of Nomenclature code.")
    gst_rate: Decimal = strawberry.field(description="GST rate in percent.")
    archived: bool
    created_at: datetime
    updated_at: datetime

    @strawberry.field(description="Stock of this product in each warehouse.")
    async def stock(
        self, root: ProductRow, info: Info
    ) -> list[Annotated[StockLevel, strawberry.lazy("api.inventory.types")]]:
        return await info.context.loaders.product_stock.load(root.id)

    @strawberry.field(description="Where this product is listed.")
    async def listings(
        self, root: ProductRow, info: Info
    ) -> list[Annotated[Listing, strawberry.lazy("api.marketplaces.types")]]:
        return await info.context.loaders.product_listings.load(root.id)
