"""The principal: who is calling, with everything a decision needs loaded up front."""

from __future__ import annotations

from dataclasses import dataclass, field

from domain.accounts.models import Membership, OrgRole, PlatformRole, PlatformRoleGrant, User


@dataclass(frozen=True)
class Principal:
    kind: str  # "anonymous" | "user"
    user_id: int | None = None
    org_roles: dict[int, OrgRole] = field(default_factory=dict)
    platform_roles: frozenset[PlatformRole] = frozenset()

    @property
    def is_authenticated(self) -> bool:
        return self.kind != "anonymous"

    def role_in(self, organization_id: int) -> OrgRole | None:
        return self.org_roles.get(organization_id)

    @property
    def organization_ids(self) -> list[int]:
        return sorted(self.org_roles)


ANONYMOUS = Principal(kind="anonymous")


async def load_user_principal(user: User) -> Principal:
    """Load the roles of a signed-in user (two small queries, once per request)."""
    memberships = await Membership.filter(user_id=user.id).values_list("organization_id", "role")
    platform = await PlatformRoleGrant.filter(user_id=user.id).values_list("role", flat=True)
    return Principal(
        kind="user",
        user_id=user.id,
        org_roles={org_id: OrgRole(role) for org_id, role in memberships},
        platform_roles=frozenset(PlatformRole(r) for r in platform),
    )
