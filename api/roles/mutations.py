"""Mutations: organizationRoleGrant/Revoke, platformRoleGrant/Revoke.

Owners and admins give and take organization roles up to their own; platform admins give and
take platform roles; nobody changes their own roles; an organization keeps at least one owner.
Each needs a recent sign-in (step-up), never a partner token.
"""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.types import Info

from api import ids
from api.access import Forbidden, authorize, get_readable
from api.accounts.types import OrgRole, PlatformRole
from api.context import RequestContext
from api.errors import MutationError
from api.payloads import attempt
from api.roles.types import OrganizationMember, PlatformRoleAssignment
from domain.accounts import roles
from domain.accounts.models import Membership, Organization, PlatformRoleGrant, User
from domain.errors import NotFound

_ABOVE_OWN = "you may give or take only roles up to your own"
_OWN_ROLES = "nobody changes their own roles"


@strawberry.input(description="Name the user by userId or by username (exactly one).")
class OrganizationRoleGrantInput:
    organization_id: strawberry.ID
    role: OrgRole  # type: ignore[valid-type]
    user_id: strawberry.ID | None = None
    username: str | None = None


@strawberry.input(description="Name the user by userId or by username (exactly one).")
class OrganizationRoleRevokeInput:
    organization_id: strawberry.ID
    user_id: strawberry.ID | None = None
    username: str | None = None


@strawberry.input(description="Name the user by userId or by username (exactly one).")
class PlatformRoleInput:
    role: PlatformRole  # type: ignore[valid-type]
    user_id: strawberry.ID | None = None
    username: str | None = None


@strawberry.type
class OrganizationMemberPayload:
    member: OrganizationMember | None
    errors: list[MutationError]


@strawberry.type
class PlatformRolePayload:
    assignment: PlatformRoleAssignment | None
    errors: list[MutationError]


def _note(
    ctx: RequestContext,
    action: str,
    resource_type: str,
    resource_id: int,
    role: object,
    user_id: int,
    organization_id: int | None = None,
) -> None:
    """An authorization change for the audit log: which role, whose, where."""
    ctx.audit.note(
        action,
        resource_type,
        resource_id,
        fields=[str(getattr(role, "value", role))],
        subject=f"user:{user_id}",
        organization_id=organization_id,
    )


async def _target(ctx: RequestContext, user_id: str | None, username: str | None) -> User:
    pk = ids.decode(user_id, "User", field="userId") if user_id is not None else None
    user = await roles.find_user(user_id=pk, username=username)
    if user.id == ctx.principal.user_id:
        raise Forbidden(_OWN_ROLES, field="userId")
    return user


def _require(ctx: RequestContext, action: str, obj: Any, message: str, field: str) -> None:
    if not ctx.guard.decisions.allows(action, obj):
        raise Forbidden(message, field=field)


@strawberry.type
class RoleMutations:
    @strawberry.mutation(description="Give a user a role in an organization (owners, admins).")
    async def organization_role_grant(
        self, info: Info, input: OrganizationRoleGrantInput
    ) -> OrganizationMemberPayload:
        async def run() -> Membership:
            ctx = info.context
            ctx.require_step_up()
            org = await get_readable(
                ctx, Organization, input.organization_id, field="organizationId"
            )
            authorize(ctx, "manage_roles", org)
            user = await _target(ctx, input.user_id, input.username)
            current = await roles.membership_of(organization_id=org.id, user_id=user.id)
            if current is not None:
                _require(ctx, "delete", current, _ABOVE_OWN, "userId")
            planned = Membership(organization_id=org.id, user_id=user.id, role=input.role)
            _require(ctx, "create", planned, _ABOVE_OWN, "role")
            member = await roles.set_org_role(organization_id=org.id, user=user, role=input.role)
            _note(ctx, "role.grant", "Membership", member.id, input.role, user.id, org.id)
            return member

        member, errors = await attempt(run)
        return OrganizationMemberPayload(member=member, errors=errors)  # type: ignore[arg-type]

    @strawberry.mutation(description="Take a user's role in an organization (owners, admins).")
    async def organization_role_revoke(
        self, info: Info, input: OrganizationRoleRevokeInput
    ) -> OrganizationMemberPayload:
        async def run() -> Membership:
            ctx = info.context
            ctx.require_step_up()
            org = await get_readable(
                ctx, Organization, input.organization_id, field="organizationId"
            )
            authorize(ctx, "manage_roles", org)
            user = await _target(ctx, input.user_id, input.username)
            current = await roles.membership_of(organization_id=org.id, user_id=user.id)
            if current is None:
                raise NotFound("Membership", field="userId")
            _require(ctx, "delete", current, _ABOVE_OWN, "userId")
            await roles.remove_org_role(membership=current)
            _note(ctx, "role.revoke", "Membership", current.id, current.role, user.id, org.id)
            return current

        member, errors = await attempt(run)
        return OrganizationMemberPayload(member=member, errors=errors)  # type: ignore[arg-type]

    @strawberry.mutation(description="Give a user a platform role (platform admins).")
    async def platform_role_grant(
        self, info: Info, input: PlatformRoleInput
    ) -> PlatformRolePayload:
        async def run() -> PlatformRoleGrant:
            ctx = info.context
            ctx.require_step_up()
            # first whether the caller administers platform roles at all, before naming anyone
            anyone = PlatformRoleGrant(user_id=0, role=input.role)
            _require(ctx, "create", anyone, "only platform admins give platform roles", "role")
            user = await _target(ctx, input.user_id, input.username)
            planned = PlatformRoleGrant(user_id=user.id, role=input.role)
            _require(ctx, "create", planned, _OWN_ROLES, "userId")
            assignment = await roles.grant_platform_role(
                user=user, role=input.role, granted_by_id=ctx.principal.user_id
            )
            _note(
                ctx, "platform_role.grant", "PlatformRoleGrant", assignment.id, input.role, user.id
            )
            return assignment

        assignment, errors = await attempt(run)
        return PlatformRolePayload(assignment=assignment, errors=errors)  # type: ignore[arg-type]

    @strawberry.mutation(description="Take a user's platform role (platform admins).")
    async def platform_role_revoke(
        self, info: Info, input: PlatformRoleInput
    ) -> PlatformRolePayload:
        async def run() -> PlatformRoleGrant:
            ctx = info.context
            ctx.require_step_up()
            anyone = PlatformRoleGrant(user_id=0, role=input.role)
            _require(ctx, "delete", anyone, "only platform admins take platform roles", "role")
            user = await _target(ctx, input.user_id, input.username)
            grant = await roles.platform_role_of(user_id=user.id, role=input.role)
            if grant is None:
                raise NotFound("PlatformRoleGrant", field="role")
            _require(ctx, "delete", grant, _OWN_ROLES, "userId")
            await roles.revoke_platform_role(grant=grant)
            _note(ctx, "platform_role.revoke", "PlatformRoleGrant", grant.id, input.role, user.id)
            return grant

        assignment, errors = await attempt(run)
        return PlatformRolePayload(assignment=assignment, errors=errors)  # type: ignore[arg-type]
