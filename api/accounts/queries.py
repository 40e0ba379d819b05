"""Queries: who am I, and the organizations I belong to."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from api.access import get_readable, readable
from api.accounts.types import Membership, Organization, PlatformRole, User
from api.pagination import Connection, paginate
from domain.accounts import models


@strawberry.type(description="The signed-in user, their memberships and platform roles.")
class Viewer:
    user: User
    memberships: list[Membership]
    platform_roles: list[PlatformRole]  # type: ignore[valid-type]


@strawberry.type
class AccountQueries:
    @strawberry.field(description="The signed-in user; null when not signed in.")
    async def viewer(self, info: Info) -> Viewer | None:
        principal = info.context.principal
        if not principal.is_authenticated:
            return None
        user = await models.User.get(id=principal.user_id)
        memberships = await models.Membership.filter(user_id=user.id).order_by("id")
        return Viewer(
            user=user,  # type: ignore[arg-type]
            memberships=memberships,  # type: ignore[arg-type]
            platform_roles=sorted(principal.platform_roles),
        )

    @strawberry.field
    async def organization(self, info: Info, id: strawberry.ID) -> Organization:
        return await get_readable(info.context, models.Organization, id)  # type: ignore[return-value]

    @strawberry.field
    async def organizations(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[Organization]:
        return await paginate(readable(info.context, models.Organization), first=first, after=after)
