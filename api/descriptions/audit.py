"""Descriptions: the audit log and a person's view of who accessed their data."""

from __future__ import annotations

DESCRIPTIONS: dict[str, str] = {
    "AuditEntry.occurredAt": "When it happened.",
    "AuditEntry.requestId": "The request it belongs to (the `X-Request-Id` answered).",
    "AuditEntry.action": "What was done, e.g. `read`, `update`, `role.grant`, `session.create`.",
    "AuditEntry.resourceType": "The kind of object acted on, e.g. `Order`.",
    "AuditEntry.justification": "The reason given, e.g. an access grant's justification.",
    "AuditEntry.hash": "SHA-256 of this entry and the previous hash (hex).",
    "AuditEntry.prevHash": "The previous entry's hash: the chain `mandi audit verify` checks.",
    "Query.auditEntries(filter)": "Conditions the entries must all meet.",
    "AuditFilter.resourceType": "The kind of object, e.g. `Order`.",
    "AuditFilter.action": "The action, e.g. `read`.",
    "AuditFilter.outcome": "allowed, denied or error.",
    "AuditFilter.organizationId": "The organization's global id.",
    "AuditFilter.since": "At or after this time.",
    "AuditFilter.until": "Before this time.",
    "DataAccess.occurredAt": "When it happened.",
    "DataAccess.action": "What was done, e.g. `read`.",
    "DataAccess.fields": "Which of your fields (names, never values).",
    "DataAccess.outcome": "allowed, denied or error.",
}
