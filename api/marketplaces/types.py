"""GraphQL types for marketplace connections and listings."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.types import Info

from api.node import Node
from domain.marketplaces.models import ConnectionStatus as ConnectionStatusEnum
from domain.marketplaces.models import Listing as ListingRow
from domain.marketplaces.models import ListingStatus as ListingStatusEnum
from domain.marketplaces.models import Marketplace as MarketplaceEnum
from domain.marketplaces.models import MarketplaceConnection as MarketplaceConnectionRow

if TYPE_CHECKING:
    from api.catalog.types import Product

strawberry.enum(MarketplaceEnum, name="Marketplace")
Marketplace = MarketplaceEnum
strawberry.enum(ConnectionStatusEnum, name="ConnectionStatus")
ConnectionStatus = ConnectionStatusEnum
strawberry.enum(ListingStatusEnum, name="ListingStatus")
ListingStatus = ListingStatusEnum


@strawberry.type(description="One figure of a performance report (holds no model).")
class ReportMetric:
    name: str
    value: str


@strawberry.type(description="A marketplace's performance report (holds no model).")
class PerformanceReport:
    kind: str
    metrics: list[ReportMetric]


@strawberry.type(description="How a connection's sync is doing (holds no model of its own).")
class MarketplaceSyncStatus:
    last_success_at: datetime | None
    last_error_at: datetime | None
    last_error_code: str | None = strawberry.field(
        description="THROTTLED, UNAVAILABLE, AUTH_FAILED, MALFORMED_RESPONSE, REJECTED..."
    )
    orders_pulled_until: datetime | None
    backlog: int = strawberry.field(description="Sync jobs queued or running.")
    failed: int = strawberry.field(description="Sync jobs that gave up.")


@strawberry.type(
    description="A seller account on a marketplace, connected to Mandi. Its credentials are "
    "never shown."
)
class MarketplaceConnection(Node):
    marketplace: Marketplace
    seller_id: str
    status: ConnectionStatus
    created_at: datetime
    connected_at: datetime | None
    disconnected_at: datetime | None

    @strawberry.field(description="The marketplaces this account sells in.")
    def marketplace_ids(self, root: MarketplaceConnectionRow) -> list[str]:
        settings = root.settings or {}
        if "marketplace_id" in settings:
            return [settings["marketplace_id"]]
        return list(settings.get("marketplace_ids", []))

    @strawberry.field(description="Amazon's SP-API region (na, eu, fe); null for eBay.")
    def region(self, root: MarketplaceConnectionRow) -> str | None:
        return (root.settings or {}).get("region")

    @strawberry.field(description="The latest performance report pulled from the marketplace.")
    async def report(self, root: MarketplaceConnectionRow, info: Info) -> PerformanceReport | None:
        found = await info.context.loaders.last_report.load(root.id)
        if not found:
            return None
        figures = sorted(found["metrics"].items())  # MAX_REPORT_METRICS at most
        metrics = [ReportMetric(name=k, value=v) for k, v in figures]
        return PerformanceReport(kind=found["kind"], metrics=metrics)

    @strawberry.field
    async def sync(self, root: MarketplaceConnectionRow, info: Info) -> MarketplaceSyncStatus:
        counts = await info.context.loaders.sync_counts.load(root.id)
        return MarketplaceSyncStatus(
            last_success_at=root.last_success_at,
            last_error_at=root.last_error_at,
            last_error_code=root.last_error_code,
            orders_pulled_until=root.orders_pulled_until,
            backlog=counts.get("queued", 0) + counts.get("running", 0),
            failed=counts.get("dead", 0),
        )


@strawberry.type(description="A product published on a marketplace.")
class Listing(Node):
    external_id: str
    price: Decimal
    currency: str
    status: ListingStatus
    updated_at: datetime

    @strawberry.field
    async def connection(self, root: ListingRow, info: Info) -> MarketplaceConnection:
        return await info.context.loaders.connection.load(root.connection_id)

    @strawberry.field
    async def product(
        self, root: ListingRow, info: Info
    ) -> Annotated[Product, strawberry.lazy("api.catalog.types")]:
        return await info.context.loaders.product.load(root.product_id)
