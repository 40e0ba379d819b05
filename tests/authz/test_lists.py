"""Lists are filtered in the database: right rows, right totalCount, pages that add up."""

from __future__ import annotations

from domain.accounts.models import PlatformRole
from tests.support import (
    bearer_client,
    gql_data,
    issue_token,
    make_platform_user,
    make_team,
    seed_order,
    seed_product,
)

ORDERS = """query($first: Int!, $after: String) {
  orders(first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { id } } } }"""


async def _walk(client, first: int) -> tuple[int, list[str]]:
    seen: list[str] = []
    after = None
    while True:
        data = (await gql_data(client, ORDERS, first=first, after=after))["orders"]
        seen += [edge["node"]["id"] for edge in data["edges"]]
        if not data["pageInfo"]["hasNextPage"]:
            return data["totalCount"], seen
        after = data["pageInfo"]["endCursor"]


async def _orders(org_id: int, count: int) -> None:
    await seed_product(org_id, "SKU-1")
    for _ in range(count):
        await seed_order(org_id, [("SKU-1", 1, "10.00")])


async def test_every_role_pages_through_exactly_its_organizations_orders(app, team):
    await _orders(team.org.id, 7)
    other = await make_team(app, roles=())
    await _orders(other.org.id, 4)
    for role, client in team.clients.items():
        total, seen = await _walk(client, first=3)
        assert total == 7, role
        assert len(seen) == len(set(seen)) == 7, role


async def test_platform_roles_and_unscoped_tokens_list_nothing(app, team):
    await _orders(team.org.id, 3)
    for role in (PlatformRole.SECURITY_REVIEWER, PlatformRole.PRIVACY_OFFICER):
        _, client = await make_platform_user(app, role)
        assert await _walk(client, first=2) == (0, [])
        await client.aclose()
    secret = await issue_token(team, "owner", ["catalog:read"])
    async with bearer_client(app, secret) as partner:
        assert await _walk(partner, first=2) == (0, [])
        products = await gql_data(partner, "{ products { totalCount } }")
        assert products["products"]["totalCount"] == 1


async def test_a_token_sees_its_organization_only(app, team):
    await _orders(team.org.id, 5)
    other = await make_team(app, roles=())
    await _orders(other.org.id, 2)
    secret = await issue_token(team, "viewer", ["orders:read"])
    async with bearer_client(app, secret) as partner:
        total, seen = await _walk(partner, first=2)
    assert (total, len(seen)) == (5, 5)
