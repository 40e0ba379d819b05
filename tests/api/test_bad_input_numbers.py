"""Decimal inputs (prices, GST rates, unit prices) are the decimal the client wrote, in ASCII
digits: a JSON number is not rounded through a float, NaN and Infinity are no numbers, and
negative zero is zero."""

from __future__ import annotations

import json

import pytest

from tests.support import (
    ORDER_IMPORT,
    PRODUCT_CREATE,
    BadInput,
    assert_rejected,
    business_state,
    gql_data,
    product_input,
    unique,
)

NUMBER = "__number__"  # where the raw JSON number goes in the variables


def _product(**overrides):
    return {"input": product_input("ORG", **{"sku": unique("N-"), **overrides})}


def _order_line(unit_price):
    return {
        "input": {
            "organizationId": "ORG",
            "marketplace": "FLIPKART",
            "externalOrderId": unique("OD-"),
            "customer": {"name": "Asha Rao", "email": "asha@example.test"},
            "shippingAddress": {
                "name": "Asha Rao",
                "line1": "9 Lake View",
                "city": "Mysuru",
                "postalCode": "570001",
                "country": "IN",
            },
            "lines": [{"sku": "SKU-1", "quantity": 1, "unitPrice": unit_price}],
        }
    }


def _in(world, variables):
    """``variables`` with the world's organization id where they say ORG."""
    text = json.dumps(variables).replace('"ORG"', json.dumps(world.team.org_id))
    return json.loads(text)


async def _post_raw(client, document, variables, number: str) -> dict:
    """POST ``variables`` with the JSON number ``number`` written, as is, where they say
    NUMBER: Python's json would write a float, which cannot hold 1e-999."""
    text = json.dumps({"query": document, "variables": variables})
    response = await client.post(
        "/graphql",
        content=text.replace(json.dumps(NUMBER), number),
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 200, response.text
    return response.json()


def _only_error(body, mutation):
    assert "errors" not in body, body["errors"]
    payload = body["data"][mutation]
    assert all(payload[k] is None for k in payload if k != "errors"), payload
    [error] = payload["errors"]
    return error["code"], error["field"], error["message"]


PLACES = "must have at most two decimal places"
GST_RATES = "GST rate must be one of 0, 0.25, 3, 5, 12, 18, 28"


@pytest.mark.parametrize(
    ("variables", "mutation", "number", "expected"),
    [
        # 1e-999 was read as the float 0.0: a product at price "0.00".
        (_product(price=NUMBER), "productCreate", "1e-999", ("price", PLACES)),
        (_product(price=NUMBER), "productCreate", "1e-30", ("price", PLACES)),
        (_product(price=NUMBER), "productCreate", "-1e-999", ("price", PLACES)),
        (_product(price=NUMBER), "productCreate", "1.005", ("price", PLACES)),
        (_product(price=NUMBER), "productCreate", "1E+9", ("price", "must be between")),
        (_product(gstRate=NUMBER), "productCreate", "1e-999", ("gstRate", GST_RATES)),
        (_product(gstRate=NUMBER), "productCreate", "5.0000000000000001", ("gstRate", GST_RATES)),
        (_order_line(NUMBER), "orderImport", "1e-999", ("lines.0.unitPrice", PLACES)),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
async def test_a_json_number_is_the_decimal_it_spells(world, variables, mutation, number, expected):
    document = PRODUCT_CREATE if mutation == "productCreate" else ORDER_IMPORT
    before = await business_state(world.org_pk)
    body = await _post_raw(world.team.clients["manager"], document, _in(world, variables), number)
    code, field, message = _only_error(body, mutation)
    assert (code, field) == ("VALIDATION", expected[0])
    assert message.startswith(expected[1]), message
    assert await business_state(world.org_pk) == before


async def test_a_number_in_the_document_is_the_decimal_it_spells(world):
    inline = """mutation($org: ID!, $sku: String!) { productCreate(input: {organizationId: $org,
      sku: $sku, title: "Tea", price: 1e-999, hsnCode: "0902", gstRate: 5}) {
      product { id } errors { code field message } } }"""
    client = world.team.clients["manager"]
    body = await gql_data(client, inline, org=world.team.org_id, sku=unique("N-"))
    assert body["productCreate"]["errors"] == [
        {"code": "VALIDATION", "field": "price", "message": PLACES}
    ]


async def test_json_numbers_that_are_money_are_kept(world):
    create = """mutation($input: ProductCreateInput!) { productCreate(input: $input) {
      product { price gstRate } errors { code field message } } }"""
    client = world.team.clients["manager"]
    for number, price in (("19.99", "19.99"), ("1.5e1", "15.00"), ("-0.0", "0.00"), ("7", "7.00")):
        variables = _in(world, _product(price=NUMBER, gstRate="18"))
        body = await _post_raw(client, create, variables, number)
        assert body["data"]["productCreate"] == {
            "product": {"price": price, "gstRate": "18.00"},
            "errors": [],
        }, number


@pytest.mark.parametrize("word", ["NaN", "-NaN", "sNaN", "snan", "NaN12", "Infinity", "-Inf"])
@pytest.mark.parametrize("field", ["price", "gstRate"])
async def test_nan_and_infinity_are_not_numbers(world, field, word):
    """They are Decimals to Python, and were refused for their "decimal places"."""
    client = world.team.clients["manager"]
    body = await gql_data(client, PRODUCT_CREATE, **_in(world, _product(**{field: word})))
    assert body["productCreate"]["errors"] == [
        {"code": "VALIDATION", "field": field, "message": "not a number"}
    ]


async def test_negative_zero_is_zero(world):
    """A GST rate of "-0" was stored and shown as "-0.00"."""
    create = """mutation($input: ProductCreateInput!) { productCreate(input: $input) {
      product { id price gstRate } errors { code } } }"""
    client = world.team.clients["manager"]
    for rate in ("-0", "-0.00", "-0E+3"):
        body = await gql_data(client, create, **_in(world, _product(price="-0", gstRate=rate)))
        product = body["productCreate"]["product"]
        assert (product["price"], product["gstRate"]) == ("0.00", "0.00"), rate
        read = await gql_data(
            client,
            "query($id: ID!) { node(id: $id) { ... on Product { gstRate } } }",
            id=product["id"],
        )
        assert read["node"] == {"gstRate": "0.00"}


def _product_case(name, **overrides):
    return BadInput(name, PRODUCT_CREATE, lambda w: _in(w, _product(**overrides)), "BAD_USER_INPUT")


# Python's Decimal reads any Unicode digit ("١٢" was a price of 12.00) and underscores; a
# Decimal is ASCII digits, so these are no Decimals, as "cheap" is not.
NOT_ASCII = {
    "arabic-indic": "\u0661\u0662",
    "devanagari": "\u0967\u0968",
    "fullwidth": "\uff11\uff12",
    "underscore": "1_2",
}

CASES = [
    *[_product_case(f"price-{kind}", price=text) for kind, text in NOT_ASCII.items()],
    *[_product_case(f"gst-{kind}", gstRate=text) for kind, text in NOT_ASCII.items()],
    BadInput(
        "unit-price-arabic-indic",
        ORDER_IMPORT,
        lambda w: _in(w, _order_line("\u0661\u0660\u0660")),
        "BAD_USER_INPUT",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
async def test_digits_other_than_ascii_are_no_decimal(world, case):
    await assert_rejected(world, case)
