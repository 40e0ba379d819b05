"""Mutations: orderImport, orderTransition."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import strawberry
from strawberry.types import Info

from api.access import authorize, authorize_fields, get_readable, record_write
from api.errors import MutationError
from api.marketplaces.types import Marketplace
from api.orders.types import Order, OrderStatus
from api.payloads import payload
from domain.accounts.models import Organization
from domain.orders import models, services


@strawberry.input
class BuyerInput:
    name: str
    email: str | None = None
    phone: str | None = None


@strawberry.input
class AddressInput:
    name: str
    line1: str
    city: str
    postal_code: str
    country: str
    line2: str | None = None
    state: str | None = None
    phone: str | None = None


@strawberry.input
class OrderLineInput:
    sku: str
    quantity: int
    unit_price: Decimal


@strawberry.input(description="An order as received from a marketplace.")
class OrderImportInput:
    organization_id: strawberry.ID
    marketplace: Marketplace
    external_order_id: str
    customer: BuyerInput
    shipping_address: AddressInput
    lines: list[OrderLineInput]
    currency: str = "INR"
    placed_at: datetime | None = None


@strawberry.type
class OrderPayload:
    order: Order | None
    errors: list[MutationError]


@strawberry.type
class OrderMutations:
    @strawberry.mutation(
        description="Import an order received on a marketplace (CONFLICT if already imported)."
    )
    @payload(OrderPayload)
    async def order_import(self, info: Info, input: OrderImportInput) -> models.Order:
        org = await get_readable(
            info.context, Organization, input.organization_id, field="organizationId"
        )
        ctx = info.context
        authorize(ctx, "import_order", org)
        # The buyer's data is written: check the field rules on drafts of what is created.
        # An existing buyer (same email) is reused, so naming one by email needs the right to
        # read buyer contact data, whether or not they exist: the answer reveals nothing.
        buyer = vars(input.customer)
        given = [name for name, value in buyer.items() if value is not None]
        draft_customer = models.Customer(organization_id=org.id)
        if buyer.get("email") is not None:
            authorize_fields(ctx, "read", draft_customer, ["email"])
        authorize_fields(ctx, "update", draft_customer, given)
        shipping = vars(input.shipping_address)
        shipped = [f"shipping_{name}" for name, value in shipping.items() if value is not None]
        draft_order = models.Order(organization_id=org.id, status=models.OrderStatus.PLACED)
        authorize_fields(ctx, "update", draft_order, shipped)
        draft_address = models.CustomerAddress(organization_id=org.id)
        authorize_fields(ctx, "update", draft_address, services.ADDRESS_PARTS)
        imported = await services.import_order(
            organization_id=org.id,
            marketplace=input.marketplace,
            external_order_id=input.external_order_id,
            buyer=services.BuyerInput(**buyer),
            shipping=services.AddressInput(**shipping),
            lines=[services.LineInput(**vars(line)) for line in input.lines[:1000]],
            currency=input.currency,
            placed_at=input.placed_at,
        )
        record_write(ctx, imported.order, shipped, action="create")
        if imported.customer_created:
            record_write(ctx, imported.customer, given, action="create")
        if imported.address is not None:
            written = [part for part in services.ADDRESS_PARTS if getattr(imported.address, part)]
            record_write(ctx, imported.address, written, action="create")
        return imported.order

    @strawberry.mutation(
        description="Move an order to its next status (see `nextStatuses`; else "
        "INVALID_TRANSITION)."
    )
    @payload(OrderPayload)
    async def order_transition(
        self,
        info: Info,
        id: strawberry.ID,
        to_status: OrderStatus,
    ) -> models.Order:
        order = await get_readable(info.context, models.Order, id)
        authorize(info.context, "transition", order)
        return await services.transition_order(
            order=order, to_status=to_status, actor_id=info.context.principal.user_id
        )
