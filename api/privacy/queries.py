"""Queries: the support access grants and processing restrictions you may see (a user sees
those on their own data)."""

from __future__ import annotations

from datetime import UTC, datetime

import strawberry
from strawberry.types import Info
from tortoise.expressions import Q

from api.access import get_subject, readable
from api.pagination import Connection, paginate
from api.privacy.subjects import SUBJECT_MODELS
from api.privacy.types import AccessGrant, AccessGrantSubject, ProcessingRestriction
from domain.accounts.models import User
from domain.orders.models import Customer
from domain.privacy import models


@strawberry.type
class PrivacyQueries:
    @strawberry.field(description="Support access grants you may see, newest first.")
    async def access_grants(
        self,
        info: Info,
        open_only: bool = False,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[AccessGrant] | None:
        query = readable(info.context, models.AccessGrant)
        if open_only:
            query = query.filter(revoked_at=None, expires_at__gt=datetime.now(UTC))
        return await paginate(query, first=first, after=after)

    @strawberry.field(
        description="Restrictions of processing and objections you may see, newest first; "
        "optionally those of one person."
    )
    async def processing_restrictions(
        self,
        info: Info,
        subject_kind: AccessGrantSubject | None = None,
        subject_id: strawberry.ID | None = None,
        active_only: bool = False,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[ProcessingRestriction] | None:
        query = readable(info.context, models.ProcessingRestriction)
        if subject_id is not None:
            kind = models.GrantSubject(subject_kind or models.GrantSubject.USER)
            person: User | Customer = await get_subject(
                info.context,
                SUBJECT_MODELS[kind],
                subject_id,
                field="subjectId",
                listed=lambda found: _restriction_of(kind, found),
            )
            query = query.filter(subject_kind=kind, subject_id=person.id)
        if active_only:
            current = datetime.now(UTC)
            query = query.filter(Q(lifts_at=None) | Q(lifts_at__gt=current))
        return await paginate(query, first=first, after=after)


def _restriction_of(
    kind: models.GrantSubject, person: User | Customer
) -> models.ProcessingRestriction:
    """A restriction on ``person``, as the policy decides on one (who may read theirs)."""
    organization_id = person.organization_id if isinstance(person, Customer) else None
    return models.ProcessingRestriction(
        subject_kind=kind, subject_id=person.id, organization_id=organization_id
    )
