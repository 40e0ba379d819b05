"""GraphQL types for role assignments."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.types import Info

from api import ids
from api.accounts.types import OrgRole, PlatformRole
from api.node import Node

if TYPE_CHECKING:
    from api.accounts.types import Organization, User


@strawberry.type(description="A user's role in an organization.")
class OrganizationMember(Node):
    role: OrgRole  # type: ignore[valid-type]
    created_at: datetime

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(ids.encode("Membership", self.id))  # type: ignore[attr-defined]

    @strawberry.field(description="The member's user id (their personal data needs its own right).")
    def user_id(self) -> strawberry.ID:
        return strawberry.ID(ids.encode("User", self.user_id))  # type: ignore[attr-defined]

    @strawberry.field
    async def organization(
        self, info: Info
    ) -> Annotated[Organization, strawberry.lazy("api.accounts.types")]:
        return await info.context.loaders.organization.load(self.organization_id)  # type: ignore[attr-defined]

    @strawberry.field(
        description="The member: their username and full name under User's own field rules."
    )
    async def user(self, info: Info) -> Annotated[User, strawberry.lazy("api.accounts.types")]:
        return await info.context.loaders.user.load(self.user_id)  # type: ignore[attr-defined]


@strawberry.type(description="A platform role held by a user.")
class PlatformRoleAssignment(Node):
    role: PlatformRole  # type: ignore[valid-type]
    created_at: datetime

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(ids.encode("PlatformRoleGrant", self.id))  # type: ignore[attr-defined]

    @strawberry.field
    def user_id(self) -> strawberry.ID:
        return strawberry.ID(ids.encode("User", self.user_id))  # type: ignore[attr-defined]
