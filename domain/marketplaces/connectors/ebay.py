"""eBay Sell APIs: OAuth refresh, Inventory (inventory_item, offer), Fulfillment, Analytics.

Calls carry ``Authorization: Bearer`` with a user access token minted from the seller's refresh
token at ``/identity/v1/oauth2/token`` (HTTP Basic with Mandi's client id and secret). An
expired token answers 401; errors read ``{"errors": [{"errorId", "domain", "category",
"message"}]}``; throttled calls answer 429, with ``Retry-After`` when eBay sends one.
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
    MarketplaceError,
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

SCOPES = " ".join(
    f"https://api.ebay.com/oauth/api_scope/{scope}"
    for scope in ("sell.inventory", "sell.fulfillment", "sell.analytics.readonly", "sell.account")
)
INVENTORY = "/sell/inventory/v1"
FULFILMENT = "/sell/fulfillment/v1/order"
PAGE = 50
BULK = 25  # bulk_update_price_quantity takes at most 25 SKUs a call


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _when(value: Any, what: str) -> datetime:
    try:
        return datetime.fromisoformat(expect(value, str, what).replace("Z", "+00:00"))
    except ValueError:
        raise Malformed(f"unexpected shape at {what}") from None


def _amount(value: Any, what: str) -> Decimal:
    try:
        return Decimal(str(expect(value, dict, what)["value"]))
    except (KeyError, InvalidOperation):
        raise Malformed(f"unexpected shape at {what}") from None


class EbaySession(ApiSession):
    def __init__(self, *, refresh_token: str, client: httpx.AsyncClient | None):
        super().__init__(base_url=endpoints.ebay_api_url(), client=client)
        self._refresh_token = refresh_token

    async def fetch_token(self, client: httpx.AsyncClient) -> AccessToken:
        app = endpoints.ebay_app()
        response = await self.send(
            "POST",
            self.base_url + "/identity/v1/oauth2/token",
            auth=(app.client_id, app.client_secret),
            data={
                "grant_type": "refresh_token",
                "refresh_token": self._refresh_token,
                "scope": SCOPES,
            },
        )
        if response.status_code in (400, 401):
            raise AuthFailed("eBay refused the refresh token", status=response.status_code)
        self.raise_for_status(response)
        body = expect(json_body(response), dict, "token response")
        return AccessToken(
            value=expect(body.get("access_token"), str, "access_token"),
            expires_at=time.monotonic() + expect(body.get("expires_in"), int, "expires_in"),
        )

    def auth_headers(self, token: str) -> dict[str, str]:
        return {"authorization": f"Bearer {token}", "accept": "application/json"}

    def token_expired(self, response: httpx.Response) -> bool:
        return response.status_code == 401

    def error_codes(self, body: Any) -> list[str]:
        return [str(e.get("errorId")) for e in body.get("errors", []) if isinstance(e, dict)]


class EbayConnector(Connector):
    credential_fields = (
        CredentialField("refresh_token", True, "eBay OAuth user refresh token (v^1.1#...)"),
        CredentialField("seller_id", False, "eBay seller user name"),
        CredentialField("marketplace_id", False, "eBay marketplace, e.g. EBAY_US or EBAY_IN"),
    )

    def __init__(self, credentials: Mapping[str, Any], client: httpx.AsyncClient | None = None):
        self.seller_id = str(credentials["seller_id"])
        self.marketplace_id = str(credentials["marketplace_id"])
        self.session = EbaySession(refresh_token=str(credentials["refresh_token"]), client=client)

    async def verify(self) -> str:
        response = await self.session.call("GET", "/sell/account/v1/privilege")
        body = expect(json_body(response), dict, "body")
        if not body.get("sellerRegistrationCompleted"):
            raise Rejected("the eBay account has not completed seller registration")
        return self.seller_id

    async def publish_listing(self, draft: ListingDraft) -> PublishedListing:
        sku = quote(draft.sku, safe="")
        await self.session.call(
            "PUT",
            f"{INVENTORY}/inventory_item/{sku}",
            headers={"content-language": "en-US"},
            json={
                "product": {"title": draft.title, "description": draft.description or draft.title},
                "condition": "NEW",
                "availability": {"shipToLocationAvailability": {"quantity": draft.quantity}},
            },
        )
        offer = {
            "sku": draft.sku,
            "marketplaceId": self.marketplace_id,
            "format": "FIXED_PRICE",
            "availableQuantity": draft.quantity,
            "pricingSummary": {"price": {"value": str(draft.price), "currency": draft.currency}},
        }
        offer_id = await self._offer_id(draft.sku)
        if offer_id is None:
            response = await self.session.call("POST", f"{INVENTORY}/offer", json=offer)
            offer_id = expect(json_body(response).get("offerId"), str, "offerId")
        else:
            await self.session.call(
                "PUT", f"{INVENTORY}/offer/{quote(offer_id, safe='')}", json=offer
            )
        response = await self.session.call(
            "POST", f"{INVENTORY}/offer/{quote(offer_id, safe='')}/publish"
        )
        listing_id = expect(json_body(response).get("listingId"), str, "listingId")
        return PublishedListing(sku=draft.sku, external_id=listing_id, status="ACTIVE")

    async def _offer_id(self, sku: str) -> str | None:
        try:
            response = await self.session.call(
                "GET",
                f"{INVENTORY}/offer",
                params={"sku": sku, "marketplace_id": self.marketplace_id},
            )
        except Rejected as error:
            if error.status == 404:
                return None
            raise
        offers = expect(json_body(response).get("offers", []), list, "offers")
        return expect(offers[0].get("offerId"), str, "offerId") if offers else None

    async def push_stock(self, levels: list[StockLevel]) -> None:
        for start in range(0, len(levels), BULK):
            batch = levels[start : start + BULK]
            response = await self.session.call(
                "POST",
                f"{INVENTORY}/bulk_update_price_quantity",
                json={
                    "requests": [
                        {"sku": lv.sku, "shipToLocationAvailability": {"quantity": lv.quantity}}
                        for lv in batch
                    ]
                },
            )
            results = expect(json_body(response).get("responses"), list, "responses")
            failed = [r for r in results if expect(r, dict, "responses[]").get("statusCode") != 200]
            if failed:
                raise Rejected(f"{len(failed)} of {len(batch)} stock updates refused", status=400)

    async def pull_orders(self, *, since: datetime, cursor: str | None = None) -> OrderPage:
        offset = int(cursor) if cursor and cursor.isdigit() else 0
        response = await self.session.call(
            "GET",
            FULFILMENT,
            params={
                "filter": f"lastmodifieddate:[{_iso(since)}..]",
                "limit": str(PAGE),
                "offset": str(offset),
            },
        )
        body = expect(json_body(response), dict, "body")
        raw_orders = expect(body.get("orders", []), list, "orders")
        orders = tuple(self._order(expect(raw, dict, "orders[]")) for raw in raw_orders)
        more = body.get("next") and raw_orders
        return OrderPage(orders=orders, next_cursor=str(offset + len(raw_orders)) if more else None)

    def _order(self, raw: dict[str, Any]) -> RemoteOrder:
        instructions = expect(raw.get("fulfillmentStartInstructions"), list, "fulfillmentStart")
        if not instructions:
            raise Malformed("unexpected shape at fulfillmentStartInstructions")
        step = expect(
            expect(instructions[0], dict, "instruction").get("shippingStep"), dict, "step"
        )
        ship_to = expect(step.get("shipTo"), dict, "shipTo")
        address = expect(ship_to.get("contactAddress"), dict, "contactAddress")
        buyer = expect(raw.get("buyer"), dict, "buyer")
        registered = buyer.get("buyerRegistrationAddress") or {}
        lines = []
        for item in expect(raw.get("lineItems"), list, "lineItems"):
            item = expect(item, dict, "lineItems[]")
            quantity = expect(item.get("quantity"), int, "quantity")
            total = _amount(item.get("lineItemCost"), "lineItemCost")
            lines.append(
                RemoteLine(
                    line_id=expect(item.get("lineItemId"), str, "lineItemId"),
                    sku=expect(item.get("sku"), str, "sku"),
                    quantity=quantity,
                    unit_price=(total / quantity).quantize(Decimal("0.01")) if quantity else total,
                )
            )
        total = expect(
            expect(raw.get("pricingSummary"), dict, "pricingSummary").get("total"), dict, "total"
        )
        phone = (ship_to.get("primaryPhone") or {}).get("phoneNumber")
        return RemoteOrder(
            external_id=expect(raw.get("orderId"), str, "orderId"),
            placed_at=_when(raw.get("creationDate"), "creationDate"),
            updated_at=_when(raw.get("lastModifiedDate"), "lastModifiedDate"),
            status=str(raw.get("orderFulfillmentStatus")),
            currency=expect(total.get("currency"), str, "total.currency"),
            buyer_name=str(registered.get("fullName") or ship_to.get("fullName") or "eBay buyer"),
            buyer_email=ship_to.get("email") or registered.get("email"),
            buyer_phone=phone,
            shipping=RemoteAddress(
                name=expect(ship_to.get("fullName"), str, "shipTo.fullName"),
                line1=expect(address.get("addressLine1"), str, "addressLine1"),
                line2=address.get("addressLine2"),
                city=expect(address.get("city"), str, "city"),
                state=address.get("stateOrProvince"),
                postal_code=expect(address.get("postalCode"), str, "postalCode"),
                country=expect(address.get("countryCode"), str, "countryCode"),
                phone=phone,
            ),
            lines=tuple(lines),
        )

    async def push_fulfilment(self, shipment: Shipment) -> str:
        order_path = f"{FULFILMENT}/{quote(shipment.external_order_id, safe='')}"
        order = expect(json_body(await self.session.call("GET", order_path)), dict, "order")
        items = [
            expect(i, dict, "lineItems[]")
            for i in expect(order.get("lineItems"), list, "lineItems")
        ]
        response = await self.session.call(
            "POST",
            f"{order_path}/shipping_fulfillment",
            json={
                "lineItems": [
                    {"lineItemId": i["lineItemId"], "quantity": i["quantity"]} for i in items
                ],
                "shippedDate": _iso(shipment.shipped_at),
                "shippingCarrierCode": shipment.carrier,
                "trackingNumber": shipment.tracking_number,
            },
        )
        location = response.headers.get("location", "")
        fulfilment_id = location.rstrip("/").rsplit("/", 1)[-1]
        if not fulfilment_id:
            raise Malformed("shipping_fulfillment answered without a Location")
        return fulfilment_id

    async def pull_report(self) -> Report:
        response = await self.session.call(
            "GET", "/sell/analytics/v1/seller_standards_profile/PROGRAM_GLOBAL/CURRENT"
        )
        body = expect(json_body(response), dict, "body")
        metrics = {"standardsLevel": str(body.get("standardsLevel", ""))}
        for metric in expect(body.get("metrics", []), list, "metrics"):
            metric = expect(metric, dict, "metrics[]")
            value = metric.get("value")
            if isinstance(value, dict):
                value = value.get("value")
            metrics[str(metric.get("metricKey"))] = str(value)
        return Report(kind="ebay.sellerStandards", metrics=metrics)

    async def aclose(self) -> None:
        await self.session.aclose()


__all__ = ["EbayConnector", "MarketplaceError"]
