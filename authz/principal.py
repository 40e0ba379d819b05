"""The principal: who is calling, with everything a decision needs loaded up front."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import cast

from domain.accounts.models import Membership, OrgRole, PlatformRole, PlatformRoleGrant, User
from domain.privacy.models import AccessGrant


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


async def load_user_principal(user: User) -> Principal:
    """Load the roles (and, for support agents, open access grants) of a signed-in user."""
    memberships = await Membership.filter(user_id=user.id).values_list("organization_id", "role")
    roles = await PlatformRoleGrant.filter(user_id=user.id).values_list("role", flat=True)
    platform = frozenset(PlatformRole(r) for r in cast(list[str], roles))  # flat: not tuples
    reasons: dict[tuple[str, int], str] = {}
    if PlatformRole.SUPPORT_AGENT in platform:
        rows = (
            await AccessGrant.filter(
                grantee_id=user.id, revoked_at=None, expires_at__gt=datetime.now(UTC)
            )
            .order_by("id")
            .values_list("subject_kind", "subject_id", "justification")
        )
        reasons = {(str(kind), subject_id): why for kind, subject_id, why in rows}
    return Principal(
        kind="user",
        user_id=user.id,
        org_roles={org_id: OrgRole(role) for org_id, role in memberships},
        platform_roles=platform,
        grants=frozenset(reasons),
        grant_reasons=reasons,
    )
