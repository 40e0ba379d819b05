"""Isolation between organizations: another organization's objects are "not found", never
"forbidden"; lists show only your own rows; mutations cannot touch another's objects."""

from __future__ import annotations

import pytest_asyncio

from tests.support import (
    ORDER_IMPORT,
    ORDER_TRANSITION,
    ORGANIZATION_UPDATE,
    PRODUCT_ARCHIVE,
    PRODUCT_CREATE,
    PRODUCT_UPDATE,
    STOCK_ADJUST,
    TICKET_CLOSE,
    TICKET_OPEN,
    TICKET_REPLY,
    WAREHOUSE_CREATE,
    business_state,
    error_codes,
    gid,
    gql,
    gql_data,
    make_team,
    product_input,
    seed_order,
    seed_product,
    seed_stock,
    seed_ticket,
    seed_warehouse,
)

LISTS = """query($org: ID) {
  products(organizationId: $org, first: 100) { totalCount edges { node { id } } }
  orders(organizationId: $org, first: 100) { totalCount edges { node { id } } }
  customers(organizationId: $org, first: 100) { totalCount edges { node { id } } }
  tickets(organizationId: $org, first: 100) { totalCount edges { node { id } } }
  listings(organizationId: $org, first: 100) { totalCount edges { node { id } } }
  organizations(first: 100) { totalCount edges { node { id } } }
  warehouses(organizationId: $org, first: 100) { totalCount edges { node { id } } }
  marketplaceConnections(organizationId: $org, first: 100) { totalCount edges { node { id } } }
}"""
BY_ID = {
    "product": ("Product", "query($id: ID!) { product(id: $id) { id sku } }"),
    "order": ("Order", "query($id: ID!) { order(id: $id) { id status } }"),
    "customer": ("Customer", "query($id: ID!) { customer(id: $id) { id createdAt } }"),
    "ticket": ("Ticket", "query($id: ID!) { ticket(id: $id) { id status } }"),
    "organization": ("Organization", "query($id: ID!) { organization(id: $id) { id } }"),
    "movements": (
        "Product",
        "query($id: ID!) { inventoryMovements(productId: $id) { totalCount } }",
    ),
}


class Pair:
    """Organization A (a team with every role) and organization B with one object of each kind."""

    def __init__(self, a, b, objects_a, objects_b):
        self.a, self.b = a, b
        self.objects_a, self.objects_b = objects_a, objects_b


async def _objects(team) -> dict:
    org = team.org.id
    product = await seed_product(org, "SKU-1")
    warehouse = await seed_warehouse(org)
    await seed_stock(product, warehouse, 5)
    order = await seed_order(org, [("SKU-1", 1, "10.00")])
    ticket = await seed_ticket(org, team.users["owner"].id)
    return {
        "product": product.id,
        "warehouse": warehouse.id,
        "order": order.id,
        "customer": order.customer_id,
        "ticket": ticket.id,
        "organization": org,
        "movements": product.id,
    }


@pytest_asyncio.fixture
async def pair(app, team):
    other = await make_team(app)
    current = Pair(team, other, await _objects(team), await _objects(other))
    yield current
    await other.close()


async def test_another_organizations_objects_are_not_found(pair):
    for role in ("owner", "viewer"):
        client = pair.a.clients[role]
        for name, (type_name, query) in BY_ID.items():
            body = await gql(client, query, id=gid(type_name, pair.objects_b[name]))
            assert list(body["data"].values()) == [None], (role, name, body)
            assert error_codes(body) == ["NOT_FOUND"], (role, name, body)
            own = await gql(client, query, id=gid(type_name, pair.objects_a[name]))
            assert "errors" not in own, (role, name, own)


async def test_lists_show_only_your_organizations_rows(pair):
    a = pair.objects_a
    for role in ("owner", "viewer"):
        data = await gql_data(pair.a.clients[role], LISTS)
        expected = {
            "products": [gid("Product", a["product"])],
            "orders": [gid("Order", a["order"])],
            "customers": [gid("Customer", a["customer"])],
            "tickets": [gid("Ticket", a["ticket"])],
            "listings": [],
            "organizations": [pair.a.org_id],
        }
        for name, ids in expected.items():
            assert [e["node"]["id"] for e in data[name]["edges"]] == ids, (role, name)
            assert data[name]["totalCount"] == len(ids), (role, name)
        assert data["warehouses"] == {
            "totalCount": 1,
            "edges": [{"node": {"id": gid("Warehouse", a["warehouse"])}}],
        }

        theirs = await gql_data(pair.a.clients[role], LISTS, org=pair.b.org_id)
        lists = ("products", "orders", "customers", "tickets", "listings", "warehouses")
        for name in (*lists, "marketplaceConnections"):
            assert theirs[name] == {"totalCount": 0, "edges": []}, (role, name)


async def test_mutations_on_another_organizations_objects_are_not_found(pair):
    a, b = pair.objects_a, pair.objects_b
    owner = pair.a.clients["owner"]
    b_org = pair.b.org_id
    b_product, b_warehouse = gid("Product", b["product"]), gid("Warehouse", b["warehouse"])
    a_product, a_warehouse = gid("Product", a["product"]), gid("Warehouse", a["warehouse"])
    b_ticket = gid("Ticket", b["ticket"])
    adjust = {"delta": -1, "reason": "SALE"}
    order_input = {
        "organizationId": b_org,
        "marketplace": "EBAY",
        "externalOrderId": "X-1",
        "customer": {"name": "Ravi"},
        "shippingAddress": {
            "name": "Ravi",
            "line1": "1 Road",
            "city": "Goa",
            "postalCode": "403001",
            "country": "IN",
        },
        "lines": [{"sku": "SKU-1", "quantity": 1, "unitPrice": "1.00"}],
    }
    calls = [
        (PRODUCT_CREATE, {"input": product_input(b_org, sku="NEW")}, "organizationId"),
        (PRODUCT_UPDATE, {"input": {"id": b_product, "title": "Mine now"}}, "id"),
        (PRODUCT_ARCHIVE, {"id": b_product}, "id"),
        (
            WAREHOUSE_CREATE,
            {"input": {"organizationId": b_org, "code": "X", "name": "X"}},
            "organizationId",
        ),
        (
            STOCK_ADJUST,
            {"input": {"productId": b_product, "warehouseId": a_warehouse, **adjust}},
            "productId",
        ),
        (
            STOCK_ADJUST,
            {"input": {"productId": a_product, "warehouseId": b_warehouse, **adjust}},
            "warehouseId",
        ),
        (ORDER_IMPORT, {"input": order_input}, "organizationId"),
        (ORDER_TRANSITION, {"id": gid("Order", b["order"]), "toStatus": "CANCELLED"}, "id"),
        (
            TICKET_OPEN,
            {"input": {"organizationId": b_org, "subject": "s", "body": "b"}},
            "organizationId",
        ),
        (TICKET_REPLY, {"id": b_ticket, "body": "hello"}, "id"),
        (TICKET_CLOSE, {"id": b_ticket}, "id"),
        (ORGANIZATION_UPDATE, {"input": {"id": b_org, "legalName": "Taken"}}, "id"),
    ]
    before = await business_state(pair.b.org.id)
    for document, variables, field in calls:
        body = await gql_data(owner, document, **variables)
        (payload,) = body.values()
        assert [(e["code"], e["field"]) for e in payload["errors"]] == [("NOT_FOUND", field)], (
            document,
            payload,
        )
    assert await business_state(pair.b.org.id) == before
