"""Where a change in Mandi queues a sync: stock moved, a product changed, a parcel shipped."""

from __future__ import annotations

from domain.marketplaces import jobs
from domain.marketplaces.models import ConnectionStatus, Listing, MarketplaceConnection
from domain.marketplaces.sync_models import JobKind, Shipment, SyncJob
from domain.orders.models import Order


async def _listed_on(product_id: int) -> list[MarketplaceConnection]:
    connection_ids = await Listing.filter(product_id=product_id).values_list(
        "connection_id", flat=True
    )
    if not connection_ids:
        return []
    return await MarketplaceConnection.filter(
        id__in=set(connection_ids),
        status=ConnectionStatus.ACTIVE,
        credentials_encrypted__isnull=False,  # demo rows have none: nothing to sync with
    )


async def stock_changed(product_id: int) -> list[SyncJob]:
    """Queue a stock push to every connection listing the product (one per product, coalesced:
    the push sends the level at the time it runs)."""
    queued = []
    for connection in await _listed_on(product_id):
        job = await jobs.enqueue(
            connection, JobKind.PUSH_STOCK, key=f"push_stock:{product_id}", product_id=product_id
        )
        if job:
            queued.append(job)
    return queued


async def publish(connection: MarketplaceConnection, product_id: int) -> SyncJob | None:
    return await jobs.enqueue(
        connection, JobKind.PUBLISH_LISTING, key=f"publish:{product_id}", product_id=product_id
    )


async def shipment_recorded(shipment: Shipment) -> SyncJob | None:
    """Queue the fulfilment push to the organization's connection of the order's marketplace."""
    order = await Order.get(id=shipment.order_id)
    connection = (
        await MarketplaceConnection.filter(
            organization_id=order.organization_id,
            marketplace=order.marketplace,
            status=ConnectionStatus.ACTIVE,
            credentials_encrypted__isnull=False,
        )
        .order_by("id")
        .first()
    )
    if connection is None:
        return None
    return await jobs.enqueue(
        connection,
        JobKind.PUSH_FULFILMENT,
        key=f"fulfil:{shipment.id}",
        shipment_id=shipment.id,
    )


async def connected(connection: MarketplaceConnection) -> None:
    """A new connection starts pulling orders and reports at once."""
    await jobs.enqueue(connection, JobKind.PULL_ORDERS)
    await jobs.enqueue(connection, JobKind.PULL_REPORT)
