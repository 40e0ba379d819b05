"""Queries over support tickets."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from api.access import get_readable, readable
from api.pagination import Connection, paginate
from api.support.types import Ticket, TicketStatus
from domain.support import models


@strawberry.type
class SupportQueries:
    @strawberry.field
    async def ticket(self, info: Info, id: strawberry.ID) -> Ticket | None:
        return await get_readable(info.context, models.Ticket, id)  # type: ignore[return-value]

    @strawberry.field
    async def tickets(
        self,
        info: Info,
        organization_id: strawberry.ID | None = None,
        status: TicketStatus | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Ticket] | None:
        query = readable(info.context, models.Ticket, organization_id)
        if status is not None:
            query = query.filter(status=status)
        return await paginate(query, first=first, after=after)
