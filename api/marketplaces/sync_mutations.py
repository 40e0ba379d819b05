"""Mutations: marketplaceSyncRequest, listingPublish, shipmentRecord."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import strawberry
from strawberry.types import Info

from api.access import authorize, authorize_fields, get_readable, record_write
from api.errors import ErrorCode, MutationError
from api.marketplaces.sync_types import Shipment, SyncJob, SyncJobKind
from api.payloads import payload
from domain import validation as v
from domain.catalog.models import Product
from domain.errors import Conflict, ValidationFailed
from domain.marketplaces import jobs, models, triggers
from domain.marketplaces import sync_models as sm
from domain.orders.models import Order, OrderStatus

ON_REQUEST = {sm.JobKind.PULL_ORDERS, sm.JobKind.PULL_REPORT}
SHIPPABLE = {OrderStatus.PACKED, OrderStatus.SHIPPED, OrderStatus.PAID, OrderStatus.PLACED}


@strawberry.type
class SyncJobPayload:
    job: SyncJob | None
    errors: list[MutationError]


@strawberry.input(description="A parcel handed to a carrier, to report to the marketplace.")
class ShipmentRecordInput:
    order_id: strawberry.ID
    carrier: str
    tracking_number: str
    shipped_at: datetime | None = None


@strawberry.type
class ShipmentPayload:
    shipment: Shipment | None
    errors: list[MutationError]


def _active(connection: models.MarketplaceConnection) -> None:
    if connection.status == models.ConnectionStatus.DISCONNECTED:
        raise Conflict("this connection is disconnected")


@strawberry.type
class SyncMutations:
    @strawberry.mutation(
        description="Pull orders or the performance report now (`kind` PULL_ORDERS or "
        "PULL_REPORT); answers the queued job."
    )
    @payload(SyncJobPayload)
    async def marketplace_sync_request(
        self,
        info: Info,
        connection_id: strawberry.ID,
        kind: SyncJobKind,
    ) -> sm.SyncJob | None:
        ctx = info.context
        connection = await get_readable(
            ctx, models.MarketplaceConnection, connection_id, field="connectionId"
        )
        authorize(ctx, "sync", connection)
        wanted = sm.JobKind(kind)
        if wanted not in ON_REQUEST:
            raise ValidationFailed("only order and report pulls run on request", field="kind")
        _active(connection)
        return await jobs.enqueue(connection, wanted)

    @strawberry.mutation(
        description="Publish (or update) a product's listing on a connection; answers the "
        "queued job."
    )
    @payload(SyncJobPayload)
    async def listing_publish(
        self, info: Info, connection_id: strawberry.ID, product_id: strawberry.ID
    ) -> sm.SyncJob | None:
        ctx = info.context
        connection = await get_readable(
            ctx, models.MarketplaceConnection, connection_id, field="connectionId"
        )
        authorize(ctx, "sync", connection)
        product = await get_readable(ctx, Product, product_id, field="productId")
        if product.organization_id != connection.organization_id:
            raise ValidationFailed("the product is another organization's", field="productId")
        if product.archived:
            raise ValidationFailed(
                "an archived product is not listed", code=ErrorCode.ARCHIVED.value
            )
        _active(connection)
        return await triggers.publish(connection, product.id)

    @strawberry.mutation(
        description="Record an order's shipment; the tracking number is reported to the "
        "marketplace the order came from."
    )
    @payload(ShipmentPayload)
    async def shipment_record(self, info: Info, input: ShipmentRecordInput) -> sm.Shipment:
        ctx = info.context
        order = await get_readable(ctx, Order, input.order_id, field="orderId")
        draft = sm.Shipment(organization_id=order.organization_id, customer_id=order.customer_id)
        authorize(ctx, "create", draft, planned=True)
        authorize_fields(ctx, "update", draft, ["tracking_number"])
        if OrderStatus(order.status) not in SHIPPABLE:
            raise ValidationFailed("this order is not awaiting shipment", field="orderId")
        shipped_at = v.moment(
            input.shipped_at or datetime.now(UTC),
            field="shippedAt",
            earliest=order.placed_at,
            latest_ahead=timedelta(minutes=5),
        )
        shipment = await sm.Shipment.create(
            organization_id=order.organization_id,
            order_id=order.id,
            customer_id=order.customer_id,
            carrier=v.text(input.carrier, field="carrier", max_length=64),
            tracking_number=v.sku(input.tracking_number, field="trackingNumber", max_length=64),
            shipped_at=shipped_at,
        )
        record_write(ctx, shipment, action="create")
        await triggers.shipment_recorded(shipment)
        return shipment
