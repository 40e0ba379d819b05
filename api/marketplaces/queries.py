"""Queries over marketplace connections and listings."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from api.access import readable
from api.marketplaces.types import Listing, MarketplaceConnection
from api.pagination import Connection, paginate
from domain.marketplaces import models


@strawberry.type
class MarketplaceQueries:
    @strawberry.field
    async def marketplace_connections(
        self, info: Info, organization_id: strawberry.ID | None = None
    ) -> list[MarketplaceConnection]:
        query = readable(info.context, models.MarketplaceConnection, organization_id)
        return await query.order_by("id").limit(200)  # type: ignore[return-value]

    @strawberry.field
    async def listings(
        self,
        info: Info,
        organization_id: strawberry.ID | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Listing]:
        query = readable(info.context, models.Listing, organization_id)
        return await paginate(query, first=first, after=after)
