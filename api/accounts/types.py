"""GraphQL types for organizations, users and memberships."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from strawberry.types import Info

from api import ids
from api.node import Node
from domain.accounts.auth_models import LoginOutcome
from domain.accounts.models import OrgRole as OrgRoleEnum
from domain.accounts.models import PlatformRole as PlatformRoleEnum

OrgRole = strawberry.enum(OrgRoleEnum, name="OrgRole")
PlatformRole = strawberry.enum(PlatformRoleEnum, name="PlatformRole")


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

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(ids.encode("Organization", self.id))  # type: ignore[attr-defined]


@strawberry.type(description="A person with a Mandi account.")
class User(Node):
    username: str | None = strawberry.field(description="Public handle used to sign in.")
    email: str | None = strawberry.field(description="Email address.")
    phone: str | None = strawberry.field(description="Phone number, as given.")
    full_name: str | None = strawberry.field(description="Full name.")
    country: str | None = strawberry.field(description="Country, ISO 3166-1 alpha-2.")
    locale: str
    created_at: datetime

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(ids.encode("User", self.id))  # type: ignore[attr-defined]


@strawberry.type(description="A role held by a user in an organization.")
class Membership:
    role: OrgRole  # type: ignore[valid-type]

    @strawberry.field
    async def organization(
        self, info: Info
    ) -> Annotated[Organization, strawberry.lazy("api.accounts.types")]:
        return await info.context.loaders.organization.load(self.organization_id)  # type: ignore[attr-defined]


@strawberry.type(description="A partner token's public facts; the secret is never shown again.")
class PartnerToken(Node):
    name: str
    prefix: str
    scopes: list[str]
    created_at: datetime
    expires_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(ids.encode("PartnerToken", self.id))  # type: ignore[attr-defined]

    @strawberry.field(description="Username of the creator, whose rights bound the token's.")
    async def created_by(self, info: Info) -> User:
        return await info.context.loaders.user.load(self.created_by_id)  # type: ignore[attr-defined]


@strawberry.type(description="One of your signed-in browsers.")
class WebSession(Node):
    ip: str | None = strawberry.field(description="The client's IP address.")
    user_agent: str | None = strawberry.field(description="The client's User-Agent.")
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(ids.encode("Session", self.id))  # type: ignore[attr-defined]

    @strawberry.field(description="True for the session making this request.")
    def current(self, info: Info) -> bool:
        return self.id == info.context.session_id  # type: ignore[attr-defined]


LoginOutcomeEnum = strawberry.enum(LoginOutcome, name="LoginOutcome")


@strawberry.type(description="A sign-in attempt on your account.")
class LoginEvent:
    outcome: LoginOutcomeEnum  # type: ignore[valid-type]
    ip: str | None = strawberry.field(description="The client's IP address.")
    user_agent: str | None = strawberry.field(description="The client's User-Agent.")
    created_at: datetime
