"""Mutations: ticketOpen, ticketReply, ticketClose."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from api.access import allows, authorize, authorize_fields, get_readable, record_write
from api.errors import MutationError
from api.payloads import payload
from api.support.types import Ticket
from domain.accounts.models import Organization
from domain.support import models, services


@strawberry.input
class TicketOpenInput:
    organization_id: strawberry.ID
    subject: str
    body: str


@strawberry.type
class TicketPayload:
    ticket: Ticket | None
    errors: list[MutationError]


@strawberry.type
class SupportMutations:
    @strawberry.mutation(description="Ask Mandi's support team a question.")
    @payload(TicketPayload)
    async def ticket_open(self, info: Info, input: TicketOpenInput) -> models.Ticket:
        org = await get_readable(
            info.context, Organization, input.organization_id, field="organizationId"
        )
        ctx = info.context
        authorize(ctx, "open_ticket", org)
        author = ctx.principal.user_id
        authorize_fields(
            ctx, "update", models.Ticket(organization_id=org.id, opened_by_id=author), ["subject"]
        )
        authorize_fields(
            ctx, "update", models.TicketMessage(organization_id=org.id, author_id=author), ["body"]
        )
        ticket, message = await services.open_ticket(
            organization_id=org.id, user_id=author, subject=input.subject, body=input.body
        )
        record_write(ctx, ticket, action="create")
        record_write(ctx, message, action="create")
        return ticket

    @strawberry.mutation(description="Add a message to a ticket.")
    @payload(TicketPayload)
    async def ticket_reply(self, info: Info, id: strawberry.ID, body: str) -> models.Ticket:
        ctx = info.context
        ticket = await get_readable(ctx, models.Ticket, id)
        authorize(ctx, "reply", ticket)
        principal = ctx.principal
        draft = models.TicketMessage(
            organization_id=ticket.organization_id, author_id=principal.user_id
        )
        authorize_fields(ctx, "update", draft, ["body"])
        message = await services.reply_ticket(
            ticket=ticket,
            user_id=principal.user_id,
            body=body,
            by_support=allows(info.context, "reply_as_support", ticket),
        )
        record_write(info.context, message, action="create")
        return ticket

    @strawberry.mutation(description="Close a ticket.")
    @payload(TicketPayload)
    async def ticket_close(self, info: Info, id: strawberry.ID) -> models.Ticket:
        ticket = await get_readable(info.context, models.Ticket, id)
        authorize(info.context, "reply", ticket)
        return await services.close_ticket(ticket=ticket)
