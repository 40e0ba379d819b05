"""GraphQL types for role assignments."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.types import Info

from api import ids
from api.accounts.types import OrgRole, PlatformRole
from api.node import Node
from domain.accounts.models import Membership as MembershipRow
from domain.accounts.models import PlatformRoleGrant as PlatformRoleGrantRow

if TYPE_CHECKING:
    from api.accounts.types import Organization, User


@strawberry.type(description="A user's role in an organization.")
class OrganizationMember(Node):
    role: OrgRole
    created_at: datetime

    @strawberry.field(description="The member's user id (their personal data needs its own right).")
    def user_id(self, root: MembershipRow) -> strawberry.ID:
        return strawberry.ID(ids.encode("User", root.user_id))

    @strawberry.field
    async def organization(
        self, root: MembershipRow, info: Info
    ) -> Annotated[Organization, strawberry.lazy("api.accounts.types")]:
        return await info.context.loaders.organization.load(root.organization_id)

    @strawberry.field(
        description="The member: their username and full name under User's own field rules."
    )
    async def user(
        self, root: MembershipRow, info: Info
    ) -> Annotated[User, strawberry.lazy("api.accounts.types")]:
        return await info.context.loaders.user.load(root.user_id)


@strawberry.type(description="A platform role held by a user.")
class PlatformRoleAssignment(Node):
    role: PlatformRole
    created_at: datetime

    @strawberry.field
    def user_id(self, root: PlatformRoleGrantRow) -> strawberry.ID:
        return strawberry.ID(ids.encode("User", root.user_id))
