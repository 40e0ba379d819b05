# Support tickets a seller's people open with Mandi's support team, and their messages.
#
# A ticket's subject and messages are personal data (communication) of the person who wrote
# them. Members of the seller read their organization's tickets, as before. Support agents read
# every ticket's subject and messages without an access grant: the writer addressed them to
# Mandi's support team, and answering is the purpose they were given for. Access grants are for
# data that was not addressed to support (a user's account data, a buyer's contact data).

resource Ticket {
    permissions = ["read", "reply", "reply_as_support"];
    roles = ["viewer", "staff", "support_agent"];

    "read" if "viewer";
    "reply" if "staff";
    "read" if "support_agent";
    "reply" if "support_agent";
}

# A support agent who is no member of the ticket's organization answers as Mandi's support team
# (a member answers as the seller, whatever platform role they also hold).
has_permission(actor: Principal, "reply_as_support", ticket: Ticket) if
    has_role(actor, "support_agent", ticket) and
    not ticket.organization_id in actor.organization_ids;

resource TicketMessage {
    permissions = ["read"];
    roles = ["viewer", "support_agent"];

    "read" if "viewer";
    "read" if "support_agent";
}

field_permission(actor: Principal, "read", ticket: Ticket, "subject") if
    has_role(actor, "viewer", ticket);
field_permission(actor: Principal, "read", ticket: Ticket, "subject") if
    has_role(actor, "support_agent", ticket);
field_permission(actor: Principal, "update", ticket: Ticket, "subject") if
    has_role(actor, "staff", ticket);

field_permission(actor: Principal, "read", message: TicketMessage, "body") if
    has_role(actor, "viewer", message);
field_permission(actor: Principal, "read", message: TicketMessage, "body") if
    has_role(actor, "support_agent", message);
field_permission(actor: Principal, "update", message: TicketMessage, "body") if
    has_role(actor, "staff", message);
field_permission(actor: Principal, "update", message: TicketMessage, "body") if
    has_role(actor, "support_agent", message);

scope_covers("tickets:read", "read", _ticket: Ticket);
scope_covers("tickets:read", "read", _message: TicketMessage);
scope_covers("tickets:write", "reply", _ticket: Ticket);
scope_covers_field("tickets:read", "read", _ticket: Ticket, "subject");
scope_covers_field("tickets:read", "read", _message: TicketMessage, "body");
scope_covers_field("tickets:write", "update", _ticket: Ticket, "subject");
scope_covers_field("tickets:write", "update", _message: TicketMessage, "body");
