"""Mutations: orderImport, orderTransition."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import strawberry
from strawberry.types import Info

from api.access import authorize, authorize_fields, get_readable
from api.audit_notes import wrote
from api.errors import MutationError
from api.marketplaces.types import Marketplace
from api.orders.types import Order, OrderStatus
from api.payloads import attempt
from domain.accounts.models import Organization
from domain.orders import models, services
from domain.personal import declaration


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
    marketplace: Marketplace  # type: ignore[valid-type]
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


def personal_fields(model: type) -> list[str]:
    decl = declaration(model)
    return list(decl.fields) if decl else []


@strawberry.type
class OrderMutations:
    @strawberry.mutation(description="Import an order. Needs owner, admin or manager.")
    async def order_import(self, info: Info, input: OrderImportInput) -> OrderPayload:
        async def run() -> models.Order:
            org = await get_readable(
                info.context, Organization, input.organization_id, field="organizationId"
            )
            ctx = info.context
            authorize(ctx, "order.import", org)
            # The buyer's data is written: check the field rules on stand-ins of what is created.
            draft_customer = models.Customer(organization_id=org.id)
            authorize_fields(ctx, draft_customer, personal_fields(models.Customer))
            draft_order = models.Order(organization_id=org.id, status=models.OrderStatus.PLACED)
            authorize_fields(ctx, draft_order, personal_fields(models.Order))
            order = await services.import_order(
                organization_id=org.id,
                marketplace=input.marketplace,
                external_order_id=input.external_order_id,
                buyer=services.BuyerInput(**vars(input.customer)),
                shipping=services.AddressInput(**vars(input.shipping_address)),
                lines=[services.LineInput(**vars(line)) for line in input.lines[:1000]],
                currency=input.currency,
                placed_at=input.placed_at,
            )
            wrote(ctx, order, action="create")
            wrote(ctx, await models.Customer.get(id=order.customer_id))
            return order

        order, errors = await attempt(run)
        return OrderPayload(order=order, errors=errors)  # type: ignore[arg-type]

    @strawberry.mutation(description="Move an order to its next status. Needs staff or above.")
    async def order_transition(
        self,
        info: Info,
        id: strawberry.ID,
        to_status: OrderStatus,  # type: ignore[valid-type]
    ) -> OrderPayload:
        async def run() -> models.Order:
            order = await get_readable(info.context, models.Order, id)
            authorize(info.context, "order.transition", order)
            return await services.transition_order(
                order=order, to_status=to_status, actor_id=info.context.principal.user_id
            )

        order, errors = await attempt(run)
        return OrderPayload(order=order, errors=errors)  # type: ignore[arg-type]
