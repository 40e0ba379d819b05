"""Queries: who am I, and the organizations I belong to."""

from __future__ import annotations

import strawberry
from strawberry.types import Info
from tortoise.expressions import Q

from api.access import authorize, get_readable, readable
from api.accounts.types import (
    LoginEvent,
    Membership,
    Organization,
    PartnerToken,
    PlatformRole,
    User,
    WebSession,
)
from api.audit.types import DataAccess, data_access
from api.pagination import Connection, page_size, paginate
from audit.models import AuditEntry
from domain.accounts import models, sessions
from domain.accounts.auth_models import LoginEvent as LoginEventModel
from domain.accounts.auth_models import PartnerToken as PartnerTokenModel


@strawberry.type(description="The signed-in user, their memberships and platform roles.")
class Viewer:
    user: User
    memberships: list[Membership]
    platform_roles: list[PlatformRole]  # type: ignore[valid-type]
    mfa_enabled: bool

    @strawberry.field(description="Your live sessions, most recently used first.")
    async def sessions(self, info: Info) -> list[WebSession]:
        info.context.require_session()
        return await sessions.list_sessions(user_id=self.user.id)  # type: ignore[return-value, attr-defined]

    @strawberry.field(
        description="Who accessed your personal data, newest first (at most 100): when, what "
        "kind of actor, for which organization, which fields and why."
    )
    async def data_access_log(self, info: Info, first: int = 20) -> list[DataAccess]:
        ctx = info.context
        ctx.require_session()
        me = self.user.id  # type: ignore[attr-defined]
        ctx.audit.note("audit.read", "AuditEntry", subject=f"user:{me}", fields=["subject"])
        rows = (
            await AuditEntry.filter(Q(subject=f"user:{me}") & ~Q(actor_type="user", actor_id=me))
            .order_by("-seq")
            .limit(page_size(first))
        )
        return [data_access(row) for row in rows]

    @strawberry.field(description="Your latest sign-in attempts (at most 100).")
    async def login_history(self, info: Info, first: int = 20) -> list[LoginEvent]:
        info.context.require_session()
        limit = page_size(first)
        query = LoginEventModel.filter(user_id=self.user.id).order_by("-id").limit(limit)  # type: ignore[attr-defined]
        return await query  # type: ignore[return-value]


@strawberry.type
class AccountQueries:
    @strawberry.field(description="The signed-in user; null when not signed in.")
    async def viewer(self, info: Info) -> Viewer | None:
        principal = info.context.principal
        if not principal.is_authenticated:
            return None
        user = await models.User.get(id=principal.user_id)
        memberships = await models.Membership.filter(user_id=user.id).order_by("id").limit(200)
        return Viewer(
            user=user,  # type: ignore[arg-type]
            memberships=memberships,  # type: ignore[arg-type]
            platform_roles=sorted(principal.platform_roles),
            mfa_enabled=user.mfa_enabled_at is not None,
        )

    @strawberry.field
    async def organization(self, info: Info, id: strawberry.ID) -> Organization | None:
        return await get_readable(info.context, models.Organization, id)  # type: ignore[return-value]

    @strawberry.field(description="An organization's partner tokens. Needs owner or admin.")
    async def partner_tokens(
        self, info: Info, organization_id: strawberry.ID
    ) -> list[PartnerToken] | None:
        ctx = info.context
        org = await get_readable(ctx, models.Organization, organization_id, field="organizationId")
        authorize(ctx, "manage_tokens", org)
        query = PartnerTokenModel.filter(organization_id=org.id).order_by("-id").limit(200)
        return await query  # type: ignore[return-value]

    @strawberry.field
    async def organizations(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[Organization] | None:
        return await paginate(readable(info.context, models.Organization), first=first, after=after)
