"""GraphQL types for customers (buyers), orders and their lines."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.types import Info

from api.marketplaces.types import Marketplace
from api.node import Node
from api.pagination import Connection
from domain.orders.lifecycle import TRANSITIONS
from domain.orders.models import Customer as CustomerRow
from domain.orders.models import Order as OrderRow
from domain.orders.models import OrderLine as OrderLineRow
from domain.orders.models import OrderStatus as OrderStatusEnum

if TYPE_CHECKING:
    from api.catalog.types import Product

strawberry.enum(OrderStatusEnum, name="OrderStatus")
OrderStatus = OrderStatusEnum


@strawberry.type(description="A buyer of one organization.")
class Customer(Node):
    name: str | None = strawberry.field(description="The buyer's name.")
    email: str | None = strawberry.field(description="The buyer's email address.")
    phone: str | None = strawberry.field(description="The buyer's phone number.")
    created_at: datetime

    @strawberry.field(
        description="The buyer's address book (addresses they shipped to), newest first."
    )
    async def addresses(
        self, root: CustomerRow, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[CustomerAddress] | None:
        return await info.context.loaders.customer_addresses.load((root.id, first, after))


@strawberry.type
class CustomerAddress:
    line1: str | None = strawberry.field(description="First address line.")
    line2: str | None = strawberry.field(description="Second address line.")
    city: str | None = strawberry.field(description="City.")
    state: str | None = strawberry.field(
        description="State or region (for GST, the place of supply)."
    )
    postal_code: str | None = strawberry.field(description="Postal code (PIN in India).")
    country: str | None = strawberry.field(description="Country, ISO 3166-1 alpha-2.")


@strawberry.type(description="One product line of an order, priced at the time of the order.")
class OrderLine:
    sku: str
    title: str
    quantity: int
    unit_price: Decimal

    @strawberry.field
    def line_total(self, root: OrderLineRow) -> Decimal:
        return root.quantity * root.unit_price

    @strawberry.field(description="The product, while it still exists.")
    async def product(
        self, root: OrderLineRow, info: Info
    ) -> Annotated[Product, strawberry.lazy("api.catalog.types")] | None:
        if root.product_id is None:
            return None
        return await info.context.loaders.product.load(root.product_id)


@strawberry.type
class OrderStatusChange:
    from_status: OrderStatus | None
    to_status: OrderStatus
    created_at: datetime


@strawberry.type(description="An order received from a marketplace.")
class Order(Node):
    marketplace: Marketplace
    external_order_id: str
    status: OrderStatus
    currency: str
    total: Decimal
    placed_at: datetime
    updated_at: datetime
    shipping_name: str | None = strawberry.field(description="Recipient's name on the parcel.")
    shipping_phone: str | None = strawberry.field(description="Recipient's phone number.")
    shipping_line1: str | None = strawberry.field(description="First line of the shipping address.")
    shipping_line2: str | None = strawberry.field(
        description="Second line of the shipping address."
    )
    shipping_city: str | None = strawberry.field(description="Shipping city.")
    shipping_state: str | None = strawberry.field(
        description="Shipping state or region (the GST place of supply)."
    )
    shipping_postal_code: str | None = strawberry.field(
        description="Shipping postal code (PIN in India)."
    )
    shipping_country: str | None = strawberry.field(
        description="Shipping country, ISO 3166-1 alpha-2."
    )

    @strawberry.field(description="Statuses this order may move to next.")
    def next_statuses(self, root: OrderRow) -> list[OrderStatus]:
        return sorted(TRANSITIONS[OrderStatusEnum(root.status)])

    @strawberry.field
    async def customer(self, root: OrderRow, info: Info) -> Customer:
        return await info.context.loaders.customer.load(root.customer_id)

    @strawberry.field
    async def lines(self, root: OrderRow, info: Info) -> list[OrderLine]:
        return await info.context.loaders.order_lines.load(root.id)

    @strawberry.field(description="Its status changes, newest first.")
    async def history(
        self, root: OrderRow, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[OrderStatusChange] | None:
        return await info.context.loaders.order_history.load((root.id, first, after))
