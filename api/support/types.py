"""GraphQL types for support tickets and their messages."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.types import Info

from api.node import Node
from api.pagination import Connection
from domain.support.models import Ticket as TicketRow
from domain.support.models import TicketStatus as TicketStatusEnum

strawberry.enum(TicketStatusEnum, name="TicketStatus")
TicketStatus = TicketStatusEnum


@strawberry.type
class TicketMessage(Node):
    body: str | None = strawberry.field(description="The message text.")
    from_support: bool = strawberry.field(description="Written by Mandi's support team.")
    created_at: datetime


@strawberry.type(description="A question from a seller to Mandi's support team.")
class Ticket(Node):
    subject: str | None = strawberry.field(description="What the question is about.")
    status: TicketStatus
    created_at: datetime
    updated_at: datetime

    @strawberry.field(description="Its messages, newest first.")
    async def messages(
        self, root: TicketRow, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[TicketMessage] | None:
        return await info.context.loaders.ticket_messages.load((root.id, first, after))
