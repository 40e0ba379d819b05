"""Open support tickets and answer them."""

from __future__ import annotations

from tortoise.transactions import in_transaction

from domain import validation as v
from domain.errors import ValidationFailed
from domain.support.models import Ticket, TicketMessage, TicketStatus


async def open_ticket(
    *, organization_id: int, user_id: int, subject: str, body: str
) -> tuple[Ticket, TicketMessage]:
    """A new ticket and its first message."""
    subject = v.text(subject, field="subject", max_length=200)
    body = v.text(body, field="body", max_length=10_000)
    async with in_transaction():
        ticket = await Ticket.create(
            organization_id=organization_id, opened_by_id=user_id, subject=subject
        )
        message = await TicketMessage.create(
            ticket=ticket, organization_id=organization_id, author_id=user_id, body=body
        )
    return ticket, message


async def reply_ticket(
    *, ticket: Ticket, user_id: int, body: str, by_support: bool
) -> TicketMessage:
    """Add a message; a support answer marks the ticket answered, a customer reply reopens it."""
    if ticket.status == TicketStatus.CLOSED:
        raise ValidationFailed("the ticket is closed", code="TICKET_CLOSED")
    body = v.text(body, field="body", max_length=10_000)
    status = TicketStatus.ANSWERED if by_support else TicketStatus.OPEN
    async with in_transaction():
        # Conditional, so a close that commits meanwhile is not undone by this reply.
        still_open = Ticket.filter(id=ticket.id).exclude(status=TicketStatus.CLOSED)
        if not await still_open.update(status=status):
            raise ValidationFailed("the ticket is closed", code="TICKET_CLOSED")
        message = await TicketMessage.create(
            ticket=ticket,
            organization_id=ticket.organization_id,
            author_id=user_id,
            body=body,
            from_support=by_support,
        )
    ticket.status = status
    return message


async def close_ticket(*, ticket: Ticket) -> Ticket:
    if ticket.status != TicketStatus.CLOSED:
        await Ticket.filter(id=ticket.id).update(status=TicketStatus.CLOSED)
        ticket.status = TicketStatus.CLOSED
    return ticket
