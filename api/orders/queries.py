"""Queries over orders and customers."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from api.access import get_readable, readable
from api.orders.types import Customer, Order, OrderStatus
from api.pagination import Connection, paginate
from domain.orders import models


@strawberry.type
class OrderQueries:
    @strawberry.field
    async def order(self, info: Info, id: strawberry.ID) -> Order | None:
        return await get_readable(info.context, models.Order, id)  # type: ignore[return-value]

    @strawberry.field(description="Orders, newest first, optionally of one status.")
    async def orders(
        self,
        info: Info,
        organization_id: strawberry.ID | None = None,
        status: OrderStatus | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Order] | None:
        query = readable(info.context, models.Order, organization_id)
        if status is not None:
            query = query.filter(status=status)
        return await paginate(query, first=first, after=after)

    @strawberry.field
    async def customer(self, info: Info, id: strawberry.ID) -> Customer | None:
        return await get_readable(info.context, models.Customer, id)  # type: ignore[return-value]

    @strawberry.field
    async def customers(
        self,
        info: Info,
        organization_id: strawberry.ID | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Customer] | None:
        query = readable(info.context, models.Customer, organization_id)
        return await paginate(query, first=first, after=after)
