"""GraphQL types of the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry
from strawberry.scalars import JSON

from api import ids
from api.audit import global_ids
from audit.models import AuditEntry as AuditEntryRow


@strawberry.type(description="One audit entry: who did what to whose data, never the values.")
class AuditEntry:
    seq: strawberry.ID = strawberry.field(
        description="Position in the hash chain, as `mandi audit verify` and `mandi audit export` "
        "name entries (a number, not a global id)."
    )
    occurred_at: datetime
    request_id: str | None
    actor_type: str = strawberry.field(description="user, token, system or anonymous")
    action: str
    resource_type: str
    outcome: str = strawberry.field(description="allowed, denied or error")
    justification: str | None
    ip: str | None = strawberry.field(description="The actor's IP address.")
    user_agent: str | None = strawberry.field(description="The actor's User-Agent.")
    detail: JSON | None = strawberry.field(
        description="Structured facts of some entries: a refusal summary's {count, minute}; the "
        "{ids} of the entries whose ip or userAgent one request read."
    )
    hash: str
    prev_hash: str

    @strawberry.field(name="fields", description="Names of the fields read or written.")
    def fields_accessed_(self, root: AuditEntryRow) -> list[str]:
        return list(root.fields_accessed)

    @strawberry.field(description="The acting User's or PartnerToken's id (actorType says which).")
    def actor_id(self, root: AuditEntryRow) -> strawberry.ID | None:
        row: Any = root
        return global_ids.actor(row.actor_type, row.__dict__.get("actor_id"))

    @strawberry.field(description="A token's creator (a User's id).")
    def on_behalf_of(self, root: AuditEntryRow) -> strawberry.ID | None:
        return global_ids.user(root.__dict__.get("on_behalf_of"))

    @strawberry.field(
        description="The id of the object named (of resourceType), also once it is deleted."
    )
    def resource_id(self, root: AuditEntryRow) -> strawberry.ID | None:
        row: Any = root
        return global_ids.resource(row.resource_type, row.__dict__.get("resource_id"), row.action)

    @strawberry.field(
        description="What names a resource that is no object: an idempotency key, a refused "
        "token's prefix."
    )
    def resource_key(self, root: AuditEntryRow) -> str | None:
        row: Any = root
        found = row.__dict__.get("resource_id")
        return global_ids.resource_key(row.resource_type, found, row.action)

    @strawberry.field(
        description="Whose data: a User's, a Customer's or an Organization's id, also once the "
        "person is erased."
    )
    def subject(self, root: AuditEntryRow) -> strawberry.ID | None:
        return global_ids.subject(root.__dict__.get("subject"))

    @strawberry.field(description="The organization the data belongs to.")
    def organization_id(self, root: AuditEntryRow) -> strawberry.ID | None:
        org = root.__dict__.get("organization_id")
        return None if org is None else strawberry.ID(ids.encode("Organization", org))


@strawberry.type(description="Someone accessed your personal data.")
class DataAccess:
    occurred_at: datetime
    actor_kind: str = strawberry.field(
        description="A person at a seller, a partner integration, Mandi staff, or the system."
    )
    actor_role: str = strawberry.field(
        description="In which role: support (Mandi's support team), Mandi staff (privacy "
        "officers, security reviewers, platform admins), seller (a person at the seller that "
        "holds your data), partner (an integration the seller connected), system, or anonymous."
    )
    action: str
    fields: list[str]
    purpose: str | None = strawberry.field(
        description="Why: the justification of the access grant it was made under, if any."
    )
    outcome: str
    organization_id: strawberry.Private[int | None]

    @strawberry.field(description="The seller (or Mandi) on whose behalf it happened.")
    async def organization_name(self, info: strawberry.Info) -> str | None:
        if self.organization_id is None:
            return None
        org = await info.context.loaders.organization.load(self.organization_id)
        return None if org is None else (org.trade_name or org.legal_name)


_ACTOR_KINDS = {"user": "person", "token": "partner integration", "system": "system"}
_ROLES = {"user": "seller", "token": "partner", "system": "system"}


def _role(entry: Any) -> str:
    """In which role the actor acted: recorded with every entry of Mandi's own people (detail
    role); a read with a justification (an access grant's) but no role is support's, from before
    roles were recorded; else the kind of actor."""
    recorded = (entry.detail or {}).get("role") if isinstance(entry.detail, dict) else None
    if recorded:
        return "support" if recorded == "support" else "Mandi staff"
    if entry.justification is not None and entry.actor_type == "user" and entry.action == "read":
        return "support"
    return _ROLES.get(entry.actor_type, "anonymous")


def data_access(entry: object) -> DataAccess:
    """An audit entry as its data subject sees it: no actor identity, no network details."""
    return DataAccess(
        occurred_at=entry.occurred_at,  # type: ignore[attr-defined]
        actor_kind=_ACTOR_KINDS.get(entry.actor_type, "anonymous"),  # type: ignore[attr-defined]
        actor_role=_role(entry),
        action=entry.action,  # type: ignore[attr-defined]
        fields=list(entry.fields_accessed),  # type: ignore[attr-defined]
        purpose=entry.justification,  # type: ignore[attr-defined]
        outcome=entry.outcome,  # type: ignore[attr-defined]
        organization_id=entry.organization_id,  # type: ignore[attr-defined]
    )
