"""Dataloaders: the SQL statements for a page of orders do not grow with the page size."""

from __future__ import annotations

from domain.db import count_statements
from tests.support import audit_head, clear_of_checkpoint, gql_data, seed_order, seed_product

ORDERS = """query($org: ID!, $first: Int!) {
  orders(organizationId: $org, first: $first) {
    totalCount
    edges { node {
      id status total
      lines { sku quantity product { title } }
      customer { name email addresses { nodes { city } } }
    } }
  } }"""
ORDER_COUNT = 50
SPAN = 300  # more audit entries than the two requests write


async def _statements(client, org_id: str, first: int) -> tuple[int, dict]:
    with count_statements() as count:
        data = await gql_data(client, ORDERS, org=org_id, first=first)
    return count.value, data


async def test_order_page_statements_do_not_grow_with_page_size(team):
    # A signed checkpoint (3 statements) falls where the log's length says, every 1000 entries:
    # which request crosses one depends on the tests before, not on the page size. The requests
    # are kept clear of one (switching checkpoints off instead left the log without the one its
    # entries crossed, and every later verify of the database failed).
    skus = [f"Q-{n}" for n in range(6)]
    for sku in skus:
        await seed_product(team.org.id, sku)
    for n in range(ORDER_COUNT):
        lines = [(skus[(n + k) % len(skus)], k + 1, "10.00") for k in range(2 + n % 2)]
        await seed_order(team.org.id, lines, email=f"buyer{n % 7}@example.test", city=f"City {n}")

    manager = team.clients["manager"]
    await clear_of_checkpoint(SPAN)
    start = await audit_head()
    small, small_data = await _statements(manager, team.org_id, 10)
    large, large_data = await _statements(manager, team.org_id, ORDER_COUNT)

    assert len(small_data["orders"]["edges"]) == 10
    edges = large_data["orders"]["edges"]
    assert len(edges) == ORDER_COUNT == large_data["orders"]["totalCount"]
    assert all(len(e["node"]["lines"]) in (2, 3) for e in edges)
    assert all(line["product"]["title"] for e in edges for line in e["node"]["lines"])
    assert all(e["node"]["customer"]["addresses"] for e in edges)
    assert small > 0
    assert large == small, f"{small} statements for 10 orders, {large} for {ORDER_COUNT}"
    assert await audit_head() - start < SPAN  # the two requests stayed clear of a checkpoint
