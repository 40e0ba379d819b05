"""Queries: the support access grants you may see (a user sees those on their own data)."""

from __future__ import annotations

from datetime import UTC, datetime

import strawberry
from strawberry.types import Info

from api.access import readable
from api.pagination import Connection, paginate
from api.privacy.types import AccessGrant
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
    ) -> Connection[AccessGrant]:
        query = readable(info.context, models.AccessGrant)
        if open_only:
            query = query.filter(revoked_at=None, expires_at__gt=datetime.now(UTC))
        return await paginate(query, first=first, after=after)
