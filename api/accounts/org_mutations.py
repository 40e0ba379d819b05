"""Mutations: organizationCreate, organizationUpdate."""

from __future__ import annotations

import strawberry
from strawberry.types import Info
from tortoise.transactions import in_transaction

from api.access import authorize, authorize_fields, get_readable, record_write
from api.accounts.types import Organization
from api.errors import MutationError
from api.payloads import payload
from authz.resources import PLATFORM
from domain.accounts import models, services


@strawberry.input
class OrganizationCreateInput:
    legal_name: str
    trade_name: str | None = None
    gstin: str | None = None
    address_line1: str | None = None
    address_line2: str | None = None
    city: str | None = None
    state: str | None = None
    postal_code: str | None = None
    country: str = "IN"


@strawberry.input(description="Only the fields given are changed; an empty string clears one.")
class OrganizationUpdateInput:
    id: strawberry.ID
    legal_name: str | None = strawberry.UNSET
    trade_name: str | None = strawberry.UNSET
    gstin: str | None = strawberry.UNSET
    address_line1: str | None = strawberry.UNSET
    address_line2: str | None = strawberry.UNSET
    city: str | None = strawberry.UNSET
    state: str | None = strawberry.UNSET
    postal_code: str | None = strawberry.UNSET
    country: str | None = strawberry.UNSET


@strawberry.type
class OrganizationPayload:
    organization: Organization | None
    errors: list[MutationError]


_UPDATABLE = (
    "legal_name",
    "trade_name",
    "gstin",
    "address_line1",
    "address_line2",
    "city",
    "state",
    "postal_code",
    "country",
)


@strawberry.type
class OrganizationMutations:
    @strawberry.mutation(description="Create a seller organization; you become its owner.")
    @payload(OrganizationPayload)
    async def organization_create(
        self, info: Info, input: OrganizationCreateInput
    ) -> models.Organization:
        ctx = info.context
        principal = ctx.require_user()
        authorize(ctx, "create_organization", PLATFORM, planned=True)
        async with in_transaction():
            org = await services.create_organization(**vars(input))
            await models.Membership.create(
                user_id=principal.user_id, organization=org, role=models.OrgRole.OWNER
            )
        ctx.grant_role(org.id, models.OrgRole.OWNER)
        given = [name for name, value in vars(input).items() if value is not None]
        record_write(ctx, org, given, action="create")
        return org

    @strawberry.mutation(description="Change an organization; a GSTIN is taken like a new one.")
    @payload(OrganizationPayload)
    async def organization_update(
        self, info: Info, input: OrganizationUpdateInput
    ) -> models.Organization:
        org = await get_readable(info.context, models.Organization, input.id)
        authorize(info.context, "update", org)
        changes = {
            name: getattr(input, name)
            for name in _UPDATABLE
            if getattr(input, name) is not strawberry.UNSET
        }
        authorize_fields(info.context, "update", org, changes)
        before = {name: getattr(org, name) for name in changes}
        updated = await services.update_organization(organization=org, changes=changes)
        changed = [name for name, value in before.items() if getattr(updated, name) != value]
        record_write(info.context, updated, changed)
        return updated
