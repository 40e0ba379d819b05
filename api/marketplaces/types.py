"""GraphQL types for marketplace connections and listings."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.types import Info

from api import ids
from domain.marketplaces.models import ConnectionStatus as ConnectionStatusEnum
from domain.marketplaces.models import ListingStatus as ListingStatusEnum
from domain.marketplaces.models import Marketplace as MarketplaceEnum

if TYPE_CHECKING:
    from api.catalog.types import Product

Marketplace = strawberry.enum(MarketplaceEnum, name="Marketplace")
ConnectionStatus = strawberry.enum(ConnectionStatusEnum, name="ConnectionStatus")
ListingStatus = strawberry.enum(ListingStatusEnum, name="ListingStatus")


@strawberry.type(description="A seller account on a marketplace, connected to Mandi.")
class MarketplaceConnection:
    marketplace: Marketplace  # type: ignore[valid-type]
    seller_id: str
    status: ConnectionStatus  # type: ignore[valid-type]
    created_at: datetime

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(ids.encode("MarketplaceConnection", self.id))  # type: ignore[attr-defined]


@strawberry.type(description="A product published on a marketplace.")
class Listing:
    external_id: str
    price: Decimal
    currency: str
    status: ListingStatus  # type: ignore[valid-type]
    updated_at: datetime

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(ids.encode("Listing", self.id))  # type: ignore[attr-defined]

    @strawberry.field
    async def connection(self, info: Info) -> MarketplaceConnection:
        return await info.context.loaders.connection.load(self.connection_id)  # type: ignore[attr-defined]

    @strawberry.field
    async def product(self, info: Info) -> Annotated[Product, strawberry.lazy("api.catalog.types")]:
        return await info.context.loaders.product.load(self.product_id)  # type: ignore[attr-defined]
