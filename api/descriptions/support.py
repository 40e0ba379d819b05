"""Descriptions: support tickets."""

from __future__ import annotations

DESCRIPTIONS: dict[str, str] = {
    "Ticket.status": "Open, answered by support, or closed.",
    "Ticket.createdAt": "When it was opened.",
    "Ticket.updatedAt": "Its latest message or change.",
    "TicketMessage": "One message of a ticket.",
    "TicketMessage.createdAt": "When it was written.",
    "TicketStatus": "Where a ticket is.",
    "TicketStatus.OPEN": "Waiting for support.",
    "TicketStatus.ANSWERED": "Support replied; waiting for the seller.",
    "TicketStatus.CLOSED": "Closed: no more replies (TICKET_CLOSED).",
    "TicketOpenInput": "A new question to Mandi's support team.",
    "TicketOpenInput.organizationId": "The organization's global id.",
    "TicketOpenInput.subject": "What it is about.",
    "TicketOpenInput.body": "The first message.",
    "Mutation.ticketReply(id)": "The ticket's global id.",
    "Mutation.ticketReply(body)": "The message text.",
    "Mutation.ticketClose(id)": "The ticket's global id.",
    "Query.ticket": "A ticket by global id; null with NOT_FOUND if there is none you may read.",
    "Query.ticket(id)": "The ticket's global id.",
    "Query.tickets": "Tickets you may see, newest first.",
    "Query.tickets(status)": "Only tickets in this status.",
}
