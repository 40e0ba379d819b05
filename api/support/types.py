"""GraphQL types for support tickets and their messages."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.types import Info

from api import ids
from api.node import Node
from api.pagination import Connection
from domain.support.models import TicketStatus as TicketStatusEnum

TicketStatus = strawberry.enum(TicketStatusEnum, name="TicketStatus")


@strawberry.type
class TicketMessage(Node):
    body: str | None = strawberry.field(description="The message text.")
    from_support: bool = strawberry.field(description="Written by Mandi's support team.")
    created_at: datetime

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(ids.encode("TicketMessage", self.id))  # type: ignore[attr-defined]


@strawberry.type(description="A question from a seller to Mandi's support team.")
class Ticket(Node):
    subject: str | None = strawberry.field(description="What the question is about.")
    status: TicketStatus  # type: ignore[valid-type]
    created_at: datetime
    updated_at: datetime

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(ids.encode("Ticket", self.id))  # type: ignore[attr-defined]

    @strawberry.field(description="Its messages, newest first.")
    async def messages(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[TicketMessage] | None:
        return await info.context.loaders.ticket_messages.load((self.id, first, after))  # type: ignore[attr-defined]
