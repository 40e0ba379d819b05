"""Relay pagination: page size bounds, cursors that walk every row once, totalCount."""

from __future__ import annotations

import base64

import pytest

from tests.support import error_codes, gid, gql, gql_data, seed_product

PRODUCTS = """query($org: ID, $first: Int, $after: String) {
  products(organizationId: $org, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id sku } } } }"""


def _cursor(raw: str) -> str:
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


@pytest.mark.parametrize("first", [0, -1, 101, 10_000])
async def test_page_size_out_of_bounds_is_a_validation_error(team, first):
    body = await gql(team.clients["viewer"], PRODUCTS, first=first)
    assert body["data"] == {"products": None}  # the field, not the response
    assert error_codes(body) == ["VALIDATION"]


@pytest.mark.parametrize(
    "after",
    [
        "garbage!",
        "%%%",
        _cursor("x:5"),
        _cursor("c:abc"),
        _cursor("c:-5"),
        _cursor("c: 5"),
        _cursor("c:05"),  # one spelling per cursor, as for ids
        _cursor("c:0"),
        _cursor("c:" + "9" * 30),
        _cursor("c:" + str(2**31)),
        _cursor("c:" + "9" * 5000),
        gid("Product", 1),
    ],
)
async def test_garbage_cursor_is_a_validation_error(team, after):
    body = await gql(team.clients["viewer"], PRODUCTS, first=5, after=after)
    assert body["data"] == {"products": None}  # the field, not the response
    assert error_codes(body) == ["VALIDATION"]


async def test_cursors_walk_every_row_once(team):
    skus = [f"P-{n:02d}" for n in range(11)]
    for sku in skus:
        await seed_product(team.org.id, sku)
    seen, after, pages = [], None, 0
    while True:
        data = await gql_data(
            team.clients["viewer"], PRODUCTS, org=team.org_id, first=4, after=after
        )
        page = data["products"]
        assert page["totalCount"] == len(skus)
        seen += [edge["node"]["sku"] for edge in page["edges"]]
        assert page["pageInfo"]["endCursor"] == (
            page["edges"][-1]["cursor"] if page["edges"] else None
        )
        pages += 1
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert pages == 3
    assert seen == list(reversed(skus))  # newest first, no duplicates, no gaps


async def test_default_page_is_twenty_and_the_maximum_is_a_hundred(team):
    for n in range(21):
        await seed_product(team.org.id, f"D-{n}")
    data = await gql_data(team.clients["viewer"], PRODUCTS, org=team.org_id)
    assert len(data["products"]["edges"]) == 20
    assert data["products"]["pageInfo"]["hasNextPage"] is True
    data = await gql_data(team.clients["viewer"], PRODUCTS, org=team.org_id, first=100)
    assert len(data["products"]["edges"]) == 21
    assert data["products"]["pageInfo"]["hasNextPage"] is False


async def test_empty_list(team):
    data = await gql_data(team.clients["viewer"], PRODUCTS, org=team.org_id, first=1)
    assert data["products"] == {
        "totalCount": 0,
        "pageInfo": {"hasNextPage": False, "endCursor": None},
        "edges": [],
    }
