"""The principal: who is calling, with everything a decision needs loaded up front."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from domain.accounts import access
from domain.accounts.models import OrgRole, PlatformRole, User


@dataclass(frozen=True)
class Principal:
    """``kind`` is "anonymous", "user" (a session) or "token" (a partner token).

    For a token, ``user_id`` is its creator, ``org_roles`` holds only the creator's current role in
    the token's organization, and ``scopes`` limits what that role may do; for a user ``scopes``
    is None (no scope limit). ``grants`` are the open support access grants, as
    (subject kind, subject id) pairs; ``grant_reasons`` their justifications, for the audit log
    (the policy never reads them).
    """

    kind: str
    user_id: int | None = None
    org_roles: dict[int, OrgRole] = field(default_factory=dict)
    platform_roles: frozenset[PlatformRole] = frozenset()
    scopes: frozenset[str] | None = None
    token_id: int | None = None
    grants: frozenset[tuple[str, int]] = frozenset()
    grant_reasons: Mapping[tuple[str, int], str] = field(default_factory=dict)

    @property
    def is_authenticated(self) -> bool:
        return self.kind != "anonymous"

    def role_in(self, organization_id: int) -> OrgRole | None:
        return self.org_roles.get(organization_id)

    @property
    def organization_ids(self) -> list[int]:
        return sorted(self.org_roles)


ANONYMOUS = Principal(kind="anonymous")


def user_principal(user_id: int, found: access.UserAccess) -> Principal:
    """The principal of a signed-in user with the access read for them this request."""
    reasons = found.grant_reasons
    return Principal(
        kind="user",
        user_id=user_id,
        org_roles=found.org_roles,
        platform_roles=found.platform_roles,
        grants=frozenset(reasons),
        grant_reasons=reasons,
    )


async def load_user_principal(user: User) -> Principal:
    """Load the roles (and, for support agents, open access grants) of a signed-in user."""
    return user_principal(user.id, await access.load(user.id))
