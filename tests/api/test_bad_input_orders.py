"""Bad input for orderImport and orderTransition: coded errors, nothing written."""

from __future__ import annotations

import pytest

from tests.support import ORDER_IMPORT, ORDER_TRANSITION, BadInput, assert_rejected, gid

MISSING_PK = 2_000_000_000


def _order(**overrides):
    return {
        "marketplace": "FLIPKART",
        "externalOrderId": "OD-1",
        "customer": {"name": "Asha Rao", "email": "asha@example.test", "phone": "+919812345678"},
        "shippingAddress": {
            "name": "Asha Rao",
            "line1": "9 Lake View",
            "city": "Mysuru",
            "postalCode": "570001",
            "country": "IN",
        },
        "lines": [{"sku": "SKU-1", "quantity": 1, "unitPrice": "100.00"}],
        **overrides,
    }


def _import(**overrides):
    return lambda w: {"input": {"organizationId": w.team.org_id, **_order(**overrides)}}


def _customer(**changes):
    return _import(customer={**_order()["customer"], **changes})


def _address(**changes):
    return _import(shippingAddress={**_order()["shippingAddress"], **changes})


def _line(**changes):
    return _import(lines=[{**_order()["lines"][0], **changes}])


def _import_into(org_id):
    return lambda w: {"input": {"organizationId": org_id(w), **_order()}}


def _transition(to_status, order_id=lambda w: gid("Order", w.order.id)):
    return lambda w: {"id": order_id(w), "toStatus": to_status}


EMAILS = ["not-an-email", "a@b", "a b@example.com", "@example.com", "x" * 250 + "@example.com"]
PHONES = ["12345", "+0123456789", "+91 98123 4567x", "+1234567890123456"]

CASES = [
    *[
        BadInput(f"email-{i}", ORDER_IMPORT, _customer(email=e), "VALIDATION", "customer.email")
        for i, e in enumerate(EMAILS)
    ],
    *[
        BadInput(f"phone-{i}", ORDER_IMPORT, _customer(phone=p), "VALIDATION", "customer.phone")
        for i, p in enumerate(PHONES)
    ],
    BadInput(
        "ship-phone", ORDER_IMPORT, _address(phone="call me"), "VALIDATION", "shippingAddress.phone"
    ),
    BadInput(
        "ship-country",
        ORDER_IMPORT,
        _address(country="India"),
        "VALIDATION",
        "shippingAddress.country",
    ),
    BadInput(
        "ship-line1-201",
        ORDER_IMPORT,
        _address(line1="l" * 201),
        "VALIDATION",
        "shippingAddress.line1",
    ),
    BadInput(
        "ship-postal-21",
        ORDER_IMPORT,
        _address(postalCode="1" * 21),
        "VALIDATION",
        "shippingAddress.postalCode",
    ),
    BadInput("name-201", ORDER_IMPORT, _customer(name="n" * 201), "VALIDATION", "customer.name"),
    BadInput("name-blank", ORDER_IMPORT, _customer(name=" "), "VALIDATION", "customer.name"),
    BadInput("no-lines", ORDER_IMPORT, _import(lines=[]), "VALIDATION", "lines"),
    BadInput(
        "101-lines",
        ORDER_IMPORT,
        _import(lines=[_order()["lines"][0]] * 101),
        "VALIDATION",
        "lines",
    ),
    BadInput("quantity-0", ORDER_IMPORT, _line(quantity=0), "VALIDATION", "lines.0.quantity"),
    BadInput("quantity--1", ORDER_IMPORT, _line(quantity=-1), "VALIDATION", "lines.0.quantity"),
    BadInput("quantity-1e6", ORDER_IMPORT, _line(quantity=10**6), "VALIDATION", "lines.0.quantity"),
    BadInput("quantity-2^31", ORDER_IMPORT, _line(quantity=2**31), "BAD_USER_INPUT"),
    BadInput("quantity-text", ORDER_IMPORT, _line(quantity="two"), "BAD_USER_INPUT"),
    BadInput("price--1", ORDER_IMPORT, _line(unitPrice="-1"), "VALIDATION", "lines.0.unitPrice"),
    BadInput(
        "price-1e12", ORDER_IMPORT, _line(unitPrice="1e12"), "VALIDATION", "lines.0.unitPrice"
    ),
    BadInput(
        "price-3dp", ORDER_IMPORT, _line(unitPrice="9.999"), "VALIDATION", "lines.0.unitPrice"
    ),
    BadInput(
        "total-too-big",
        ORDER_IMPORT,
        _line(quantity=100_000, unitPrice="99999.99"),
        "VALIDATION",
        "lines",
    ),
    BadInput(
        "unknown-sku",
        ORDER_IMPORT,
        _import(
            lines=[_order()["lines"][0], {"sku": "NOPE-9", "quantity": 1, "unitPrice": "5.00"}]
        ),
        "VALIDATION",
        "lines.1.sku",
    ),
    BadInput("archived-sku", ORDER_IMPORT, _line(sku="SKU-OLD"), "VALIDATION", "lines.0.sku"),
    BadInput("sku-shape", ORDER_IMPORT, _line(sku="a b"), "VALIDATION", "lines.0.sku"),
    BadInput(
        "external-65",
        ORDER_IMPORT,
        _import(externalOrderId="E" * 65),
        "VALIDATION",
        "externalOrderId",
    ),
    BadInput(
        "external-blank",
        ORDER_IMPORT,
        _import(externalOrderId=""),
        "VALIDATION",
        "externalOrderId",
    ),
    BadInput("currency", ORDER_IMPORT, _import(currency="rupees"), "VALIDATION", "currency"),
    BadInput("marketplace", ORDER_IMPORT, _import(marketplace="SHOPIFY"), "BAD_USER_INPUT"),
    BadInput("placed-at", ORDER_IMPORT, _import(placedAt="yesterday"), "BAD_USER_INPUT"),
    BadInput(
        "placed-year-1",
        ORDER_IMPORT,
        _import(placedAt="0001-01-01T00:00:00Z"),
        "VALIDATION",
        "placedAt",
    ),
    BadInput(
        "placed-year-9999",
        ORDER_IMPORT,
        _import(placedAt="9999-12-31T23:59:59Z"),
        "VALIDATION",
        "placedAt",
    ),
    BadInput("unknown-input-field", ORDER_IMPORT, _import(coupon="FREE"), "BAD_USER_INPUT"),
    BadInput("customer-missing", ORDER_IMPORT, _import(customer=None), "BAD_USER_INPUT"),
    BadInput(
        "org-missing",
        ORDER_IMPORT,
        _import_into(lambda w: gid("Organization", MISSING_PK)),
        "NOT_FOUND",
        "organizationId",
    ),
    BadInput(
        "org-wrong-type",
        ORDER_IMPORT,
        _import_into(lambda w: gid("Order", w.order.id)),
        "NOT_FOUND",
        "organizationId",
    ),
    BadInput(
        "org-garbage",
        ORDER_IMPORT,
        _import_into(lambda w: "%%%"),
        "NOT_FOUND",
        "organizationId",
    ),
    BadInput("external-null", ORDER_IMPORT, _import(externalOrderId=None), "BAD_USER_INPUT"),
    BadInput(
        "skip-status", ORDER_TRANSITION, _transition("SHIPPED"), "INVALID_TRANSITION", "status"
    ),
    BadInput(
        "same-status", ORDER_TRANSITION, _transition("PLACED"), "INVALID_TRANSITION", "status"
    ),
    BadInput("unknown-status", ORDER_TRANSITION, _transition("LOST"), "BAD_USER_INPUT"),
    BadInput("status-int", ORDER_TRANSITION, _transition(3), "BAD_USER_INPUT"),
    *[
        BadInput(
            f"transition-{kind}", ORDER_TRANSITION, _transition("PAID", oid), "NOT_FOUND", "id"
        )
        for kind, oid in {
            "missing": lambda w: gid("Order", MISSING_PK),
            "beyond-int64": lambda w: gid("Order", 2**63),
            "wrong-type": lambda w: gid("Product", w.product.id),
            "garbage": lambda w: "Order:1",
        }.items()
    ],
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
async def test_bad_input_is_refused_and_writes_nothing(world, case):
    await assert_rejected(world, case)


async def test_duplicate_external_order_id_is_a_conflict_and_writes_nothing(world):
    external_id = world.order.external_order_id
    case = BadInput(
        "duplicate",
        ORDER_IMPORT,
        _import(externalOrderId=external_id, marketplace="AMAZON"),
        "CONFLICT",
        "externalOrderId",
    )
    await assert_rejected(world, case)
