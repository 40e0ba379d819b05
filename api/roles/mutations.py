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
from api.access import authorize, get_readable, record_missing, record_refusal
from api.accounts.types import OrgRole, PlatformRole
from api.accounts.user_mutations import note_revoked_tokens
from api.context import RequestContext
from api.errors import MutationError
from api.payloads import payload
from api.roles.types import OrganizationMember, PlatformRoleAssignment
from domain.accounts import roles
from domain.accounts.models import Membership, Organization, PlatformRoleGrant, User
from domain.errors import Conflict, NotFound

_ABOVE_OWN = "you may give or take only roles up to your own"
_OWN_ROLES = "nobody changes their own roles"


@strawberry.input(description="Name the user by userId or by username (exactly one).")
class OrganizationRoleGrantInput:
    organization_id: strawberry.ID
    role: OrgRole
    user_id: strawberry.ID | None = None
    username: str | None = None


@strawberry.input(description="Name the user by userId or by username (exactly one).")
class OrganizationRoleRevokeInput:
    organization_id: strawberry.ID
    user_id: strawberry.ID | None = None
    username: str | None = None


@strawberry.input(description="Name the user by userId or by username (exactly one).")
class PlatformRoleInput:
    role: PlatformRole
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


def note_role_change(
    ctx: RequestContext,
    action: str,
    resource_type: str,
    resource_id: int,
    role: object,
    user_id: int,
    organization_id: int | None = None,
    justification: str | None = None,
) -> None:
    """An authorization change for the audit log: which role, whose, where (and why, when it
    was not the actor's own choice, e.g. an erasure)."""
    ctx.audit.note(
        action,
        resource_type,
        resource_id,
        fields=[str(getattr(role, "value", role))],
        subject=f"user:{user_id}",
        organization_id=organization_id,
        justification=justification,
    )


async def _target(ctx: RequestContext, user_id: str | None, username: str | None) -> User:
    try:  # a malformed id is a miss like one that names no user, noted too
        pk = ids.decode(user_id, "User", field="userId") if user_id is not None else None
        return await roles.find_user(user_id=pk, username=username)
    except NotFound as missing:
        raise record_missing(ctx, User, missing.field or "userId") from None


async def _member(ctx: RequestContext, org: Organization, input: Any) -> tuple[User, Membership]:
    """The user to take a role from and their membership; one answer, "Membership not found",
    whether the user does not exist or is no member (no one learns which usernames exist)."""
    try:
        user = await _target(ctx, input.user_id, input.username)
    except NotFound:
        raise NotFound("Membership", field="userId") from None
    current = await roles.membership_of(organization_id=org.id, user_id=user.id)
    if current is None:
        raise record_missing(ctx, Membership, "userId")
    return user, current


def _may(ctx: RequestContext, action: str, obj: Any, user: User, field: str) -> None:
    """The policy's decision on a role change, with the reason it most likely gives."""
    message = _OWN_ROLES if user.id == ctx.principal.user_id else _ABOVE_OWN
    authorize(ctx, action, obj, message=message, field=field, planned=True)


def _administers_platform_roles(ctx: RequestContext, action: str, role: Any) -> None:
    """Whether the caller gives or takes platform roles at all, asked before naming anyone."""
    anyone = PlatformRoleGrant(user_id=0, role=role)
    message = "only platform admins give or take platform roles"
    authorize(ctx, action, anyone, message=message, field="role", planned=True)


@strawberry.type
class RoleMutations:
    @strawberry.mutation(
        description="Give a user a role in an organization (replacing the one they "
        "hold), up to your own; never yourself."
    )
    @payload(OrganizationMemberPayload)
    async def organization_role_grant(
        self, info: Info, input: OrganizationRoleGrantInput
    ) -> Membership:
        ctx = info.context
        ctx.require_step_up()
        org = await get_readable(ctx, Organization, input.organization_id, field="organizationId")
        authorize(ctx, "manage_roles", org)
        user = await _target(ctx, input.user_id, input.username)
        current = await roles.membership_of(organization_id=org.id, user_id=user.id)
        if current is not None:
            _may(ctx, "delete", current, user, "userId")
        planned = Membership(organization_id=org.id, user_id=user.id, role=input.role)
        _may(ctx, "create", planned, user, "role")
        try:
            member, stale = await roles.set_org_role(
                organization_id=org.id, user=user, role=input.role
            )
        except roles.LastOwner:
            record_refusal(ctx, "delete", current)
            raise
        except Conflict:  # the user joined at the same moment, through another request
            record_refusal(ctx, "create", planned)
            raise
        note_role_change(ctx, "role.grant", "Membership", member.id, input.role, user.id, org.id)
        note_revoked_tokens(ctx, user.id, stale, reason="organizationRoleGrant")
        return member

    @strawberry.mutation(
        description="Take a user's role in an organization; never your own, never the last owner's."
    )
    @payload(OrganizationMemberPayload)
    async def organization_role_revoke(
        self, info: Info, input: OrganizationRoleRevokeInput
    ) -> Membership:
        ctx = info.context
        ctx.require_step_up()
        org = await get_readable(ctx, Organization, input.organization_id, field="organizationId")
        authorize(ctx, "manage_roles", org)
        user, current = await _member(ctx, org, input)
        _may(ctx, "delete", current, user, "userId")
        try:
            revoked = await roles.remove_org_role(membership=current)
        except roles.LastOwner:
            record_refusal(ctx, "delete", current)
            raise
        except NotFound:  # removed at the same moment, through another request
            record_refusal(ctx, "delete", current)
            raise
        note_role_change(
            ctx, "role.revoke", "Membership", current.id, current.role, user.id, org.id
        )
        note_revoked_tokens(ctx, user.id, revoked, reason="organizationRoleRevoke")
        return current

    @strawberry.mutation(description="Give a user a platform role; never yourself.")
    @payload(PlatformRolePayload)
    async def platform_role_grant(self, info: Info, input: PlatformRoleInput) -> PlatformRoleGrant:
        ctx = info.context
        ctx.require_step_up()
        _administers_platform_roles(ctx, "create", input.role)
        user = await _target(ctx, input.user_id, input.username)
        _may(ctx, "create", PlatformRoleGrant(user_id=user.id, role=input.role), user, "userId")
        assignment = await roles.grant_platform_role(
            user=user, role=input.role, granted_by_id=ctx.principal.user_id
        )
        note_role_change(
            ctx, "platform_role.grant", "PlatformRoleGrant", assignment.id, input.role, user.id
        )
        return assignment

    @strawberry.mutation(description="Take a user's platform role; never your own.")
    @payload(PlatformRolePayload)
    async def platform_role_revoke(self, info: Info, input: PlatformRoleInput) -> PlatformRoleGrant:
        ctx = info.context
        ctx.require_step_up()
        _administers_platform_roles(ctx, "delete", input.role)
        user = await _target(ctx, input.user_id, input.username)
        grant = await roles.platform_role_of(user_id=user.id, role=input.role)
        if grant is None:
            raise NotFound("PlatformRoleGrant", field="role")
        _may(ctx, "delete", grant, user, "userId")
        await roles.revoke_platform_role(grant=grant)
        note_role_change(
            ctx, "platform_role.revoke", "PlatformRoleGrant", grant.id, input.role, user.id
        )
        return grant
