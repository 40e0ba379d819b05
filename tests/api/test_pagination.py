"""Relay pagination: page size bounds, cursors that walk every row once, totalCount."""

from __future__ import annotations

import base64

import pytest

from domain.accounts.models import PlatformRole
from tests.support import error_codes, gid, gql, gql_data, make_platform_user, seed_product

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
        # the same, in the spelling of a products cursor, which names its list's type
        _cursor("c:Product:abc"),
        _cursor("c:Product:-5"),
        _cursor("c:Product: 5"),
        _cursor("c:Product:05"),
        _cursor("c:Product:0"),
        _cursor("c:Product:" + "9" * 30),
        _cursor("c:Product:" + str(2**31)),
        _cursor("c:Product:" + "9" * 5000),
        _cursor("c:Product:5:5"),
        _cursor("c:product:5"),
        _cursor("c:Product"),
        _cursor("c:5"),  # a cursor of before cursors named their list
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


# One reader per list: the organization's manager, a security reviewer for the audit log.
FOREIGN_LISTS = ("orders", "products", "customers", "tickets", "auditEntries")


def _list(field: str) -> str:
    return f"query($after: String) {{ {field}(first: 1, after: $after) {{ edges {{ cursor }} }} }}"


async def test_a_cursor_of_another_list_is_a_validation_error(app, world):
    _, reviewer = await make_platform_user(app, PlatformRole.SECURITY_REVIEWER)
    manager = world.team.clients["manager"]
    readers = {field: reviewer if field == "auditEntries" else manager for field in FOREIGN_LISTS}
    await gql_data(reviewer, _list("auditEntries"))  # reading the log is an entry: one to page
    cursors = {}
    for field, client in readers.items():
        [edge] = (await gql_data(client, _list(field)))[field]["edges"]
        cursors[field] = edge["cursor"]
    for field, client in readers.items():
        await gql_data(client, _list(field), after=cursors[field])  # its own: the next page
        for other in FOREIGN_LISTS:
            if other != field:
                body = await gql(client, _list(field), after=cursors[other])
                assert body["data"] == {field: None}, (field, other)
                assert error_codes(body) == ["VALIDATION"], (field, other)
                assert body["errors"][0]["message"] == "not a cursor from this API"
    await reviewer.aclose()


CHILD_LISTS = """query($order: ID!, $ticket: ID!, $history: String, $messages: String) {
  order(id: $order) { history(first: 1, after: $history) { edges { cursor } } }
  ticket(id: $ticket) { messages(first: 1, after: $messages) { edges { cursor } } } }"""


async def test_a_child_list_refuses_a_cursor_of_another_child_list(world):
    manager = world.team.clients["manager"]
    ids = {"order": gid("Order", world.order.id), "ticket": gid("Ticket", world.ticket.id)}
    data = await gql_data(manager, CHILD_LISTS, **ids)
    [history] = data["order"]["history"]["edges"]
    [message] = data["ticket"]["messages"]["edges"]
    own = await gql_data(
        manager, CHILD_LISTS, **ids, history=history["cursor"], messages=message["cursor"]
    )
    assert own == {"order": {"history": {"edges": []}}, "ticket": {"messages": {"edges": []}}}
    swapped = await gql(
        manager, CHILD_LISTS, **ids, history=message["cursor"], messages=history["cursor"]
    )
    assert swapped["data"] == {"order": {"history": None}, "ticket": {"messages": None}}
    assert error_codes(swapped) == ["VALIDATION", "VALIDATION"]


MEMBERS = """query($org: ID!, $mine: String, $theirs: String) {
  viewer { memberships(first: 1, after: $mine) { edges { cursor } } }
  organizationMembers(organizationId: $org, first: 1, after: $theirs) { edges { cursor } } }"""


async def test_two_lists_of_one_model_as_two_types_refuse_each_others_cursors(world):
    """``viewer.memberships`` (Membership) and ``organizationMembers`` (OrganizationMember)
    both list memberships: a cursor names the type of its list's nodes, not the table."""
    manager = world.team.clients["manager"]
    org = world.team.org_id
    data = await gql_data(manager, MEMBERS, org=org)
    mine = data["viewer"]["memberships"]["edges"][0]["cursor"]
    theirs = data["organizationMembers"]["edges"][0]["cursor"]
    await gql_data(manager, MEMBERS, org=org, mine=mine, theirs=theirs)
    swapped = await gql(manager, MEMBERS, org=org, mine=theirs, theirs=mine)
    assert swapped["data"] == {"viewer": {"memberships": None}, "organizationMembers": None}
    assert error_codes(swapped) == ["VALIDATION", "VALIDATION"]
