"""Import orders from a marketplace and move them through their lifecycle."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from domain import validation as v
from domain.catalog.models import Product
from domain.crypto.fields import lookup
from domain.errors import Conflict, InvalidTransition, ValidationFailed
from domain.marketplaces.models import Marketplace
from domain.orders.lifecycle import can_transition
from domain.orders.models import (
    Customer,
    CustomerAddress,
    Order,
    OrderLine,
    OrderStatus,
    OrderStatusChange,
)

MAX_LINES = 100
ADDRESS_PARTS = ("line1", "line2", "city", "state", "postal_code", "country")


@dataclass(frozen=True)
class BuyerInput:
    name: str
    email: str | None = None
    phone: str | None = None


@dataclass(frozen=True)
class AddressInput:
    name: str
    line1: str
    city: str
    postal_code: str
    country: str
    line2: str | None = None
    state: str | None = None
    phone: str | None = None


@dataclass(frozen=True)
class Imported:
    """An imported order, and which of its buyer's records the import created."""

    order: Order
    customer: Customer
    customer_created: bool
    address: CustomerAddress | None  # the address-book entry it added, if any


@dataclass(frozen=True)
class LineInput:
    sku: str
    quantity: int
    unit_price: Decimal


def _buyer(buyer: BuyerInput) -> dict:
    return {
        "name": v.text(buyer.name, field="customer.name", max_length=200),
        "email": v.email(buyer.email, field="customer.email").lower() if buyer.email else None,
        "phone": v.phone(buyer.phone, field="customer.phone") if buyer.phone else None,
    }


def _shipping(address: AddressInput) -> dict:
    f = "shippingAddress."
    return {
        "shipping_name": v.text(address.name, field=f + "name", max_length=200),
        "shipping_phone": v.phone(address.phone, field=f + "phone") if address.phone else None,
        "shipping_line1": v.text(address.line1, field=f + "line1", max_length=200),
        "shipping_line2": v.optional_text(address.line2, field=f + "line2", max_length=200),
        "shipping_city": v.text(address.city, field=f + "city", max_length=100),
        "shipping_state": v.optional_text(address.state, field=f + "state", max_length=100),
        "shipping_postal_code": v.text(address.postal_code, field=f + "postalCode", max_length=20),
        "shipping_country": v.country(address.country, field=f + "country"),
    }


async def import_order(
    *,
    organization_id: int,
    marketplace: Marketplace,
    external_order_id: str,
    buyer: BuyerInput,
    shipping: AddressInput,
    lines: list[LineInput],
    currency: str = "INR",
    placed_at: datetime | None = None,
) -> Imported:
    """Record an order received from a marketplace, with its buyer and lines, all or nothing.

    A buyer with an email the organization already knows is that customer (the caller decides
    beforehand whether it may see them); otherwise a new customer is created."""
    external_id = v.text(external_order_id, field="externalOrderId", max_length=64)
    buyer_values = _buyer(buyer)
    shipping_values = _shipping(shipping)
    currency = v.currency(currency)
    placed_at = _placed_at(placed_at)
    if not 1 <= len(lines) <= MAX_LINES:
        raise ValidationFailed(f"an order has 1 to {MAX_LINES} lines", field="lines")
    skus = [v.sku(line.sku, field=f"lines.{i}.sku") for i, line in enumerate(lines)]
    products = {
        p.sku: p
        for p in await Product.filter(organization_id=organization_id, sku__in=skus, archived=False)
    }
    line_rows: list[dict[str, Any]] = []
    for i, (line, sku) in enumerate(zip(lines, skus, strict=True)):
        product = products.get(sku)
        if product is None:
            raise ValidationFailed("no active product with this SKU", field=f"lines.{i}.sku")
        line_rows.append(
            {
                "product_id": product.id,
                "sku": sku,
                "title": product.title,
                "quantity": v.quantity(line.quantity, field=f"lines.{i}.quantity"),
                "unit_price": v.money(line.unit_price, field=f"lines.{i}.unitPrice"),
            }
        )
    total = sum((r["quantity"] * r["unit_price"] for r in line_rows), Decimal("0"))
    v.money(total, field="lines")
    try:
        async with in_transaction():
            customer, created = await _customer(organization_id, buyer_values)
            address = await _remember_address(customer, shipping_values)
            order = await Order.create(
                organization_id=organization_id,
                marketplace=marketplace,
                external_order_id=external_id,
                customer=customer,
                currency=currency,
                total=total,
                placed_at=placed_at,
                **shipping_values,
            )
            await OrderLine.bulk_create(
                [
                    OrderLine(order_id=order.id, organization_id=organization_id, **r)
                    for r in line_rows
                ]
            )
            await OrderStatusChange.create(order_id=order.id, to_status=OrderStatus.PLACED)
    except IntegrityError:
        raise Conflict("this order was already imported", field="externalOrderId") from None
    return Imported(order=order, customer=customer, customer_created=created, address=address)


def _placed_at(value: datetime | None) -> datetime:
    if value is None:
        return datetime.now(UTC)
    # Marketplaces' clocks and time zones differ: allow a day ahead, refuse the absurd.
    return v.moment(value, field="placedAt", earliest=v.EARLIEST, latest_ahead=timedelta(days=1))


def _same_buyer(organization_id: int, email: str) -> Any:
    return Customer.filter(
        organization_id=organization_id, email_index=lookup(Customer, "email", email)
    )


async def _customer(organization_id: int, values: dict) -> tuple[Customer, bool]:
    """The organization's customer with this email, else a new one (and whether it is new).
    One customer per (organization, email) is a unique constraint on the email's blind index:
    of two concurrent imports for a new buyer, the second finds the first's customer."""
    if not values["email"]:
        return await Customer.create(organization_id=organization_id, **values), True
    existing = await _same_buyer(organization_id, values["email"]).first()
    if existing:
        return existing, False
    try:
        async with in_transaction():  # a savepoint: losing the race leaves the order's intact
            return await Customer.create(organization_id=organization_id, **values), True
    except IntegrityError:
        return await _same_buyer(organization_id, values["email"]).get(), False


async def find_customer(*, organization_id: int, email: str) -> Customer | None:
    """The organization's customer with this email (an equality look-up by blind index)."""
    return await _same_buyer(organization_id, v.email(email, field="email").lower()).first()


def orders_of_buyer(*, organization_id: int, email: str) -> Any:
    """The organization's orders whose buyer has this email, as a query."""
    index = lookup(Customer, "email", v.email(email, field="email").lower())
    return Order.filter(organization_id=organization_id, customer__email_index=index)


async def _remember_address(customer: Customer, shipping_values: dict) -> CustomerAddress | None:
    """Keep the shipping address in the customer's address book, once; the entry if added
    (compared decrypted: sealed values differ even when equal)."""
    address = {part: shipping_values[f"shipping_{part}"] for part in ADDRESS_PARTS}
    known = await CustomerAddress.filter(customer_id=customer.id)
    if any(all(getattr(a, p) == address[p] for p in ADDRESS_PARTS) for a in known):
        return None
    return await CustomerAddress.create(
        organization_id=customer.organization_id, customer_id=customer.id, **address
    )


async def transition_order(*, order: Order, to_status: OrderStatus, actor_id: int | None) -> Order:
    """Move an order to ``to_status`` if the lifecycle allows; concurrent moves cannot both win."""
    current = OrderStatus(order.status)
    if not can_transition(current, to_status):
        raise InvalidTransition(
            f"an order that is {current.value} cannot become {to_status.value}", field="status"
        )
    async with in_transaction():
        moved = await Order.filter(id=order.id, status=current).update(status=to_status)
        if not moved:
            raise Conflict("the order changed meanwhile; reload it", field="status")
        await OrderStatusChange.create(
            order_id=order.id, from_status=current, to_status=to_status, actor_id=actor_id
        )
    order.status = to_status
    return order
