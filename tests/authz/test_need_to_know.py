"""State and relationship rules, end to end over GraphQL: who sees a buyer's data, and when."""

from __future__ import annotations

from domain.accounts.models import PlatformRole
from domain.catalog.models import Product
from domain.orders.models import OrderStatus
from domain.orders.services import transition_order
from tests.support import (
    bearer_client,
    error_codes,
    gid,
    gql,
    gql_data,
    issue_token,
    make_platform_user,
    seed_order,
    seed_product,
)

ORDER = """query($id: ID!) { order(id: $id) {
  status shippingName shippingCity customer { name email } lines { sku } } }"""
ORDERS = "{ orders { totalCount edges { node { id shippingName } } } }"


def forbidden_paths(body: dict) -> set[str]:
    return {
        ".".join(str(p) for p in e["path"])
        for e in body.get("errors", [])
        if e["extensions"]["code"] == "FORBIDDEN"
    }


async def _order(team, status: OrderStatus = OrderStatus.PLACED):
    if not await Product.filter(organization_id=team.org.id, sku="SKU-1").exists():
        await seed_product(team.org.id, "SKU-1")
    order = await seed_order(team.org.id, [("SKU-1", 1, "100.00")])
    route = {
        OrderStatus.PLACED: [],
        OrderStatus.PAID: [OrderStatus.PAID],
        OrderStatus.SHIPPED: [OrderStatus.PAID, OrderStatus.PACKED, OrderStatus.SHIPPED],
    }[status]
    for step in route:
        order = await transition_order(order=order, to_status=step, actor_id=None)
    return order


async def test_managers_see_the_buyer_whatever_the_status(team):
    for status in (OrderStatus.PLACED, OrderStatus.SHIPPED):
        order = await _order(team, status)
        data = await gql_data(team.clients["manager"], ORDER, id=gid("Order", order.id))
        assert data["order"]["shippingName"] == order.shipping_name
        assert data["order"]["customer"]["name"] is not None


async def test_staff_see_the_address_only_while_the_order_awaits_fulfilment(team):
    placed = await _order(team, OrderStatus.PAID)
    body = await gql(team.clients["staff"], ORDER, id=gid("Order", placed.id))
    assert body["data"]["order"]["shippingCity"] == "Pune"
    # but never the customer record's own contact fields
    assert forbidden_paths(body) == {"order.customer.name", "order.customer.email"}

    shipped = await _order(team, OrderStatus.SHIPPED)
    body = await gql(team.clients["staff"], ORDER, id=gid("Order", shipped.id))
    order = body["data"]["order"]
    assert (order["status"], order["shippingName"], order["shippingCity"]) == (
        "SHIPPED",
        None,
        None,
    )
    assert {"order.shippingName", "order.shippingCity"} <= forbidden_paths(body)


async def test_the_decision_follows_the_order_through_a_transition(team):
    order = await _order(team, OrderStatus.PLACED)
    staff = team.clients["staff"]
    query = "query($id: ID!) { order(id: $id) { shippingName } }"
    assert (await gql_data(staff, query, id=gid("Order", order.id)))["order"]["shippingName"]
    for step in (OrderStatus.PAID, OrderStatus.PACKED, OrderStatus.SHIPPED):
        order = await transition_order(order=order, to_status=step, actor_id=None)
    body = await gql(staff, query, id=gid("Order", order.id))
    assert body["data"]["order"]["shippingName"] is None
    assert error_codes(body) == ["FORBIDDEN"]


async def test_viewers_see_orders_without_buyer_contact(team):
    order = await _order(team, OrderStatus.PLACED)
    body = await gql(team.clients["viewer"], ORDER, id=gid("Order", order.id))
    order_data = body["data"]["order"]
    assert order_data["status"] == "PLACED" and order_data["lines"] == [{"sku": "SKU-1"}]
    assert forbidden_paths(body) == {
        "order.shippingName",
        "order.shippingCity",
        "order.customer.name",
        "order.customer.email",
    }


async def test_outsiders_and_reviewers_find_nothing(app, team):
    order = await _order(team)
    _, reviewer = await make_platform_user(app, PlatformRole.SECURITY_REVIEWER)
    _, admin = await make_platform_user(app, PlatformRole.PLATFORM_ADMIN)
    for client in (reviewer, admin):
        body = await gql(client, ORDER, id=gid("Order", order.id))
        assert body["data"] == {"order": None} and error_codes(body) == ["NOT_FOUND"]
        assert (await gql_data(client, ORDERS))["orders"]["totalCount"] == 0
        await client.aclose()


async def test_tokens_need_the_buyer_contact_scope(app, team):
    order = await _order(team, OrderStatus.SHIPPED)
    plain = await issue_token(team, "manager", ["orders:read"])
    contact = await issue_token(team, "manager", ["orders:read", "orders.buyer_contact:read"])
    by_staff = await issue_token(team, "staff", ["orders:read", "orders.buyer_contact:read"])
    query = "query($id: ID!) { order(id: $id) { shippingName customer { email } } }"
    async with bearer_client(app, plain) as partner:
        body = await gql(partner, query, id=gid("Order", order.id))
        assert body["data"]["order"] == {"shippingName": None, "customer": {"email": None}}
    async with bearer_client(app, contact) as partner:
        data = await gql_data(partner, query, id=gid("Order", order.id))
        assert data["order"]["shippingName"] == order.shipping_name
    async with bearer_client(app, by_staff) as partner:  # the staff creator bounds the token
        body = await gql(partner, query, id=gid("Order", order.id))
        assert body["data"]["order"] == {"shippingName": None, "customer": {"email": None}}


async def test_an_object_outside_the_scopes_is_not_found_even_through_a_relation(app, team):
    order = await _order(team)
    secret = await issue_token(team, "owner", ["orders:read"])
    query = "query($id: ID!) { order(id: $id) { lines { sku product { sku } } } }"
    async with bearer_client(app, secret) as partner:
        body = await gql(partner, query, id=gid("Order", order.id))
    assert body["data"]["order"]["lines"] == [{"sku": "SKU-1", "product": None}]
    assert error_codes(body) == ["NOT_FOUND"]
