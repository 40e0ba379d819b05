"""A fake eBay: OAuth refresh, Account privilege, Inventory, Fulfillment and Analytics APIs.

``POST /identity/v1/oauth2/token`` takes HTTP Basic (client id and secret) and a form with
grant_type=refresh_token; Sell API calls need ``Authorization: Bearer``; an expired token
answers 401 with errorId 1001; throttling answers 429 with errorId 2001.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.marketplaces.fake_base import FakeState, form, injected_fault, record

CLIENT_ID = "Mandi-test-PRD-0123456789"
CLIENT_SECRET = "PRD-ebay-test-secret"
PAGE = 50


@dataclass
class EbayState(FakeState):
    items: dict[str, dict[str, Any]] = field(default_factory=dict)
    offers: dict[str, dict[str, Any]] = field(default_factory=dict)  # offerId -> offer
    orders: list[dict[str, Any]] = field(default_factory=list)
    fulfilments: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def add_order(
        self, order_id: str, *, sku: str, quantity: int, price: str, **extra: Any
    ) -> None:
        total = f"{float(price) * quantity:.2f}"
        self.orders.append(
            {
                "orderId": order_id,
                "creationDate": "2026-11-30T09:00:00.000Z",
                "lastModifiedDate": extra.get("updated", "2026-11-30T09:10:00.000Z"),
                "orderFulfillmentStatus": "NOT_STARTED",
                "pricingSummary": {"total": {"value": total, "currency": "USD"}},
                "buyer": {
                    "username": "buyer_" + order_id,
                    "buyerRegistrationAddress": {"fullName": extra.get("name", "Sam Lee")},
                },
                "fulfillmentStartInstructions": [
                    {
                        "shippingStep": {
                            "shipTo": {
                                "fullName": extra.get("name", "Sam Lee"),
                                "contactAddress": {
                                    "addressLine1": "1 Main St",
                                    "city": "San Jose",
                                    "stateOrProvince": "CA",
                                    "postalCode": "95125",
                                    "countryCode": "US",
                                },
                                "primaryPhone": {"phoneNumber": "+14085550100"},
                                "email": extra.get("email", f"{order_id}@members.ebay.com"),
                            }
                        }
                    }
                ],
                "lineItems": [
                    {
                        "lineItemId": f"{order_id}-L1",
                        "sku": sku,
                        "quantity": quantity,
                        "lineItemCost": {"value": total, "currency": "USD"},
                    }
                ],
            }
        )


def _error(status: int, error_id: int, message: str) -> JSONResponse:
    body = {
        "errors": [
            {"errorId": error_id, "domain": "API", "category": "REQUEST", "message": message}
        ]
    }
    return JSONResponse(body, status_code=status)


def build(state: EbayState) -> Starlette:
    async def gate(request: Request) -> Response | None:
        await record(state, request)
        token = request.headers.get("authorization", "").removeprefix("Bearer ")
        if not state.access_tokens.get(token):
            return _error(401, 1001, "Invalid access token")
        return injected_fault(state, _error(429, 2001, "Too many requests"), {})

    async def token(request: Request) -> Response:
        expected = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
        fields = await form(request)
        if (
            request.headers.get("authorization") != f"Basic {expected}"
            or fields.get("grant_type") != "refresh_token"
            or fields.get("refresh_token") not in state.refresh_tokens
        ):
            return JSONResponse(
                {"error": "invalid_grant", "error_description": "the provided grant is invalid"},
                status_code=400,
            )
        return JSONResponse(
            {
                "access_token": state.issue("v^1.1#"),
                "expires_in": 7200,
                "token_type": "User Access Token",
            }
        )

    async def privilege(request: Request) -> Response:
        if refused := await gate(request):
            return refused
        return JSONResponse({"sellerRegistrationCompleted": True, "sellingLimit": {"quantity": 10}})

    async def inventory_item(request: Request) -> Response:
        if refused := await gate(request):
            return refused
        state.items[request.path_params["sku"]] = state.requests[-1].body
        return Response(status_code=204)

    async def offers(request: Request) -> Response:
        if refused := await gate(request):
            return refused
        if request.method == "POST":
            offer_id = f"offer-{len(state.offers) + 1}"
            state.offers[offer_id] = state.requests[-1].body
            return JSONResponse({"offerId": offer_id}, status_code=201)
        sku = request.query_params.get("sku")
        found = [{"offerId": k, **v} for k, v in state.offers.items() if v.get("sku") == sku]
        if not found:
            return _error(404, 25713, "This Offer is not available.")
        return JSONResponse({"offers": found, "total": len(found)})

    async def offer(request: Request) -> Response:
        if refused := await gate(request):
            return refused
        state.offers[request.path_params["offer_id"]] = state.requests[-1].body
        return Response(status_code=204)

    async def publish(request: Request) -> Response:
        if refused := await gate(request):
            return refused
        offer_id = request.path_params["offer_id"]
        if offer_id not in state.offers:
            return _error(404, 25713, "This Offer is not available.")
        return JSONResponse({"listingId": "11" + offer_id.removeprefix("offer-").zfill(10)})

    async def bulk(request: Request) -> Response:
        if refused := await gate(request):
            return refused
        responses = []
        for req in state.requests[-1].body.get("requests", []):
            sku = req["sku"]
            if sku in state.items:
                state.items[sku]["availability"] = {
                    "shipToLocationAvailability": req["shipToLocationAvailability"]
                }
                responses.append({"statusCode": 200, "sku": sku})
            else:
                responses.append({"statusCode": 404, "sku": sku, "errors": [{"errorId": 25702}]})
        return JSONResponse({"responses": responses})

    async def orders(request: Request) -> Response:
        if refused := await gate(request):
            return refused
        raw_filter = request.query_params.get("filter", "")
        since = raw_filter.removeprefix("lastmodifieddate:[").removesuffix("..]")
        offset = int(request.query_params.get("offset", "0"))
        limit = int(request.query_params.get("limit", str(PAGE)))
        window = [o for o in state.orders if o["lastModifiedDate"] > since]
        body: dict[str, Any] = {"orders": window[offset : offset + limit], "total": len(window)}
        if offset + limit < len(window):
            body["next"] = f"{request.url.path}?offset={offset + limit}&limit={limit}"
        return JSONResponse(body)

    async def one_order(request: Request) -> Response:
        if refused := await gate(request):
            return refused
        for order in state.orders:
            if order["orderId"] == request.path_params["order_id"]:
                return JSONResponse(order)
        return _error(404, 32100, "Order not found")

    async def shipping_fulfillment(request: Request) -> Response:
        if refused := await gate(request):
            return refused
        order_id = request.path_params["order_id"]
        state.fulfilments.setdefault(order_id, []).append(state.requests[-1].body)
        fulfilment_id = f"{len(state.fulfilments[order_id])}{order_id[-4:]}"
        location = f"{request.url}/{fulfilment_id}"
        return Response(status_code=201, headers={"location": location})

    async def standards(request: Request) -> Response:
        if refused := await gate(request):
            return refused
        return JSONResponse(
            {
                "standardsLevel": "TOP_RATED",
                "program": "PROGRAM_GLOBAL",
                "metrics": [{"metricKey": "DEFECTIVE_TRANSACTION_RATE", "value": {"value": "0.2"}}],
            }
        )

    return Starlette(
        routes=[
            Route("/identity/v1/oauth2/token", token, methods=["POST"]),
            Route("/sell/account/v1/privilege", privilege),
            Route("/sell/inventory/v1/inventory_item/{sku}", inventory_item, methods=["PUT"]),
            Route("/sell/inventory/v1/offer", offers, methods=["GET", "POST"]),
            Route("/sell/inventory/v1/offer/{offer_id}", offer, methods=["PUT"]),
            Route("/sell/inventory/v1/offer/{offer_id}/publish", publish, methods=["POST"]),
            Route("/sell/inventory/v1/bulk_update_price_quantity", bulk, methods=["POST"]),
            Route("/sell/fulfillment/v1/order", orders),
            Route("/sell/fulfillment/v1/order/{order_id}", one_order),
            Route(
                "/sell/fulfillment/v1/order/{order_id}/shipping_fulfillment",
                shipping_fulfillment,
                methods=["POST"],
            ),
            Route("/sell/analytics/v1/seller_standards_profile/{program}/{cycle}", standards),
        ]
    )
