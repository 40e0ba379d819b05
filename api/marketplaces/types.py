"""GraphQL types for marketplace connections and listings."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.types import Info

from api import ids
from api.node import Node
from domain.marketplaces.models import ConnectionStatus as ConnectionStatusEnum
from domain.marketplaces.models import ListingStatus as ListingStatusEnum
from domain.marketplaces.models import Marketplace as MarketplaceEnum

if TYPE_CHECKING:
    from api.catalog.types import Product

Marketplace = strawberry.enum(MarketplaceEnum, name="Marketplace")
ConnectionStatus = strawberry.enum(ConnectionStatusEnum, name="ConnectionStatus")
ListingStatus = strawberry.enum(ListingStatusEnum, name="ListingStatus")


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
    marketplace: Marketplace  # type: ignore[valid-type]
    seller_id: str
    status: ConnectionStatus  # type: ignore[valid-type]
    created_at: datetime
    connected_at: datetime | None
    disconnected_at: datetime | None

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(ids.encode("MarketplaceConnection", self.id))  # type: ignore[attr-defined]

    @strawberry.field(description="The marketplaces this account sells in.")
    def marketplace_ids(self) -> list[str]:
        settings = self.settings or {}  # type: ignore[attr-defined]
        if "marketplace_id" in settings:
            return [settings["marketplace_id"]]
        return list(settings.get("marketplace_ids", []))

    @strawberry.field(description="Amazon's SP-API region (na, eu, fe); null for eBay.")
    def region(self) -> str | None:
        return (self.settings or {}).get("region")  # type: ignore[attr-defined]

    @strawberry.field(description="The latest performance report pulled from the marketplace.")
    async def report(self, info: Info) -> PerformanceReport | None:
        found = await info.context.loaders.last_report.load(self.id)  # type: ignore[attr-defined]
        if not found:
            return None
        figures = sorted(found["metrics"].items())  # MAX_REPORT_METRICS at most
        metrics = [ReportMetric(name=k, value=v) for k, v in figures]
        return PerformanceReport(kind=found["kind"], metrics=metrics)

    @strawberry.field
    async def sync(self, info: Info) -> MarketplaceSyncStatus:
        counts = await info.context.loaders.sync_counts.load(self.id)  # type: ignore[attr-defined]
        return MarketplaceSyncStatus(
            last_success_at=self.last_success_at,  # type: ignore[attr-defined]
            last_error_at=self.last_error_at,  # type: ignore[attr-defined]
            last_error_code=self.last_error_code,  # type: ignore[attr-defined]
            orders_pulled_until=self.orders_pulled_until,  # type: ignore[attr-defined]
            backlog=counts.get("queued", 0) + counts.get("running", 0),
            failed=counts.get("dead", 0),
        )


@strawberry.type(description="A product published on a marketplace.")
class Listing(Node):
    external_id: str
    price: Decimal
    currency: str
    status: ListingStatus  # type: ignore[valid-type]
    updated_at: datetime

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(ids.encode("Listing", self.id))  # type: ignore[attr-defined]

    @strawberry.field
    async def connection(self, info: Info) -> MarketplaceConnection:
        return await info.context.loaders.connection.load(self.connection_id)  # type: ignore[attr-defined]

    @strawberry.field
    async def product(self, info: Info) -> Annotated[Product, strawberry.lazy("api.catalog.types")]:
        return await info.context.loaders.product.load(self.product_id)  # type: ignore[attr-defined]
