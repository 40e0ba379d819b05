"""Queries: privacy requests you may see, and the privacy officers' queue (oldest due first)."""

from __future__ import annotations

import strawberry
from strawberry.types import Info
from tortoise.queryset import QuerySet

from api import ids
from api.access import get_readable, readable
from api.pagination import Connection, paginate, paginate_by
from api.privacy.request_types import PrivacyRequest, RequestStatus
from domain.privacy import request_models as models
from domain.privacy.requests import queue_csv


def _queue(info: Info) -> QuerySet[models.PrivacyRequest]:
    return (
        readable(info.context, models.PrivacyRequest)
        .filter(status__in=models.OPEN_STATUSES)
        .order_by("due_at", "id")
    )


@strawberry.type
class PrivacyRequestQueries:
    @strawberry.field(description="Privacy requests you may see, newest first.")
    async def privacy_requests(
        self,
        info: Info,
        status: RequestStatus | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[PrivacyRequest] | None:
        query = readable(info.context, models.PrivacyRequest)
        if status is not None:
            query = query.filter(status=models.RequestStatus(status))
        return await paginate(query, first=first, after=after)

    @strawberry.field(description="One privacy request, with its history.")
    async def privacy_request(self, info: Info, id: strawberry.ID) -> PrivacyRequest | None:
        return await get_readable(info.context, models.PrivacyRequest, id)  # type: ignore[return-value]

    @strawberry.field(description="Open requests you may see, the one due soonest first.")
    async def privacy_request_queue(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[PrivacyRequest] | None:
        return await paginate_by(_queue(info), "due_at", first=first, after=after)

    @strawberry.field(
        description="The whole open queue as CSV (global ids, dates, states, days left; no "
        "personal values), the one due soonest first."
    )
    async def privacy_request_queue_csv(self, info: Info) -> str | None:
        rows = await _queue(info)
        info.context.audit.note("privacy_request.export_queue", "PrivacyRequest")
        return queue_csv(rows, shown_id=ids.encode)
