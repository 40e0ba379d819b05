"""Bad input for productCreate/Update/Archive, warehouseCreate and stockAdjust: coded, no writes."""

from __future__ import annotations

import pytest

from tests.support import (
    PRODUCT_ARCHIVE,
    PRODUCT_CREATE,
    PRODUCT_UPDATE,
    STOCK_ADJUST,
    WAREHOUSE_CREATE,
    BadInput,
    assert_rejected,
    gid,
    product_input,
)

MISSING_PK = 2_000_000_000
HUGE_PK = 2**40


def _create(**overrides):
    return lambda w: {"input": product_input(w.team.org_id, **{"sku": "NEW-1", **overrides})}


def _create_in(org_id):
    return lambda w: {"input": product_input(org_id(w), sku="NEW-1")}


def _update(**changes):
    return lambda w: {"input": {"id": gid("Product", w.product.id), **changes}}


def _update_id(product_id):
    return lambda w: {"input": {"id": product_id(w), "title": "Changed"}}


def _archive(product_id):
    return lambda w: {"id": product_id(w)}


def _warehouse(**overrides):
    return lambda w: {
        "input": {"organizationId": w.team.org_id, "code": "WH-NEW", "name": "New", **overrides}
    }


def _adjust(**overrides):
    def build(w):
        values = {
            "productId": gid("Product", w.product.id),
            "warehouseId": gid("Warehouse", w.warehouse.id),
            "delta": -1,
            "reason": "SALE",
        }
        values.update({k: v(w) if callable(v) else v for k, v in overrides.items()})
        return {"input": values}

    return build


def _not_found_ids(type_name, other_type):
    """Well-formed ids of missing rows, ids of another type, and garbage."""
    return {
        "missing": lambda w: gid(type_name, MISSING_PK),
        "beyond-int32": lambda w: gid(type_name, HUGE_PK),
        "wrong-type": lambda w: gid(other_type, w.order.id),
        "garbage": lambda w: "not an id!",
        "empty": lambda w: "",
    }


INLINE_ADJUST = """mutation($p: ID!, $w: ID!) {
  stockAdjust(input: {productId: $p, warehouseId: $w, delta: "five", reason: SALE}) {
    stock { onHand } errors { code } } }"""

CASES = [
    BadInput("create/title-201", PRODUCT_CREATE, _create(title="t" * 201), "VALIDATION", "title"),
    BadInput("create/title-blank", PRODUCT_CREATE, _create(title="  "), "VALIDATION", "title"),
    # NUL is refused for every string before any resolver (api/input_text.py).
    BadInput("create/title-nul", PRODUCT_CREATE, _create(title="a\x00b"), "BAD_USER_INPUT"),
    BadInput(
        "create/description-5001",
        PRODUCT_CREATE,
        _create(description="d" * 5001),
        "VALIDATION",
        "description",
    ),
    BadInput("create/sku-shape", PRODUCT_CREATE, _create(sku="a b"), "VALIDATION", "sku"),
    BadInput("create/sku-65", PRODUCT_CREATE, _create(sku="S" * 65), "VALIDATION", "sku"),
    BadInput("create/price-negative", PRODUCT_CREATE, _create(price="-1"), "VALIDATION", "price"),
    BadInput("create/price-1e12", PRODUCT_CREATE, _create(price="1e12"), "VALIDATION", "price"),
    BadInput("create/price-3dp", PRODUCT_CREATE, _create(price="1.005"), "VALIDATION", "price"),
    BadInput("create/price-nan", PRODUCT_CREATE, _create(price="NaN"), "VALIDATION", "price"),
    BadInput("create/price-snan", PRODUCT_CREATE, _create(price="sNaN"), "VALIDATION", "price"),
    BadInput("create/price-inf", PRODUCT_CREATE, _create(price="Infinity"), "VALIDATION", "price"),
    BadInput("create/price-text", PRODUCT_CREATE, _create(price="cheap"), "BAD_USER_INPUT"),
    BadInput("create/gst-7", PRODUCT_CREATE, _create(gstRate="7"), "VALIDATION", "gstRate"),
    BadInput("create/gst-snan", PRODUCT_CREATE, _create(gstRate="sNaN"), "VALIDATION", "gstRate"),
    BadInput("create/hsn-2", PRODUCT_CREATE, _create(hsnCode="12"), "VALIDATION", "hsnCode"),
    BadInput(
        "create/currency", PRODUCT_CREATE, _create(currency="RUPEE"), "VALIDATION", "currency"
    ),
    BadInput("create/sku-int", PRODUCT_CREATE, _create(sku=42), "BAD_USER_INPUT"),
    BadInput("create/sku-missing", PRODUCT_CREATE, _create(sku=None), "BAD_USER_INPUT"),
    BadInput("create/price-1e-3", PRODUCT_CREATE, _create(price="1E-3"), "VALIDATION", "price"),
    *[
        BadInput(
            f"create/org-{kind}",
            PRODUCT_CREATE,
            _create_in(org_id),
            "NOT_FOUND",
            "organizationId",
        )
        for kind, org_id in _not_found_ids("Organization", "Product").items()
    ],
    BadInput("update/title-201", PRODUCT_UPDATE, _update(title="t" * 201), "VALIDATION", "title"),
    BadInput("update/title-blank", PRODUCT_UPDATE, _update(title=""), "VALIDATION", "title"),
    BadInput("update/price-negative", PRODUCT_UPDATE, _update(price="-1"), "VALIDATION", "price"),
    BadInput("update/price-1e12", PRODUCT_UPDATE, _update(price="1e12"), "VALIDATION", "price"),
    BadInput(
        "update/valid-title-bad-price",
        PRODUCT_UPDATE,
        _update(title="Fine", price="0.001"),
        "VALIDATION",
        "price",
    ),
    BadInput("update/gst-13", PRODUCT_UPDATE, _update(gstRate="13"), "VALIDATION", "gstRate"),
    BadInput("update/hsn", PRODUCT_UPDATE, _update(hsnCode="ABCD"), "VALIDATION", "hsnCode"),
    BadInput("update/price-bool", PRODUCT_UPDATE, _update(price=True), "BAD_USER_INPUT"),
    BadInput(
        "update/archived",
        PRODUCT_UPDATE,
        _update_id(lambda w: gid("Product", w.archived_product.id)),
        "ARCHIVED",
    ),
    *[
        BadInput(f"update/id-{kind}", PRODUCT_UPDATE, _update_id(pid), "NOT_FOUND", "id")
        for kind, pid in _not_found_ids("Product", "Order").items()
    ],
    *[
        BadInput(f"archive/id-{kind}", PRODUCT_ARCHIVE, _archive(pid), "NOT_FOUND", "id")
        for kind, pid in _not_found_ids("Product", "Order").items()
    ],
    BadInput("archive/id-int", PRODUCT_ARCHIVE, lambda w: {"id": None}, "BAD_USER_INPUT"),
    BadInput(
        "warehouse/code-shape", WAREHOUSE_CREATE, _warehouse(code="a b"), "VALIDATION", "code"
    ),
    BadInput(
        "warehouse/code-33", WAREHOUSE_CREATE, _warehouse(code="W" * 33), "VALIDATION", "code"
    ),
    BadInput(
        "warehouse/name-201", WAREHOUSE_CREATE, _warehouse(name="n" * 201), "VALIDATION", "name"
    ),
    BadInput(
        "warehouse/city-101", WAREHOUSE_CREATE, _warehouse(city="c" * 101), "VALIDATION", "city"
    ),
    BadInput(
        "warehouse/country", WAREHOUSE_CREATE, _warehouse(country="IND"), "VALIDATION", "country"
    ),
    BadInput("warehouse/duplicate", WAREHOUSE_CREATE, _warehouse(code="WH-1"), "CONFLICT", "code"),
    BadInput("warehouse/name-list", WAREHOUSE_CREATE, _warehouse(name=["x"]), "BAD_USER_INPUT"),
    BadInput(
        "warehouse/org-wrong-type",
        WAREHOUSE_CREATE,
        _warehouse(organizationId="UHJvZHVjdDox"),
        "NOT_FOUND",
        "organizationId",
    ),
    BadInput(
        "adjust/literal-string-for-int",
        INLINE_ADJUST,
        lambda w: {"p": gid("Product", w.product.id), "w": gid("Warehouse", w.warehouse.id)},
        "GRAPHQL_VALIDATION_FAILED",
    ),
    BadInput("adjust/delta-0", STOCK_ADJUST, _adjust(delta=0), "VALIDATION", "delta"),
    BadInput("adjust/delta-1e7", STOCK_ADJUST, _adjust(delta=10**7), "VALIDATION", "delta"),
    BadInput("adjust/delta--1e7", STOCK_ADJUST, _adjust(delta=-(10**7)), "VALIDATION", "delta"),
    BadInput("adjust/delta-2^31", STOCK_ADJUST, _adjust(delta=2**31), "BAD_USER_INPUT"),
    BadInput("adjust/delta-float", STOCK_ADJUST, _adjust(delta=1.5), "BAD_USER_INPUT"),
    BadInput("adjust/delta-string", STOCK_ADJUST, _adjust(delta="5"), "BAD_USER_INPUT"),
    BadInput("adjust/reason", STOCK_ADJUST, _adjust(reason="STOLEN"), "BAD_USER_INPUT"),
    BadInput("adjust/note-501", STOCK_ADJUST, _adjust(note="n" * 501), "VALIDATION", "note"),
    BadInput(
        "adjust/key-101",
        STOCK_ADJUST,
        _adjust(idempotencyKey="k" * 101),
        "VALIDATION",
        "idempotencyKey",
    ),
    BadInput("adjust/below-zero", STOCK_ADJUST, _adjust(delta=-11), "INSUFFICIENT_STOCK", "delta"),
    BadInput(
        "adjust/never-stocked",
        STOCK_ADJUST,
        _adjust(productId=lambda w: gid("Product", w.bare_product.id)),
        "INSUFFICIENT_STOCK",
        "delta",
    ),
    BadInput(
        "adjust/archived-receipt",
        STOCK_ADJUST,
        _adjust(productId=lambda w: gid("Product", w.archived_product.id), delta=5),
        "ARCHIVED",
    ),
    *[
        BadInput(
            f"adjust/product-{kind}", STOCK_ADJUST, _adjust(productId=pid), "NOT_FOUND", "productId"
        )
        for kind, pid in _not_found_ids("Product", "Order").items()
    ],
    *[
        BadInput(
            f"adjust/warehouse-{kind}",
            STOCK_ADJUST,
            _adjust(warehouseId=wid),
            "NOT_FOUND",
            "warehouseId",
        )
        for kind, wid in _not_found_ids("Warehouse", "Order").items()
    ],
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
async def test_bad_input_is_refused_and_writes_nothing(world, case):
    await assert_rejected(world, case)
