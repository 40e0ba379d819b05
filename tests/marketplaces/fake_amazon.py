"""A fake Selling Partner API and Login with Amazon, in the documented shapes.

LWA: ``POST /auth/o2/token`` (form: grant_type=refresh_token, refresh_token, client_id,
client_secret). SP-API calls need ``x-amz-access-token``; an expired or unknown token answers
403 ``{"errors": [{"code": "Unauthorized", ...}]}``; every response carries
``x-amzn-RateLimit-Limit``; throttling answers 429 with ``QuotaExceeded``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.marketplaces.fake_base import FakeState, form, injected_fault, record

CLIENT_ID = "amzn1.application-oa2-client.mandi-test"
CLIENT_SECRET = "amzn-test-secret"
PAGE = 2


@dataclass
class AmazonState(FakeState):
    rate: str = "50.0"  # requests per second: a 429 means waiting 1/50 s
    marketplaces: set[str] = field(default_factory=lambda: {"A21TJRUUN4KGV"})
    listings: dict[str, dict[str, Any]] = field(default_factory=dict)
    orders: list[dict[str, Any]] = field(default_factory=list)
    items: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    shipments: dict[str, dict[str, Any]] = field(default_factory=dict)
    window: list[dict[str, Any]] = field(default_factory=list)  # the orders a NextToken pages

    def add_order(
        self, order_id: str, *, sku: str, quantity: int, price: str, **extra: Any
    ) -> None:
        status = extra.pop("status", "Unshipped")
        self.orders.append(
            {
                "AmazonOrderId": order_id,
                "PurchaseDate": "2026-11-30T10:00:00Z",
                "LastUpdateDate": extra.pop("updated", "2026-11-30T10:05:00Z"),
                "OrderStatus": status,
                "OrderTotal": {"CurrencyCode": "INR", "Amount": price},
                "BuyerInfo": {
                    "BuyerEmail": extra.get("email", f"{order_id}@marketplace.amazon.in")
                },
                "ShippingAddress": {
                    "Name": extra.get("name", "Asha Rao"),
                    "AddressLine1": "12 MG Road",
                    "City": "Bengaluru",
                    "StateOrRegion": "KA",
                    "PostalCode": "560001",
                    "CountryCode": "IN",
                    "Phone": "+919812345678",
                },
            }
        )
        total = f"{float(price) * quantity:.2f}"
        self.items[order_id] = [
            {
                "OrderItemId": f"{order_id}-1",
                "SellerSKU": sku,
                "QuantityOrdered": quantity,
                "ItemPrice": {"CurrencyCode": "INR", "Amount": total},
            }
        ]


def _error(status: int, code: str, message: str, headers: dict[str, str]) -> JSONResponse:
    body = {"errors": [{"code": code, "message": message, "details": ""}]}
    return JSONResponse(body, status_code=status, headers=headers)


def build(state: AmazonState) -> Starlette:
    def rate_headers() -> dict[str, str]:
        return {"x-amzn-RateLimit-Limit": state.rate, "x-amzn-RequestId": "req-fake"}

    async def gate(request: Request) -> Response | None:
        await record(state, request)
        headers = rate_headers()
        token = request.headers.get("x-amz-access-token", "")
        if not state.access_tokens.get(token):
            return _error(403, "Unauthorized", "Access to requested resource is denied.", headers)
        throttled = _error(429, "QuotaExceeded", "You exceeded your quota.", headers)
        return injected_fault(state, throttled, headers)

    async def token(request: Request) -> Response:
        fields = await form(request)
        if (
            fields.get("grant_type") != "refresh_token"
            or fields.get("client_id") != CLIENT_ID
            or fields.get("client_secret") != CLIENT_SECRET
            or fields.get("refresh_token") not in state.refresh_tokens
        ):
            return JSONResponse(
                {"error": "invalid_grant", "error_description": "The request has an invalid grant"},
                status_code=400,
            )
        return JSONResponse(
            {"access_token": state.issue("Atza|"), "token_type": "bearer", "expires_in": 3600}
        )

    async def participations(request: Request) -> Response:
        if refused := await gate(request):
            return refused
        payload = [
            {
                "marketplace": {"id": m, "countryCode": "IN"},
                "participation": {"isParticipating": True},
            }
            for m in sorted(state.marketplaces)
        ]
        return JSONResponse({"payload": payload}, headers=rate_headers())

    async def listing_item(request: Request) -> Response:
        if refused := await gate(request):
            return refused
        sku = request.path_params["sku"]
        body = state.requests[-1].body
        if request.method == "PUT":
            state.listings[sku] = body
        elif sku not in state.listings:
            return _error(404, "NOT_FOUND", "The requested listing was not found.", rate_headers())
        else:
            for patch in body.get("patches", []):
                state.listings[sku].setdefault("attributes", {})[
                    patch["path"].rsplit("/", 1)[1]
                ] = patch["value"]
        answer = {"sku": sku, "status": "ACCEPTED", "submissionId": "sub-1", "issues": []}
        return JSONResponse(answer, headers=rate_headers())

    async def orders(request: Request) -> Response:
        if refused := await gate(request):
            return refused
        query = request.query_params
        if token := query.get("NextToken"):
            start = int(token)
        else:
            after = query.get("LastUpdatedAfter", "")
            start = 0
            state.window = [o for o in state.orders if o["LastUpdateDate"] > after]
        window = state.window
        page = window[start : start + PAGE]
        payload: dict[str, Any] = {"Orders": page}
        if start + PAGE < len(window):
            payload["NextToken"] = str(start + PAGE)
        return JSONResponse({"payload": payload}, headers=rate_headers())

    async def order_items(request: Request) -> Response:
        if refused := await gate(request):
            return refused
        order_id = request.path_params["order_id"]
        if order_id not in state.items:
            return _error(404, "InvalidInput", "Invalid AmazonOrderId", rate_headers())
        payload = {"AmazonOrderId": order_id, "OrderItems": state.items[order_id]}
        return JSONResponse({"payload": payload}, headers=rate_headers())

    async def confirm_shipment(request: Request) -> Response:
        if refused := await gate(request):
            return refused
        state.shipments[request.path_params["order_id"]] = state.requests[-1].body
        return Response(status_code=204, headers=rate_headers())

    async def order_metrics(request: Request) -> Response:
        if refused := await gate(request):
            return refused
        row = {
            "interval": request.query_params.get("interval"),
            "unitCount": 3,
            "orderItemCount": 2,
            "orderCount": 2,
            "averageUnitPrice": {"amount": "100.00", "currencyCode": "INR"},
            "totalSales": {"amount": "300.00", "currencyCode": "INR"},
        }
        return JSONResponse({"payload": [row]}, headers=rate_headers())

    return Starlette(
        routes=[
            Route("/auth/o2/token", token, methods=["POST"]),
            Route("/sellers/v1/marketplaceParticipations", participations),
            Route(
                "/listings/2021-08-01/items/{seller}/{sku}", listing_item, methods=["PUT", "PATCH"]
            ),
            Route("/orders/v0/orders", orders),
            Route("/orders/v0/orders/{order_id}/orderItems", order_items),
            Route(
                "/orders/v0/orders/{order_id}/shipment/confirmation",
                confirm_shipment,
                methods=["POST"],
            ),
            Route("/sales/v1/orderMetrics", order_metrics),
        ]
    )
