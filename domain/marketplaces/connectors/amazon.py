"""Amazon Selling Partner API: Login with Amazon tokens, Listings Items, Orders, Sales.

Calls carry the LWA access token in ``x-amz-access-token``. An expired token answers 403 with
the error code ``Unauthorized``; throttled calls answer 429 and every response states the
operation's rate in ``x-amzn-RateLimit-Limit`` (requests per second), from which the wait
before the next try is derived. Stock is pushed for merchant-fulfilled offers (FBA stock is
Amazon's own) as a patch of the listing's ``fulfillment_availability``.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import quote

import httpx

from domain.marketplaces import endpoints
from domain.marketplaces.connectors.base import (
    AuthFailed,
    Connector,
    CredentialField,
    ListingDraft,
    Malformed,
    OrderPage,
    PublishedListing,
    Rejected,
    RemoteAddress,
    RemoteLine,
    RemoteOrder,
    Report,
    Shipment,
    StockLevel,
)
from domain.marketplaces.connectors.http import AccessToken, ApiSession, expect, json_body

LISTINGS = "/listings/2021-08-01/items"
ORDERS = "/orders/v0/orders"
PRODUCT_TYPE = "PRODUCT"
SKIPPED_STATUSES = {"Pending", "Canceled"}  # no buyer or address yet, or nothing to fulfil


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _when(value: Any, what: str) -> datetime:
    try:
        return datetime.fromisoformat(expect(value, str, what).replace("Z", "+00:00"))
    except ValueError:
        raise Malformed(f"unexpected shape at {what}") from None


def _money(value: Any, what: str) -> Decimal:
    try:
        return Decimal(str(expect(value, dict, what)["Amount"]))
    except (KeyError, InvalidOperation):
        raise Malformed(f"unexpected shape at {what}") from None


class AmazonSession(ApiSession):
    def __init__(self, *, refresh_token: str, region: str, client: httpx.AsyncClient | None):
        super().__init__(base_url=endpoints.amazon_api_url(region), client=client)
        self._refresh_token = refresh_token

    async def fetch_token(self, client: httpx.AsyncClient) -> AccessToken:
        app = endpoints.amazon_app()
        response = await self.send(
            "POST",
            endpoints.amazon_token_url(),
            data={
                "grant_type": "refresh_token",
                "refresh_token": self._refresh_token,
                "client_id": app.client_id,
                "client_secret": app.client_secret,
            },
        )
        if response.status_code in (400, 401):
            raise AuthFailed("Login with Amazon refused the refresh token", status=400)
        self.raise_for_status(response)
        body = expect(json_body(response), dict, "token response")
        return AccessToken(
            value=expect(body.get("access_token"), str, "access_token"),
            expires_at=time.monotonic() + expect(body.get("expires_in"), int, "expires_in"),
        )

    def auth_headers(self, token: str) -> dict[str, str]:
        return {"x-amz-access-token": token, "accept": "application/json"}

    def token_expired(self, response: httpx.Response) -> bool:
        if response.status_code != 403:
            return False
        try:
            return "Unauthorized" in self.error_codes(response.json())
        except ValueError:
            return False

    def error_codes(self, body: Any) -> list[str]:
        return [str(e.get("code")) for e in body.get("errors", []) if isinstance(e, dict)]

    def retry_after(self, response: httpx.Response) -> float | None:
        explicit = super().retry_after(response)
        if explicit is not None:
            return explicit
        try:
            rate = float(response.headers.get("x-amzn-ratelimit-limit", ""))
        except ValueError:
            return None
        return 1.0 / rate if rate > 0 else None


class AmazonConnector(Connector):
    credential_fields = (
        CredentialField("refresh_token", True, "Login with Amazon refresh token (Atzr|...)"),
        CredentialField("seller_id", False, "Selling partner (merchant) id"),
        CredentialField("marketplace_ids", False, "Amazon marketplace ids, e.g. A21TJRUUN4KGV"),
        CredentialField("region", False, "SP-API region: na, eu or fe"),
    )

    def __init__(self, credentials: Mapping[str, Any], client: httpx.AsyncClient | None = None):
        self.seller_id = str(credentials["seller_id"])
        self.marketplace_ids = [str(m) for m in credentials["marketplace_ids"]]
        self.session = AmazonSession(
            refresh_token=str(credentials["refresh_token"]),
            region=str(credentials["region"]),
            client=client,
        )

    @property
    def _marketplaces(self) -> str:
        return ",".join(self.marketplace_ids)

    async def verify(self) -> str:
        response = await self.session.call("GET", "/sellers/v1/marketplaceParticipations")
        payload = expect(expect(json_body(response), dict, "body").get("payload"), list, "payload")
        participating = {
            expect(p.get("marketplace"), dict, "marketplace").get("id")
            for p in payload
            if expect(p, dict, "participation").get("participation", {}).get("isParticipating")
        }
        missing = [m for m in self.marketplace_ids if m not in participating]
        if missing:
            raise Rejected("the seller does not sell in every marketplace named")
        return self.seller_id

    def _item_path(self, sku: str) -> str:
        return f"{LISTINGS}/{quote(self.seller_id, safe='')}/{quote(sku, safe='')}"

    async def publish_listing(self, draft: ListingDraft) -> PublishedListing:
        attributes: dict[str, Any] = {
            "item_name": [
                {"value": draft.title, "marketplace_id": m} for m in self.marketplace_ids
            ],
            "purchasable_offer": [
                {
                    "marketplace_id": m,
                    "currency": draft.currency,
                    "our_price": [{"schedule": [{"value_with_tax": str(draft.price)}]}],
                }
                for m in self.marketplace_ids
            ],
            "fulfillment_availability": [
                {"fulfillment_channel_code": "DEFAULT", "quantity": draft.quantity}
            ],
        }
        if draft.description:
            attributes["product_description"] = [
                {"value": draft.description, "marketplace_id": m} for m in self.marketplace_ids
            ]
        response = await self.session.call(
            "PUT",
            self._item_path(draft.sku),
            params={"marketplaceIds": self._marketplaces},
            json={"productType": PRODUCT_TYPE, "requirements": "LISTING", "attributes": attributes},
        )
        body = expect(json_body(response), dict, "body")
        status = expect(body.get("status"), str, "status")
        if status == "INVALID":
            codes = [str(i.get("code")) for i in body.get("issues", []) if isinstance(i, dict)]
            raise Rejected(f"listing refused ({', '.join(codes[:3])})", status=400)
        return PublishedListing(sku=draft.sku, external_id=draft.sku, status=status)

    async def push_stock(self, levels: list[StockLevel]) -> None:
        for level in levels:
            patch = {
                "op": "replace",
                "path": "/attributes/fulfillment_availability",
                "value": [{"fulfillment_channel_code": "DEFAULT", "quantity": level.quantity}],
            }
            await self.session.call(
                "PATCH",
                self._item_path(level.sku),
                params={"marketplaceIds": self._marketplaces},
                json={"productType": PRODUCT_TYPE, "patches": [patch]},
            )

    async def pull_orders(self, *, since: datetime, cursor: str | None = None) -> OrderPage:
        params = {"MarketplaceIds": self._marketplaces}
        params |= {"NextToken": cursor} if cursor else {"LastUpdatedAfter": _iso(since)}
        response = await self.session.call("GET", ORDERS, params=params)
        payload = expect(expect(json_body(response), dict, "body").get("payload"), dict, "payload")
        orders = []
        for raw in expect(payload.get("Orders"), list, "Orders"):
            raw = expect(raw, dict, "Orders[]")
            if raw.get("OrderStatus") in SKIPPED_STATUSES:
                continue
            orders.append(await self._order(raw))
        next_token = payload.get("NextToken")
        return OrderPage(orders=tuple(orders), next_cursor=next_token or None)

    async def _order_items(self, order_id: str) -> list[dict[str, Any]]:
        response = await self.session.call("GET", f"{ORDERS}/{quote(order_id, safe='')}/orderItems")
        payload = expect(expect(json_body(response), dict, "body").get("payload"), dict, "payload")
        return [
            expect(i, dict, "OrderItems[]")
            for i in expect(payload.get("OrderItems"), list, "OrderItems")
        ]

    async def _order(self, raw: dict[str, Any]) -> RemoteOrder:
        order_id = expect(raw.get("AmazonOrderId"), str, "AmazonOrderId")
        address = expect(raw.get("ShippingAddress"), dict, "ShippingAddress")
        buyer = raw.get("BuyerInfo") or {}
        lines = []
        for item in await self._order_items(order_id):
            quantity = expect(item.get("QuantityOrdered"), int, "QuantityOrdered")
            total = _money(item.get("ItemPrice"), "ItemPrice")
            lines.append(
                RemoteLine(
                    line_id=expect(item.get("OrderItemId"), str, "OrderItemId"),
                    sku=expect(item.get("SellerSKU"), str, "SellerSKU"),
                    quantity=quantity,
                    unit_price=(total / quantity).quantize(Decimal("0.01")) if quantity else total,
                )
            )
        return RemoteOrder(
            external_id=order_id,
            placed_at=_when(raw.get("PurchaseDate"), "PurchaseDate"),
            updated_at=_when(raw.get("LastUpdateDate"), "LastUpdateDate"),
            status=str(raw.get("OrderStatus")),
            currency=str(expect(raw.get("OrderTotal"), dict, "OrderTotal").get("CurrencyCode")),
            buyer_name=str(buyer.get("BuyerName") or address.get("Name") or "Amazon buyer"),
            buyer_email=buyer.get("BuyerEmail"),
            buyer_phone=None,
            shipping=RemoteAddress(
                name=expect(address.get("Name"), str, "ShippingAddress.Name"),
                line1=expect(address.get("AddressLine1"), str, "ShippingAddress.AddressLine1"),
                line2=address.get("AddressLine2"),
                city=expect(address.get("City"), str, "ShippingAddress.City"),
                state=address.get("StateOrRegion"),
                postal_code=expect(address.get("PostalCode"), str, "ShippingAddress.PostalCode"),
                country=expect(address.get("CountryCode"), str, "ShippingAddress.CountryCode"),
                phone=address.get("Phone"),
            ),
            lines=tuple(lines),
        )

    async def push_fulfilment(self, shipment: Shipment) -> str:
        items = await self._order_items(shipment.external_order_id)
        package = {
            "packageReferenceId": "1",
            "carrierCode": shipment.carrier,
            "trackingNumber": shipment.tracking_number,
            "shipDate": _iso(shipment.shipped_at),
            "orderItems": [
                {"orderItemId": i["OrderItemId"], "quantity": i["QuantityOrdered"]} for i in items
            ],
        }
        await self.session.call(
            "POST",
            f"{ORDERS}/{quote(shipment.external_order_id, safe='')}/shipment/confirmation",
            json={"packageDetail": package, "marketplaceId": self.marketplace_ids[0]},
        )
        return shipment.tracking_number

    async def pull_report(self) -> Report:
        now = datetime.now(UTC)
        start = now.replace(hour=0, minute=0, second=0, microsecond=0)
        response = await self.session.call(
            "GET",
            "/sales/v1/orderMetrics",
            params={
                "marketplaceIds": self._marketplaces,
                "interval": f"{_iso(start)}--{_iso(now)}",
                "granularity": "Total",
            },
        )
        payload = expect(expect(json_body(response), dict, "body").get("payload"), list, "payload")
        metrics: dict[str, str] = {}
        for row in payload[:1]:
            row = expect(row, dict, "payload[]")
            metrics["orderCount"] = str(row.get("orderCount", 0))
            metrics["unitCount"] = str(row.get("unitCount", 0))
            metrics["totalSales"] = str(_money_lower(row.get("totalSales")))
        return Report(kind="amazon.orderMetrics", metrics=metrics)

    async def aclose(self) -> None:
        await self.session.aclose()


def _money_lower(value: Any) -> Decimal:
    try:
        return Decimal(str(expect(value, dict, "totalSales")["amount"]))
    except (KeyError, InvalidOperation):
        raise Malformed("unexpected shape at totalSales") from None
