"""Queries of the audit log: for reviewers (auditEntries) and for data subjects (their own)."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.types import Info
from strawberry.utils.str_converters import to_camel_case
from tortoise.expressions import Q

from api.access import allows, authorize, readable
from api.audit import global_ids
from api.audit.types import AuditEntry
from api.error_codes import Code
from api.errors import CodedError
from api.pagination import Connection, paginate
from audit import models
from authz.resources import AuditSearch
from domain import validation as v


@strawberry.input(description="All given conditions must hold. Ids are global ids.")
class AuditFilter:
    actor_type: str | None = strawberry.field(
        default=None, description="user, token, system or anonymous"
    )
    actor_id: strawberry.ID | None = strawberry.field(
        default=None, description="A User's or a PartnerToken's id (the actor type follows)."
    )
    subject: strawberry.ID | None = strawberry.field(
        default=None, description="Whose data: a User's, a Customer's or an Organization's id."
    )
    resource_type: str | None = None
    resource_id: strawberry.ID | None = strawberry.field(
        default=None, description="The id of the object named (its resource type follows)."
    )
    resource_key: str | None = strawberry.field(
        default=None,
        description="A resource named by something else than an id: an idempotency key, a "
        "refused token's prefix.",
    )
    action: str | None = None
    outcome: str | None = None
    organization_id: strawberry.ID | None = None
    since: datetime | None = None
    until: datetime | None = None


def _conditions(spec: AuditFilter) -> tuple[dict[str, object], list[str], list[Q]]:
    """The filter's conditions on the log's raw columns, the names of the conditions given (the
    ``fields`` of the read's own entry), and conditions that are no column's equality."""
    conditions: dict[str, object] = {}
    where: list[Q] = []
    for name in ("actor_type", "resource_type", "action", "outcome"):
        value = getattr(spec, name)
        if value is not None:
            conditions[name] = v.text(value, field=name, max_length=64)
    asked = sorted(conditions)
    if spec.actor_id is not None:
        asked.append("actor_id")
        kind, pk = global_ids.decode(
            spec.actor_id, global_ids.ACTOR_TYPES, field="actorId", int_column=True
        )
        _implies(conditions, "actor_type", kind, field="actorId")
        conditions["actor_id"] = pk
    if spec.subject is not None:
        asked.append("subject")
        kind, pk = global_ids.decode(spec.subject, global_ids.SUBJECT_KINDS, field="subject")
        conditions["subject"] = f"{kind}:{pk}"
    if spec.resource_id is not None and spec.resource_key is not None:
        raise CodedError("filter: give resourceId or resourceKey, not both", Code.BAD_USER_INPUT)
    if spec.resource_id is not None:
        asked.append("resource_id")
        model, pk = global_ids.decode(
            spec.resource_id, global_ids.resource_types(), field="resourceId"
        )
        _implies(conditions, "resource_type", model, field="resourceId")
        conditions["resource_id"] = str(pk)
    if spec.resource_key is not None:
        asked.append("resource_id")
        conditions["resource_id"] = v.text(spec.resource_key, field="resource_key", max_length=64)
        where.append(global_ids.keyed_resources())
    if spec.organization_id is not None:
        asked.append("organization_id")
        _, conditions["organization_id"] = global_ids.decode(
            spec.organization_id,
            {"organization": "Organization"},
            field="organizationId",
            int_column=True,
        )
    if spec.since is not None:
        asked.append("occurred_at__gte")
        conditions["occurred_at__gte"] = spec.since
    if spec.until is not None:
        asked.append("occurred_at__lt")
        conditions["occurred_at__lt"] = spec.until
    return conditions, sorted(asked), where


def _implies(conditions: dict[str, object], name: str, value: str, *, field: str) -> None:
    """An id names its type: a type given beside it must be that one."""
    given = conditions.setdefault(name, value)
    if given != value:
        raise CodedError(
            f"filter.{field} is the id of a {value}, filter.{to_camel_case(name)} says {given}",
            Code.BAD_USER_INPUT,
        )


def _searched(conditions: dict[str, object]) -> str | None:
    """The person a search is about: its data subject, or else the person whose actions it
    lists (what one person did is their personal data too)."""
    subject = conditions.get("subject")
    if subject is None and conditions.get("actor_type") == "user":
        actor_id = conditions.get("actor_id")
        subject = f"user:{actor_id}" if actor_id is not None else None
    return subject  # type: ignore[return-value]


@strawberry.type
class AuditQueries:
    @strawberry.field(
        description="The audit log, newest first: the entries you may list, or every match of "
        "a search the policy lets you read whole (a privacy officer's search of one data "
        "subject, `filter.subject`). A search you may not run is FORBIDDEN. Reading it is "
        "itself audited."
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
        conditions, asked, where = _conditions(spec)
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
        ctx.audit.note(
            "audit.read",
            "AuditEntry",
            fields=asked,
            subject=_searched(conditions),
            organization_id=organization_id,
        )
        if allows(ctx, "read_every_match", search):
            query = models.AuditEntry.filter(*where, **conditions)
        else:
            query = readable(ctx, models.AuditEntry, action="list").filter(*where, **conditions)
        return await paginate(query, first=first, after=after)
