"""What each sync job does, given its connection's connector and the policy gate.

Jobs act as the system principal: every object they read or write passes the gate (the same
policy as a person's request) and every personal field they write or send is noted for the
audit log. A job reads current state when it runs (its payload holds ids), so running it twice
sends the same thing twice, never something stale: listings and stock are absolute values,
imported orders are keyed by their marketplace id, a reported shipment is not sent again.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.functions import Sum
from tortoise.transactions import in_transaction

from domain.accounts.models import Organization
from domain.catalog.models import Product
from domain.errors import Conflict, DomainError, ValidationFailed
from domain.inventory.models import StockLevel
from domain.marketplaces import disclosures
from domain.marketplaces.connectors import base as remote
from domain.marketplaces.models import Listing, ListingStatus, MarketplaceConnection
from domain.marketplaces.sharing import Gate, Purpose, build_share
from domain.marketplaces.sync_models import JobKind, Shipment, SyncJob
from domain.orders import services as orders
from domain.orders.models import Customer, CustomerAddress, Order, OrderStatus
from domain.personal import declaration

FIRST_PULL = timedelta(days=30)
MAX_PAGES = 20  # per run; the next run goes on from where this one stopped
LISTING_FIELDS = ("sku", "title", "price", "currency", "description")
FULFILMENT_FIELDS = ("carrier", "tracking_number", "shipped_at")

Restricted = Callable[[str, Iterable[int], str], Awaitable[set[int]]]


class Refused(DomainError):
    """The policy or a restriction stops this job: retrying will not help."""

    code = "FORBIDDEN"


@dataclass
class JobContext:
    job: SyncJob
    connection: MarketplaceConnection
    connector: remote.Connector
    gate: Gate
    restricted: Restricted  # (subject kind, ids, purpose) -> the ids that must not be shared


async def available(product_id: int) -> int:
    """Sellable units: on hand minus reserved, over every warehouse."""
    row = (
        await StockLevel.filter(product_id=product_id)
        .annotate(on_hand_sum=Sum("on_hand"), reserved_sum=Sum("reserved"))
        .values("on_hand_sum", "reserved_sum")
    )
    if not row or row[0]["on_hand_sum"] is None:
        return 0
    return max(0, int(row[0]["on_hand_sum"]) - int(row[0]["reserved_sum"] or 0))


async def _product(ctx: JobContext) -> Product:
    product = await Product.filter(
        id=ctx.job.payload.get("product_id"), organization_id=ctx.connection.organization_id
    ).first()
    if product is None or not ctx.gate.allows("read", product):
        raise Refused("the product is gone or not the organization's")
    return product


async def publish_listing(ctx: JobContext) -> dict[str, Any]:
    product = await _product(ctx)
    share = build_share(ctx.gate, Purpose.LISTING, product, LISTING_FIELDS)
    if share.personal_fields:  # the allow-list of listing sync holds no personal field
        raise Refused("listing sync may not send personal data")
    draft = remote.ListingDraft(
        sku=share.values["sku"],
        title=share.values["title"],
        price=share.values["price"],
        currency=share.values["currency"],
        description=share.values["description"] or None,
        quantity=await available(product.id),
    )
    published = await ctx.connector.publish_listing(draft)
    listing = await Listing.filter(connection_id=ctx.connection.id, product_id=product.id).first()
    values: dict[str, Any] = {
        "external_id": published.external_id[:64],
        "price": draft.price,
        "currency": draft.currency,
        "status": ListingStatus.ACTIVE,
    }
    if listing is None:
        try:
            async with in_transaction():  # a savepoint: the runner's transaction survives
                listing = await Listing.create(
                    organization_id=product.organization_id,
                    product_id=product.id,
                    connection_id=ctx.connection.id,
                    **values,
                )
        except IntegrityError:  # another job listed it meanwhile: that listing is updated
            listing = await Listing.get(connection_id=ctx.connection.id, product_id=product.id)
            await Listing.filter(id=listing.id).update(**values)
    else:
        await Listing.filter(id=listing.id).update(**values)
    return {"listing_id": listing.id, "external_id": published.external_id[:64]}


async def push_stock(ctx: JobContext) -> dict[str, Any]:
    product = await _product(ctx)
    if not await Listing.filter(connection_id=ctx.connection.id, product_id=product.id).exists():
        return {"skipped": "not listed on this connection"}
    quantity = await available(product.id)
    await ctx.connector.push_stock([remote.StockLevel(sku=product.sku, quantity=quantity)])
    return {"sku": product.sku, "quantity": quantity}


def _fields(model: type) -> list[str]:
    decl = declaration(model)
    return list(decl.fields) if decl else []


async def pull_orders(ctx: JobContext) -> dict[str, Any]:
    connection = ctx.connection
    org = await Organization.get(id=connection.organization_id)
    draft_customer = Customer(organization_id=org.id)
    draft_order = Order(organization_id=org.id, status=OrderStatus.PLACED)
    draft_address = CustomerAddress(organization_id=org.id)
    drafts = (draft_customer, draft_order, draft_address)
    if not ctx.gate.allows("import_order", org) or any(
        ctx.gate.allowed_fields("update", draft, _fields(type(draft))) != set(_fields(type(draft)))
        for draft in drafts
    ):
        raise Refused("the sync may not import orders for this organization")
    since = connection.orders_pulled_until or datetime.now(UTC) - FIRST_PULL
    cursor: str | None = ctx.job.payload.get("cursor")
    imported = skipped = 0
    newest = since
    for _ in range(MAX_PAGES):
        page = await ctx.connector.pull_orders(since=since, cursor=cursor)
        for remote_order in page.orders:
            newest = max(newest, remote_order.updated_at)
            if await _import(ctx, org, remote_order):
                imported += 1
            else:
                skipped += 1
        cursor = page.next_cursor
        if cursor is None:
            break
    await MarketplaceConnection.filter(id=connection.id).update(orders_pulled_until=newest)
    return {"imported": imported, "skipped": skipped, "more": cursor is not None}


async def _import(ctx: JobContext, org: Organization, found: remote.RemoteOrder) -> bool:
    """Import one order through the same service as orderImport; False if already there or
    not importable (an unknown SKU, bad data): the rest of the page goes on."""
    address = found.shipping
    try:
        async with in_transaction():  # the order and its audit entries commit together
            imported = await _import_order(ctx, org, found, address)
            _note_written(ctx.gate, imported.order)
            if imported.customer_created:
                _note_written(ctx.gate, imported.customer)
            if imported.address is not None:
                _note_written(ctx.gate, imported.address)
            await ctx.gate.flush()
    except (Conflict, ValidationFailed):
        return False
    return True


def _note_written(gate: Gate, obj: Any) -> None:
    """Note exactly the personal fields a new row was given (not the empty ones)."""
    gate.note("create", obj, [f for f in _fields(type(obj)) if getattr(obj, f) is not None])


async def _import_order(
    ctx: JobContext, org: Organization, found: remote.RemoteOrder, address: remote.RemoteAddress
) -> orders.Imported:
    return await orders.import_order(
        organization_id=org.id,
        marketplace=ctx.connection.marketplace,
        external_order_id=found.external_id,
        buyer=orders.BuyerInput(
            name=found.buyer_name, email=found.buyer_email, phone=found.buyer_phone
        ),
        shipping=orders.AddressInput(
            name=address.name,
            line1=address.line1,
            line2=address.line2,
            city=address.city,
            state=address.state,
            postal_code=address.postal_code,
            country=address.country,
            phone=address.phone,
        ),
        lines=[
            orders.LineInput(sku=line.sku, quantity=line.quantity, unit_price=line.unit_price)
            for line in found.lines
        ],
        currency=found.currency,
        placed_at=found.placed_at,
    )


async def push_fulfilment(ctx: JobContext) -> dict[str, Any]:
    shipment = await Shipment.filter(
        id=ctx.job.payload.get("shipment_id"), organization_id=ctx.connection.organization_id
    ).first()
    if shipment is None:
        raise Refused("the shipment is gone or not the organization's")
    if shipment.reported_at is not None:
        return {"skipped": "already reported", "remote_id": shipment.remote_id}
    order = await Order.get(id=shipment.order_id)
    if order.marketplace != ctx.connection.marketplace:
        raise Refused("the order did not come from this marketplace")
    if shipment.customer_id in await ctx.restricted(
        "customer", [shipment.customer_id], "partner_sharing"
    ):
        raise Refused("the buyer restricted processing: nothing is shared")
    if not ctx.gate.allows(f"share_{Purpose.FULFILMENT.value}", shipment):
        raise Refused("the policy does not allow sharing this shipment")
    share = build_share(ctx.gate, Purpose.FULFILMENT, shipment, FULFILMENT_FIELDS)
    if "tracking_number" not in share.values:
        raise Refused("the policy withholds the tracking number")
    # Fail closed: the audit entry is written before the data leaves.
    ctx.gate.note("disclose", shipment, share.personal_fields)
    await ctx.gate.flush()
    remote_id = await ctx.connector.push_fulfilment(
        remote.Shipment(
            external_order_id=order.external_order_id,
            carrier=share.values["carrier"],
            tracking_number=share.values["tracking_number"],
            shipped_at=share.values["shipped_at"],
        )
    )
    org = await Organization.get(id=ctx.connection.organization_id)
    await disclosures.record(
        connection=ctx.connection,
        seller_country=org.country,
        subject_kind="customer",
        subject_id=shipment.customer_id,
        categories=share.categories,
        purpose=Purpose.FULFILMENT,
        job_id=ctx.job.id,
    )
    await Shipment.filter(id=shipment.id).update(
        reported_at=datetime.now(UTC), remote_id=str(remote_id)[:64]
    )
    return {"remote_id": str(remote_id)[:64]}


MAX_REPORT_METRICS = 50  # a report's figures (api.cost LIST_BOUNDS PerformanceReport.metrics)


async def pull_report(ctx: JobContext) -> dict[str, Any]:
    """The report as the result of the job; one of more figures than a report has is refused
    (the job fails), so a stored report is always whole."""
    report = await ctx.connector.pull_report()
    if len(report.metrics) > MAX_REPORT_METRICS:
        raise remote.Malformed(f"a report of {len(report.metrics)} figures")
    return {"kind": report.kind, "metrics": dict(report.metrics)}


HANDLERS: dict[JobKind, Callable[[JobContext], Awaitable[dict[str, Any]]]] = {
    JobKind.PUBLISH_LISTING: publish_listing,
    JobKind.PUSH_STOCK: push_stock,
    JobKind.PULL_ORDERS: pull_orders,
    JobKind.PUSH_FULFILMENT: push_fulfilment,
    JobKind.PULL_REPORT: pull_report,
}
