"""GraphQL types for organizations, users and memberships."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from strawberry.types import Info

from api.node import Node
from domain.accounts.auth_models import LoginOutcome
from domain.accounts.auth_models import PartnerToken as PartnerTokenRow
from domain.accounts.models import Membership as MembershipRow
from domain.accounts.models import OrgRole as OrgRoleEnum
from domain.accounts.models import PlatformRole as PlatformRoleEnum
from domain.accounts.models import WebSession as WebSessionRow

strawberry.enum(OrgRoleEnum, name="OrgRole")
OrgRole = OrgRoleEnum
strawberry.enum(PlatformRoleEnum, name="PlatformRole")
PlatformRole = PlatformRoleEnum


@strawberry.type(
    description="A seller: the business whose catalogue, stock and orders are kept here."
)
class Organization(Node):
    legal_name: str
    trade_name: str | None
    gstin: str | None = strawberry.field(description="GST identification number (15 characters).")
    address_line1: str | None
    address_line2: str | None
    city: str | None
    state: str | None
    postal_code: str | None
    country: str
    created_at: datetime


@strawberry.type(description="A person with a Mandi account.")
class User(Node):
    username: str | None = strawberry.field(description="Public handle used to sign in.")
    email: str | None = strawberry.field(description="Email address.")
    phone: str | None = strawberry.field(description="Phone number, as given.")
    full_name: str | None = strawberry.field(description="Full name.")
    country: str | None = strawberry.field(description="Country, ISO 3166-1 alpha-2.")
    locale: str
    created_at: datetime


@strawberry.type(description="A role held by a user in an organization.")
class Membership:
    role: OrgRole

    @strawberry.field
    async def organization(
        self, root: MembershipRow, info: Info
    ) -> Annotated[Organization, strawberry.lazy("api.accounts.types")]:
        return await info.context.loaders.organization.load(root.organization_id)


@strawberry.type(description="A partner token's public facts; the secret is never shown again.")
class PartnerToken(Node):
    name: str
    prefix: str
    scopes: list[str]
    created_at: datetime
    expires_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None

    @strawberry.field(description="Username of the creator, whose rights bound the token's.")
    async def created_by(self, root: PartnerTokenRow, info: Info) -> User:
        return await info.context.loaders.user.load(root.created_by_id)


@strawberry.type(description="One of your signed-in browsers.")
class WebSession(Node):
    ip: str | None = strawberry.field(description="The client's IP address.")
    user_agent: str | None = strawberry.field(description="The client's User-Agent.")
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime

    @strawberry.field(description="True for the session making this request.")
    def current(self, root: WebSessionRow, info: Info) -> bool:
        return root.id == info.context.session_id


strawberry.enum(LoginOutcome, name="LoginOutcome")
LoginOutcomeEnum = LoginOutcome


@strawberry.type(description="A sign-in attempt on your account.")
class LoginEvent:
    outcome: LoginOutcomeEnum
    ip: str | None = strawberry.field(description="The client's IP address.")
    user_agent: str | None = strawberry.field(description="The client's User-Agent.")
    created_at: datetime
