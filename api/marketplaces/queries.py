"""Queries over marketplace connections and listings."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from api.access import get_readable, get_subject, readable
from api.marketplaces.sync_types import Disclosure, SyncJob
from api.marketplaces.types import Listing, MarketplaceConnection
from api.pagination import Connection, paginate
from domain.marketplaces import disclosure_models, models, sync_models
from domain.orders.models import Customer


@strawberry.type
class MarketplaceQueries:
    @strawberry.field(description="Marketplace seller accounts you may see, newest first.")
    async def marketplace_connections(
        self,
        info: Info,
        organization_id: strawberry.ID | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[MarketplaceConnection] | None:
        query = readable(info.context, models.MarketplaceConnection, organization_id)
        return await paginate(query, first=first, after=after)

    @strawberry.field
    async def listings(
        self,
        info: Info,
        organization_id: strawberry.ID | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Listing] | None:
        query = readable(info.context, models.Listing, organization_id)
        return await paginate(query, first=first, after=after)

    @strawberry.field(description="A connection's sync jobs, newest first.")
    async def sync_jobs(
        self,
        info: Info,
        connection_id: strawberry.ID,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[SyncJob] | None:
        connection = await get_readable(
            info.context, models.MarketplaceConnection, connection_id, field="connectionId"
        )
        query = readable(info.context, sync_models.SyncJob).filter(connection_id=connection.id)
        return await paginate(query, first=first, after=after)

    @strawberry.field(
        description="The disclosure log: what personal data was shared with which marketplace, "
        "newest first; optionally of one organization or one customer."
    )
    async def disclosures(
        self,
        info: Info,
        organization_id: strawberry.ID | None = None,
        customer_id: strawberry.ID | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Disclosure] | None:
        query = readable(info.context, disclosure_models.Disclosure, organization_id)
        if customer_id is not None:
            customer = await get_subject(
                info.context, Customer, customer_id, field="customerId", listed=_disclosed
            )
            query = query.filter(subject_kind="customer", subject_id=customer.id)
        return await paginate(query, first=first, after=after)


def _disclosed(customer: Customer) -> disclosure_models.Disclosure:
    """A share of ``customer``'s data, as the policy decides on one (who may read the log)."""
    return disclosure_models.Disclosure(
        organization_id=customer.organization_id, subject_kind="customer", subject_id=customer.id
    )
