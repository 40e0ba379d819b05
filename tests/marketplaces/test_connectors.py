"""Each connector against its fake marketplace over HTTP: shapes, tokens, throttling, faults."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from decimal import Decimal

import pytest
import pytest_asyncio

from domain.marketplaces.connectors.base import (
    AuthFailed,
    Connector,
    ListingDraft,
    Malformed,
    Shipment,
    StockLevel,
    Throttled,
    Unavailable,
)
from domain.marketplaces.connectors.registry import connector_for
from domain.marketplaces.models import Marketplace
from tests.marketplaces.conftest import Fakes

SINCE = datetime(2026, 11, 1, tzinfo=UTC)
DRAFT = ListingDraft(
    sku="SKU-1", title="Brass lamp", price=Decimal("499.00"), currency="INR", quantity=7
)


@pytest_asyncio.fixture
async def connect(fakes: Fakes) -> AsyncIterator[Callable[..., Connector]]:
    made: list[Connector] = []

    def make(marketplace: Marketplace, **changes: object) -> Connector:
        creds = (
            fakes.amazon_credentials(**changes)
            if marketplace is Marketplace.AMAZON
            else fakes.ebay_credentials(**changes)
        )
        made.append(connector_for(marketplace, creds))
        return made[-1]

    yield make
    for connector in made:
        await connector.aclose()


async def test_amazon_exchanges_the_refresh_token_and_presents_the_access_token(fakes, connect):
    amazon = connect(Marketplace.AMAZON)
    assert await amazon.verify() == "A3SELLER0001"
    call = fakes.amazon.sent("GET", "marketplaceParticipations")[0]
    assert call.headers["x-amz-access-token"].startswith("Atza|")
    assert "authorization" not in call.headers
    assert fakes.amazon.token_requests == 1
    await amazon.verify()
    assert fakes.amazon.token_requests == 1  # the access token is kept until it nears expiry


async def test_amazon_listing_stock_orders_fulfilment_and_report(fakes, connect):
    amazon = connect(Marketplace.AMAZON)
    published = await amazon.publish_listing(DRAFT)
    assert published.external_id == "SKU-1" and published.status == "ACCEPTED"
    put = fakes.amazon.sent("PUT", "/listings/2021-08-01/items/A3SELLER0001/SKU-1")[0]
    assert put.query == {"marketplaceIds": "A21TJRUUN4KGV"}
    assert put.body["productType"] == "PRODUCT"
    assert put.body["attributes"]["fulfillment_availability"][0]["quantity"] == 7

    await amazon.push_stock([StockLevel(sku="SKU-1", quantity=3)])
    patch = fakes.amazon.sent("PATCH")[0].body["patches"][0]
    assert patch["path"] == "/attributes/fulfillment_availability"
    assert patch["value"] == [{"fulfillment_channel_code": "DEFAULT", "quantity": 3}]

    for n in range(3):
        fakes.amazon.add_order(f"403-000000{n}", sku="SKU-1", quantity=2, price="250.00")
    fakes.amazon.add_order("403-PENDING", sku="SKU-1", quantity=1, price="1", status="Pending")
    first = await amazon.pull_orders(since=SINCE)
    assert [o.external_id for o in first.orders] == ["403-0000000", "403-0000001"]
    assert first.next_cursor
    rest = await amazon.pull_orders(since=SINCE, cursor=first.next_cursor)
    assert [o.external_id for o in rest.orders] == ["403-0000002"]  # Pending is skipped
    assert rest.next_cursor is None
    order = first.orders[0]
    assert order.lines[0].unit_price == Decimal("250.00") and order.lines[0].quantity == 2
    assert order.shipping.city == "Bengaluru" and order.buyer_email

    shipped = datetime(2026, 12, 1, 8, tzinfo=UTC)
    shipment = Shipment(
        "403-0000000", carrier="BlueDart", tracking_number="BD1", shipped_at=shipped
    )
    assert await amazon.push_fulfilment(shipment) == "BD1"
    package = fakes.amazon.shipments["403-0000000"]["packageDetail"]
    assert package["trackingNumber"] == "BD1"
    assert package["orderItems"] == [{"orderItemId": "403-0000000-1", "quantity": 2}]

    report = await amazon.pull_report()
    assert report.metrics["orderCount"] == "2" and report.metrics["totalSales"] == "300.00"


async def test_amazon_expired_token_is_renewed_once(fakes, connect):
    amazon = connect(Marketplace.AMAZON)
    await amazon.verify()
    fakes.amazon.expire_tokens()
    await amazon.verify()
    assert fakes.amazon.token_requests == 2
    refused = [s for s in fakes.amazon.requests if s.path.endswith("Participations")]
    assert len(refused) == 3  # ok, 403 Unauthorized, ok with the new token


async def test_amazon_throttle_carries_the_wait_from_the_rate_header(fakes, connect):
    amazon = connect(Marketplace.AMAZON)
    fakes.amazon.throttle(1)
    with pytest.raises(Throttled) as caught:
        await amazon.verify()
    assert caught.value.retry_after == pytest.approx(1 / 50)
    assert caught.value.retryable
    assert "QuotaExceeded" in caught.value.detail
    fakes.amazon.throttle(1, retry_after=2)
    with pytest.raises(Throttled) as caught:
        await amazon.verify()
    assert caught.value.retry_after == 2


async def test_amazon_refused_refresh_token_and_malformed_answers(fakes, connect):
    with pytest.raises(AuthFailed):
        await connect(Marketplace.AMAZON, refresh_token="Atzr|revoked").verify()
    amazon = connect(Marketplace.AMAZON)
    fakes.amazon.malform(1)
    with pytest.raises(Malformed):
        await amazon.verify()
    fakes.amazon.malform(1, json_of_wrong_shape=True)
    with pytest.raises(Malformed):
        await amazon.pull_orders(since=SINCE)
    fakes.amazon.fail(1)
    with pytest.raises(Unavailable):
        await amazon.verify()


async def test_ebay_listing_stock_orders_fulfilment_and_report(fakes, connect):
    ebay = connect(Marketplace.EBAY)
    assert await ebay.verify() == "bharat-crafts"
    token_call = fakes.ebay.requests[0]
    assert token_call.path == "/ebay/sell/account/v1/privilege"
    assert token_call.headers["authorization"].startswith("Bearer v^1.1#")

    published = await ebay.publish_listing(DRAFT)
    assert published.external_id.startswith("11")
    item = fakes.ebay.items["SKU-1"]
    assert item["availability"]["shipToLocationAvailability"]["quantity"] == 7
    assert fakes.ebay.sent("PUT", "inventory_item/SKU-1")[0].headers["content-language"] == "en-US"
    offer = next(iter(fakes.ebay.offers.values()))
    assert offer["pricingSummary"]["price"] == {"value": "499.00", "currency": "INR"}
    assert offer["marketplaceId"] == "EBAY_US" and offer["format"] == "FIXED_PRICE"
    again = await ebay.publish_listing(DRAFT)  # an update replaces the offer, no second one
    assert again.external_id == published.external_id and len(fakes.ebay.offers) == 1

    await ebay.push_stock([StockLevel(sku="SKU-1", quantity=2)])
    item = fakes.ebay.items["SKU-1"]
    assert item["availability"]["shipToLocationAvailability"]["quantity"] == 2

    fakes.ebay.add_order("12-00001-00001", sku="SKU-1", quantity=1, price="20.00")
    page = await ebay.pull_orders(since=SINCE)
    assert [o.external_id for o in page.orders] == ["12-00001-00001"]
    assert page.next_cursor is None
    filter_sent = fakes.ebay.sent("GET", "/sell/fulfillment/v1/order")[0].query["filter"]
    assert filter_sent == "lastmodifieddate:[2026-11-01T00:00:00.000Z..]"
    order = page.orders[0]
    assert order.shipping.country == "US" and order.currency == "USD"

    shipped = datetime(2026, 12, 1, 8, tzinfo=UTC)
    shipment = Shipment(
        "12-00001-00001", carrier="USPS", tracking_number="9400", shipped_at=shipped
    )
    assert await ebay.push_fulfilment(shipment)
    sent = fakes.ebay.fulfilments["12-00001-00001"][0]
    assert sent == {
        "lineItems": [{"lineItemId": "12-00001-00001-L1", "quantity": 1}],
        "shippedDate": "2026-12-01T08:00:00.000Z",
        "shippingCarrierCode": "USPS",
        "trackingNumber": "9400",
    }
    report = await ebay.pull_report()
    assert report.metrics["standardsLevel"] == "TOP_RATED"


async def test_ebay_token_expiry_throttling_and_faults(fakes, connect):
    ebay = connect(Marketplace.EBAY)
    await ebay.verify()
    fakes.ebay.expire_tokens()
    await ebay.verify()
    assert fakes.ebay.token_requests == 2
    fakes.ebay.throttle(1, retry_after=0.5)
    with pytest.raises(Throttled) as caught:
        await ebay.verify()
    assert caught.value.retry_after == 0.5 and "2001" in caught.value.detail
    fakes.ebay.malform(1)
    with pytest.raises(Malformed):
        await ebay.verify()
    with pytest.raises(AuthFailed):
        await connect(Marketplace.EBAY, refresh_token="v^1.1#revoked").verify()


async def test_a_token_the_marketplace_keeps_refusing_fails_as_auth(fakes, connect):
    ebay = connect(Marketplace.EBAY)
    await ebay.verify()
    fakes.ebay.access_tokens.clear()
    fakes.ebay.issue = lambda prefix="": "never-valid"  # type: ignore[method-assign]
    with pytest.raises(AuthFailed):
        await ebay.verify()
