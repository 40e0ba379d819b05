"""Queries of the audit log: for reviewers (auditEntries) and for data subjects (their own)."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.types import Info

from api import ids
from api.access import allows, authorize, readable
from api.audit.types import AuditEntry
from api.guard import acting_role
from api.pagination import Connection, paginate
from audit import models
from authz.resources import AuditSearch
from domain import validation as v


@strawberry.input(description="All given conditions must hold.")
class AuditFilter:
    actor_type: str | None = None
    actor_id: int | None = None
    subject: str | None = strawberry.field(default=None, description='e.g. "customer:12"')
    resource_type: str | None = None
    resource_id: str | None = None
    action: str | None = None
    outcome: str | None = None
    organization_id: strawberry.ID | None = None
    since: datetime | None = None
    until: datetime | None = None


def _conditions(spec: AuditFilter) -> dict[str, object]:
    conditions: dict[str, object] = {}
    for name in ("actor_type", "subject", "resource_type", "resource_id", "action", "outcome"):
        value = getattr(spec, name)
        if value is not None:
            conditions[name] = v.text(value, field=name, max_length=64)
    if spec.actor_id is not None:
        conditions["actor_id"] = spec.actor_id
    if spec.organization_id is not None:
        conditions["organization_id"] = ids.decode(spec.organization_id, "Organization")
    if spec.since is not None:
        conditions["occurred_at__gte"] = spec.since
    if spec.until is not None:
        conditions["occurred_at__lt"] = spec.until
    return conditions


@strawberry.type
class AuditQueries:
    @strawberry.field(
        description="The audit log, newest first. Security reviewers and platform admins see "
        "every entry, an organization's owner its organizations' entries, a privacy officer "
        "every entry of one data subject (filter.subject required). Reading it is itself "
        "audited."
    )
    async def audit_entries(
        self,
        info: Info,
        filter: AuditFilter | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[AuditEntry] | None:
        ctx = info.context
        ctx.require_session()
        spec = filter or AuditFilter()
        conditions = _conditions(spec)
        organization_id = conditions.get("organization_id")
        search = AuditSearch(
            subject=conditions.get("subject"),  # type: ignore[arg-type]
            organization_id=organization_id,  # type: ignore[arg-type]
        )
        authorize(
            ctx,
            "run",
            search,
            planned=True,
            message="not allowed to search the audit log like this (privacy officers search by "
            "data subject)",
            field="filter",
        )
        role = acting_role(ctx.principal, organization_id)  # type: ignore[arg-type]
        ctx.audit.note(
            "audit.read",
            "AuditEntry",
            fields=sorted(conditions),
            subject=spec.subject,
            organization_id=organization_id,  # type: ignore[arg-type]
            detail={"role": role} if role else None,
        )
        if allows(ctx, "read_every_match", search):
            query = models.AuditEntry.filter(**conditions)
        else:
            query = readable(ctx, models.AuditEntry, action="list").filter(**conditions)
        return await paginate(query, first=first, after=after)
