"""Queries: an organization's members and roles; who holds platform roles."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from api.access import get_readable, readable
from api.pagination import Connection, paginate
from api.roles.types import OrganizationMember, PlatformRoleAssignment
from domain.accounts.models import Membership, Organization, PlatformRoleGrant


@strawberry.type
class RoleQueries:
    @strawberry.field(description="Members of an organization and their roles, newest first.")
    async def organization_members(
        self,
        info: Info,
        organization_id: strawberry.ID,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[OrganizationMember] | None:
        await get_readable(info.context, Organization, organization_id, field="organizationId")
        query = readable(info.context, Membership, organization_id)
        return await paginate(query, first=first, after=after, node_type="OrganizationMember")

    @strawberry.field(description="Platform role assignments you may see, newest first.")
    async def platform_role_assignments(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[PlatformRoleAssignment] | None:
        return await paginate(readable(info.context, PlatformRoleGrant), first=first, after=after)
