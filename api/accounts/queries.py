"""Queries: who am I, and the organizations I belong to."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

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
from api.pagination import Connection, Edge, paginate
from audit.models import AuditEntry
from domain.accounts import models, sessions
from domain.accounts.auth_models import LoginEvent as LoginEventModel
from domain.accounts.auth_models import PartnerToken as PartnerTokenModel


@strawberry.enum(description="Who is calling.")
class ViewerKind(Enum):
    USER = "user"
    PARTNER_TOKEN = "token"  # noqa: S105 (a kind of caller, not a secret)


@strawberry.type(
    description="The partner token making this request: its organization, scopes and expiry."
)
class ViewerToken:
    name: str
    prefix: str = strawberry.field(description="The public part of the secret that names it.")
    scopes: list[str] = strawberry.field(description="What it may do, within its creator's role.")
    expires_at: datetime
    organization_id: strawberry.Private[int]

    @strawberry.field(description="The organization the token acts for.")
    async def organization(self, info: Info) -> Organization:
        return await info.context.loaders.organization.load(self.organization_id)


@strawberry.type(
    description="Who is calling: a signed-in user (their user, memberships and platform roles) "
    "or a partner token (`partnerToken`: its organization, scopes and expiry)."
)
class Viewer:
    kind: ViewerKind
    user: User | None = strawberry.field(description="The signed-in user; null for a token.")
    partner_token: ViewerToken | None = strawberry.field(
        description="The calling partner token; null for a user."
    )
    platform_roles: list[PlatformRole] = strawberry.field(description="A user's; none for a token.")
    mfa_enabled: bool = strawberry.field(description="A user's second factor; false for a token.")

    @strawberry.field(
        description="A user's organizations and roles, newest first; none for a token."
    )
    async def memberships(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[Membership] | None:
        if self.user is None:
            query = models.Membership.filter(id__in=[])
        else:
            query = models.Membership.filter(user_id=self.user.id)
        return await paginate(query, first=first, after=after)

    @strawberry.field(
        description="Your live sessions, most recently used first. Null with FORBIDDEN for a "
        "partner token (it has no sessions), and the rest of `viewer` still answers."
    )
    async def sessions(self, info: Info) -> list[WebSession] | None:
        me = info.context.require_session().user_id  # the caller, as self.user
        return await sessions.list_sessions(user_id=me)  # type: ignore[return-value]

    @strawberry.field(
        description="Who accessed your personal data, newest first: when, what kind of actor, "
        "for which organization, which fields and why."
    )
    async def data_access_log(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[DataAccess] | None:
        ctx = info.context
        me = ctx.require_session().user_id  # the caller, as self.user
        ctx.audit.note("audit.read", "AuditEntry", subject=f"user:{me}", fields=["subject"])
        query = AuditEntry.filter(Q(subject=f"user:{me}") & ~Q(actor_type="user", actor_id=me))
        page = await paginate(query, first=first, after=after, node_type="DataAccess")
        page.edges = [Edge(cursor=e.cursor, node=data_access(e.node)) for e in page.edges]
        return page

    @strawberry.field(description="Your sign-in attempts, newest first.")
    async def login_history(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[LoginEvent] | None:
        me = info.context.require_session().user_id  # the caller, as self.user
        query = LoginEventModel.filter(user_id=me)
        return await paginate(query, first=first, after=after)


@strawberry.type
class AccountQueries:
    @strawberry.field(
        description="Who is calling (a user or a partner token); null when not signed in."
    )
    async def viewer(self, info: Info) -> Viewer | None:
        principal = info.context.principal
        if not principal.is_authenticated:
            return None
        if principal.kind == "token":
            token = await PartnerTokenModel.get(id=principal.token_id)
            return Viewer(
                kind=ViewerKind.PARTNER_TOKEN,
                user=None,
                partner_token=ViewerToken(
                    name=token.name,
                    prefix=token.prefix,
                    scopes=list(token.scopes),
                    expires_at=token.expires_at,
                    organization_id=token.organization_id,
                ),
                platform_roles=[],
                mfa_enabled=False,
            )
        user = await models.User.get(id=principal.user_id)
        return Viewer(
            kind=ViewerKind.USER,
            user=user,  # type: ignore[arg-type]
            partner_token=None,
            platform_roles=sorted(principal.platform_roles),
            mfa_enabled=user.mfa_enabled_at is not None,
        )

    @strawberry.field
    async def organization(self, info: Info, id: strawberry.ID) -> Organization | None:
        return await get_readable(info.context, models.Organization, id)  # type: ignore[return-value]

    @strawberry.field(
        description="A user by global id; each personal field answers by its own rule (null "
        "and FORBIDDEN where you may not read it)."
    )
    async def user(self, info: Info, id: strawberry.ID) -> User | None:
        return await get_readable(info.context, models.User, id)  # type: ignore[return-value]

    @strawberry.field(
        description="An organization's partner tokens, newest first (revoked and expired ones too)."
    )
    async def partner_tokens(
        self,
        info: Info,
        organization_id: strawberry.ID,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[PartnerToken] | None:
        ctx = info.context
        org = await get_readable(ctx, models.Organization, organization_id, field="organizationId")
        authorize(ctx, "manage_tokens", org)
        query = PartnerTokenModel.filter(organization_id=org.id)
        return await paginate(query, first=first, after=after)

    @strawberry.field
    async def organizations(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[Organization] | None:
        return await paginate(readable(info.context, models.Organization), first=first, after=after)
