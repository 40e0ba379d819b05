"""Mutations: marketplaceConnect, marketplaceDisconnect."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from api.access import authorize, get_readable
from api.errors import MutationError
from api.marketplaces.types import Marketplace, MarketplaceConnection
from api.payloads import payload
from domain.accounts.models import Organization
from domain.marketplaces import connections, models


@strawberry.input(
    description="A seller account to connect. Amazon: the Login with Amazon refresh token, "
    "the selling partner id, its marketplace ids and the SP-API region (na, eu, fe). eBay: the "
    "OAuth refresh token of the seller's user token, the seller's user name and one marketplace "
    "id (EBAY_US...)."
)
class MarketplaceConnectInput:
    organization_id: strawberry.ID
    marketplace: Marketplace
    seller_id: str
    refresh_token: str = strawberry.field(description="Stored sealed; never shown again.")
    marketplace_ids: list[str]
    region: str | None = None


@strawberry.type
class MarketplaceConnectionPayload:
    connection: MarketplaceConnection | None
    errors: list[MutationError]


@strawberry.type
class MarketplaceMutations:
    @strawberry.mutation(
        description="Connect a seller account (checked with the marketplace first: "
        "MARKETPLACE_REFUSED or MARKETPLACE_UNAVAILABLE). Needs a recent sign-in."
    )
    @payload(MarketplaceConnectionPayload)
    async def marketplace_connect(
        self, info: Info, input: MarketplaceConnectInput
    ) -> models.MarketplaceConnection:
        ctx = info.context
        ctx.require_step_up()
        org = await get_readable(ctx, Organization, input.organization_id, field="organizationId")
        draft = models.MarketplaceConnection(organization_id=org.id)
        authorize(ctx, "connect", draft, planned=True)
        connection = await connections.connect(
            organization_id=org.id,
            request=connections.ConnectRequest(
                marketplace=models.Marketplace(input.marketplace),
                seller_id=input.seller_id,
                refresh_token=input.refresh_token,
                marketplace_ids=input.marketplace_ids[:50],
                region=input.region,
            ),
            actor_id=ctx.principal.user_id,
        )
        ctx.audit.note(
            "marketplace.connect",
            "MarketplaceConnection",
            connection.id,
            fields=["credentials_encrypted"],
            organization_id=org.id,
        )
        return connection

    @strawberry.mutation(
        description="Disconnect: the stored credentials are deleted and queued syncs cancelled. "
        "Needs a recent sign-in (STEP_UP_REQUIRED)."
    )
    @payload(MarketplaceConnectionPayload)
    async def marketplace_disconnect(
        self, info: Info, id: strawberry.ID
    ) -> models.MarketplaceConnection:
        ctx = info.context
        ctx.require_step_up()
        connection = await get_readable(ctx, models.MarketplaceConnection, id)
        authorize(ctx, "disconnect", connection)
        connection = await connections.disconnect(connection=connection)
        ctx.audit.note(
            "marketplace.disconnect",
            "MarketplaceConnection",
            connection.id,
            fields=["credentials_encrypted"],
            organization_id=connection.organization_id,
        )
        return connection
