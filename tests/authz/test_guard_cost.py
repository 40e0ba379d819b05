"""Cost: decisions are made per decision key, not per row or field.

A page of 50 orders, each of another buyer, in five statuses, with their buyers and lines: the
guard evaluates the policy once per distinct key and question, whatever the page size.
"""

from __future__ import annotations

from domain.orders.models import OrderStatus
from domain.orders.services import transition_order
from tests.support import gql, gql_data, seed_order, seed_product

PAGE = """query($first: Int!) { orders(first: $first) { totalCount edges { node {
  id status total shippingName shippingPhone shippingLine1 shippingCity shippingPostalCode
  customer { name email phone } lines { sku quantity } } } } }"""
ROUTES = [
    [],
    [OrderStatus.PAID],
    [OrderStatus.PAID, OrderStatus.PACKED],
    [OrderStatus.PAID, OrderStatus.PACKED, OrderStatus.SHIPPED],
    [OrderStatus.PAID, OrderStatus.PACKED, OrderStatus.SHIPPED, OrderStatus.DELIVERED],
]
# Order: 5 keys (status) x 2 (read, fields); Customer: 1 key x 2 (50 buyers, none granted,
# so the same key); OrderLine: 1 key x 1 (no personal fields: read only).
EXPECTED_EVALUATIONS = 5 * 2 + 1 * 2 + 1 * 1


async def _fifty_orders(team) -> None:
    await seed_product(team.org.id, "SKU-1")
    for n in range(50):
        order = await seed_order(team.org.id, [("SKU-1", 1, "10.00")])
        for status in ROUTES[n % len(ROUTES)]:
            order = await transition_order(order=order, to_status=status, actor_id=None)


async def test_a_page_of_fifty_orders_costs_a_handful_of_evaluations(team, guards):
    await _fifty_orders(team)
    for role in ("manager", "staff", "viewer"):
        guards.clear()
        body = await gql(team.clients[role], PAGE, first=50)  # staff, viewers: some FORBIDDEN
        assert len(body["data"]["orders"]["edges"]) == 50
        assert sum(g.evaluations for g in guards) == EXPECTED_EVALUATIONS, role


async def test_the_count_depends_on_distinct_inputs_not_on_rows(team, guards):
    await _fifty_orders(team)
    counts = []
    for first in (5, 20, 50):
        guards.clear()
        await gql_data(team.clients["manager"], PAGE, first=first)
        counts.append(sum(g.evaluations for g in guards))
    assert counts == [EXPECTED_EVALUATIONS] * 3


async def test_what_staff_see_on_the_page_follows_each_orders_status(team):
    await _fifty_orders(team)
    data = await gql_data(
        team.clients["manager"], "{ orders(first: 50) { edges { node { status } } } }"
    )
    statuses = {edge["node"]["status"] for edge in data["orders"]["edges"]}
    assert statuses == {"PLACED", "PAID", "PACKED", "SHIPPED", "DELIVERED"}
