"""Mutations: ticketOpen, ticketReply, ticketClose."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from api.access import authorize, get_readable
from api.audit_notes import wrote
from api.errors import MutationError
from api.payloads import attempt
from api.support.types import Ticket
from authz import policy
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
    async def ticket_open(self, info: Info, input: TicketOpenInput) -> TicketPayload:
        async def run() -> models.Ticket:
            org = await get_readable(
                info.context, Organization, input.organization_id, field="organizationId"
            )
            authorize(info.context, "ticket.open", org)
            ticket = await services.open_ticket(
                organization_id=org.id,
                user_id=info.context.principal.user_id,
                subject=input.subject,
                body=input.body,
            )
            wrote(info.context, ticket, action="create")
            return ticket

        ticket, errors = await attempt(run)
        return TicketPayload(ticket=ticket, errors=errors)  # type: ignore[arg-type]

    @strawberry.mutation(description="Add a message to a ticket.")
    async def ticket_reply(self, info: Info, id: strawberry.ID, body: str) -> TicketPayload:
        async def run() -> models.Ticket:
            ticket = await get_readable(info.context, models.Ticket, id)
            authorize(info.context, "ticket.reply", ticket)
            principal = info.context.principal
            message = await services.reply_ticket(
                ticket=ticket,
                user_id=principal.user_id,
                body=body,
                by_support=policy.answers_as_support(principal, ticket),
            )
            wrote(info.context, message, action="create")
            return ticket

        ticket, errors = await attempt(run)
        return TicketPayload(ticket=ticket, errors=errors)  # type: ignore[arg-type]

    @strawberry.mutation(description="Close a ticket.")
    async def ticket_close(self, info: Info, id: strawberry.ID) -> TicketPayload:
        async def run() -> models.Ticket:
            ticket = await get_readable(info.context, models.Ticket, id)
            authorize(info.context, "ticket.reply", ticket)
            return await services.close_ticket(ticket=ticket)

        ticket, errors = await attempt(run)
        return TicketPayload(ticket=ticket, errors=errors)  # type: ignore[arg-type]
