from __future__ import annotations

from domain.catalog.models import Product
from tests.support import error_codes, gql, gql_data, product_input

CREATE = """
mutation($input: ProductCreateInput!) {
  productCreate(input: $input) {
    product { id sku title price gstRate hsnCode archived }
    errors { code field message }
  }
}"""
UPDATE = """
mutation($input: ProductUpdateInput!) {
  productUpdate(input: $input) { product { id title price } errors { code field } }
}"""
ARCHIVE = """
mutation($id: ID!) { productArchive(id: $id) { product { archived } errors { code field } } }
"""


async def test_manager_creates_updates_and_archives_a_product(team):
    manager = team.clients["manager"]
    data = await gql_data(manager, CREATE, input=product_input(team.org_id))
    payload = data["productCreate"]
    assert payload["errors"] == []
    product = payload["product"]
    assert (product["sku"], product["price"], product["gstRate"]) == ("SKU-1", "349.00", "5.00")

    data = await gql_data(manager, UPDATE, input={"id": product["id"], "price": "399.50"})
    assert data["productUpdate"]["product"]["price"] == "399.50"

    data = await gql_data(manager, ARCHIVE, id=product["id"])
    assert data["productArchive"]["product"]["archived"] is True
    data = await gql_data(manager, UPDATE, input={"id": product["id"], "title": "New"})
    assert data["productUpdate"]["errors"] == [{"code": "ARCHIVED", "field": None}]


async def test_duplicate_sku_is_a_conflict(team):
    manager = team.clients["manager"]
    await gql_data(manager, CREATE, input=product_input(team.org_id))
    data = await gql_data(manager, CREATE, input=product_input(team.org_id, title="Other"))
    assert data["productCreate"]["errors"][0]["code"] == "CONFLICT"
    assert await Product.filter(organization_id=team.org.id).count() == 1


async def test_staff_and_viewer_cannot_create_products(team):
    for role in ("staff", "viewer"):
        data = await gql_data(team.clients[role], CREATE, input=product_input(team.org_id))
        assert data["productCreate"]["errors"][0]["code"] == "FORBIDDEN"
    assert await Product.filter(organization_id=team.org.id).count() == 0


async def test_anonymous_gets_unauthenticated(anon, team):
    body = await gql(anon, CREATE, input=product_input(team.org_id))
    assert body["data"]["productCreate"]["errors"][0]["code"] == "UNAUTHENTICATED"
    body = await gql(anon, "{ products { totalCount } }")
    assert error_codes(body) == ["UNAUTHENTICATED"]


async def test_prices_are_stored_with_two_decimals(team):
    manager = team.clients["manager"]
    for n, (given, stored) in enumerate([("-0", "0.00"), ("12.5", "12.50"), ("7E+1", "70.00")]):
        data = await gql_data(
            manager, CREATE, input=product_input(team.org_id, sku=f"P-{n}", price=given)
        )
        assert data["productCreate"]["product"]["price"] == stored
