"""Giving and taking organization and platform roles.

Who may do it is the policy's decision (authz/policies/accounts.polar), asked by the caller
before these run. What only the database knows is checked here: the target exists, and an
organization keeps at least one owner (the owner rows are locked while counting, so two owners
cannot remove each other at the same moment).
"""

from __future__ import annotations

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from domain.accounts.models import (
    Membership,
    OrgRole,
    PlatformRole,
    PlatformRoleGrant,
    User,
    UserStatus,
)
from domain.accounts.tokens import revoke_created_by
from domain.crypto.fields import lookup
from domain.errors import Conflict, NotFound, ValidationFailed


class LastOwner(Conflict):
    """An organization must keep at least one owner."""

    def __init__(self, field: str) -> None:
        super().__init__("an organization needs at least one owner", field=field)


async def find_user(*, user_id: int | None = None, username: str | None = None) -> User:
    """The user named by id or username (exactly one of them), else NotFound. A pending sign-up
    is no account yet: found, it would tell a sign-up with a new address (which makes one) from
    one with a registered address, and it would join an organization before its mailbox's owner
    confirmed it."""
    if (user_id is None) == (username is None):
        raise ValidationFailed("give either a user id or a username", field="userId")
    accounts = User.exclude(status=UserStatus.PENDING)
    if user_id is not None:
        user = await accounts.filter(id=user_id).first()
    else:
        index = lookup(User, "username", (username or "").strip().lower()[:40])
        user = await accounts.filter(username_index=index).first()
    if user is None:
        raise NotFound("User", field="userId" if user_id is not None else "username")
    return user


async def membership_of(*, organization_id: int, user_id: int) -> Membership | None:
    return await Membership.filter(organization_id=organization_id, user_id=user_id).first()


async def _other_owners(organization_id: int, user_id: int) -> int:
    """Owners of the organization besides ``user_id``, with their rows locked (PostgreSQL).

    Whole rows, not ``values_list``: Tortoise drops FOR UPDATE from a values query, and two
    owners removing each other at once would both see the other still there.
    """
    owners = await Membership.filter(
        organization_id=organization_id, role=OrgRole.OWNER
    ).select_for_update()
    return sum(1 for owner in owners if owner.user_id != user_id)


async def set_org_role(
    *, organization_id: int, user: User, role: OrgRole
) -> tuple[Membership, list[tuple[int, int]]]:
    """Make ``user`` hold ``role`` in the organization (joining it if needed); returns the
    membership and the tokens revoked (id, organization id), for the audit log.

    Joining revokes any live token the user made in an earlier membership of the organization
    (one a removal did not see, or made before removals revoked tokens): a role given back
    never revives it. Refuses (CONFLICT) to turn the last owner into anything else.
    """
    async with in_transaction():
        current = await membership_of(organization_id=organization_id, user_id=user.id)
        if current is None:
            try:
                joined = await Membership.create(
                    organization_id=organization_id, user=user, role=role
                )
            except IntegrityError:
                raise Conflict("this user just joined; try again", field="userId") from None
            return joined, await revoke_created_by(user.id, organization_id=organization_id)
        if current.role == role:
            return current, []
        if current.role == OrgRole.OWNER and not await _other_owners(organization_id, user.id):
            raise LastOwner(field="role")
        current.role = role
        await current.save(update_fields=["role"])
        return current, []


async def remove_org_role(*, membership: Membership) -> list[tuple[int, int]]:
    """Take the user's role (and so their membership), and revoke the partner tokens they made
    for the organization (returned as (id, organization id) for the audit log). Refuses for the
    last owner."""
    async with in_transaction():
        if membership.role == OrgRole.OWNER and not await _other_owners(
            membership.organization_id, membership.user_id
        ):
            raise LastOwner(field="userId")
        # Locked and counted: of two removals at once, the second finds no membership left.
        if await Membership.filter(id=membership.id).select_for_update().first() is None:
            raise NotFound("Membership", field="userId")
        await Membership.filter(id=membership.id).delete()
        return await revoke_created_by(
            membership.user_id, organization_id=membership.organization_id
        )


async def grant_platform_role(
    *, user: User, role: PlatformRole, granted_by_id: int | None
) -> PlatformRoleGrant:
    try:
        return await PlatformRoleGrant.create(user=user, role=role, granted_by_id=granted_by_id)
    except IntegrityError:
        raise Conflict("the user already holds this platform role", field="role") from None


async def platform_role_of(*, user_id: int, role: PlatformRole) -> PlatformRoleGrant | None:
    return await PlatformRoleGrant.filter(user_id=user_id, role=role).first()


async def revoke_platform_role(*, grant: PlatformRoleGrant) -> None:
    await PlatformRoleGrant.filter(id=grant.id).delete()
