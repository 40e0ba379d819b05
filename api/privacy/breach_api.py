"""Breach incidents over GraphQL: breachIncidentRecord, breachIncidentNotifyPeople,
breachIncidentAuthorityNotified, breachIncidents (privacy officers; the policy decides)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import strawberry
from strawberry.types import Info

from api.access import authorize, get_readable, readable
from api.context import RequestContext
from api.errors import MutationError
from api.node import Node
from api.pagination import Connection, paginate
from api.payloads import payload
from api.privacy.subjects import existing_subjects
from api.privacy.types import AccessGrantSubject
from domain.privacy import breach
from domain.privacy.breach import BreachIncident as BreachIncidentRow
from domain.privacy.models import GrantSubject


@strawberry.type(description="A personal-data breach and the 72-hour clock to the authority.")
class BreachIncident(Node):
    nature: str
    categories: list[str]
    approximate_people: int
    likely_consequences: str
    measures: str
    detected_at: datetime
    created_at: datetime
    authority_notified_at: datetime | None
    people_notified_at: datetime | None

    @strawberry.field(description="72 hours after detection (GDPR Art. 33).")
    def authority_due_at(self, root: BreachIncidentRow) -> datetime:
        return breach.authority_due(root)

    @strawberry.field(description="Hours left to tell the authority; negative when late.")
    def authority_hours_left(self, root: BreachIncidentRow) -> float:
        due = breach.authority_due(root)
        return round((due - datetime.now(UTC)).total_seconds() / 3600, 1)


@strawberry.input
class BreachPersonInput:
    subject_kind: AccessGrantSubject
    subject_id: strawberry.ID


@strawberry.input
class BreachIncidentRecordInput:
    nature: str
    categories: list[str] = strawberry.field(description="Categories, e.g. contact.email.")
    approximate_people: int
    likely_consequences: str
    measures: str
    detected_at: datetime | None = None
    affected: list[BreachPersonInput] = strawberry.field(default_factory=list)


@strawberry.type
class BreachIncidentPayload:
    incident: BreachIncident | None
    notified: int = 0
    errors: list[MutationError]


def _note(ctx: RequestContext, action: str, incident: breach.BreachIncident) -> None:
    ctx.audit.note(action, "BreachIncident", incident.id, fields=tuple(incident.categories))


@strawberry.type
class BreachMutations:
    @strawberry.mutation(
        description="Record a personal-data breach; its 72-hour clock starts at `detectedAt`."
    )
    @payload(BreachIncidentPayload)
    async def breach_incident_record(
        self, info: Info, input: BreachIncidentRecordInput
    ) -> breach.BreachIncident:
        ctx: RequestContext = info.context
        ctx.require_session()
        authorize(ctx, "create", breach.BreachIncident())
        affected = await existing_subjects(
            ctx,
            [(GrantSubject(p.subject_kind), p.subject_id) for p in input.affected],
            field="affected",
        )
        incident = await breach.record_incident(
            nature=input.nature,
            categories=input.categories,
            approximate_people=input.approximate_people,
            likely_consequences=input.likely_consequences,
            measures=input.measures,
            detected_at=input.detected_at,
            affected=affected,
            recorded_by_id=ctx.principal.user_id,
        )
        _note(ctx, "breach.record", incident)
        return incident

    @strawberry.mutation(description="Tell every affected person through the outbox (once).")
    @payload(BreachIncidentPayload)
    async def breach_incident_notify_people(self, info: Info, id: strawberry.ID) -> dict[str, Any]:
        ctx: RequestContext = info.context
        ctx.require_session()
        incident = await get_readable(ctx, breach.BreachIncident, id)
        authorize(ctx, "notify", incident)
        count = await breach.notify_people(incident)
        _note(ctx, "breach.notify_people", incident)
        return {"incident": incident, "notified": count}

    @strawberry.mutation(description="Record that the supervisory authority was told.")
    @payload(BreachIncidentPayload)
    async def breach_incident_authority_notified(
        self, info: Info, id: strawberry.ID
    ) -> breach.BreachIncident:
        ctx: RequestContext = info.context
        ctx.require_session()
        incident = await get_readable(ctx, breach.BreachIncident, id)
        authorize(ctx, "notify", incident)
        _note(ctx, "breach.authority_notified", incident)
        return await breach.authority_notified(incident)


@strawberry.type
class BreachQueries:
    @strawberry.field(description="Breach incidents, newest first.")
    async def breach_incidents(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[BreachIncident] | None:
        return await paginate(
            readable(info.context, breach.BreachIncident), first=first, after=after
        )
