"""The query cost limit, the child-list bounds, and the size limits on requests and responses."""

from __future__ import annotations

import uuid

import httpx
from graphql import get_named_type, get_nullable_type, is_composite_type, is_list_type, parse

import api.cost
import api.document_cache
from api.app import create_app
from api.schema import schema
from audit.models import AuditEntry
from domain.accounts.models import OrgRole
from domain.settings import Settings
from tests.support import (
    audit_head,
    error_codes,
    gid,
    gql,
    gql_data,
    make_team,
    seed_order,
    seed_product,
    signed_in,
)

ATTACK = (
    "orders(first: 100) { edges { node { lines { product { stock { warehouse { name } } } } } } }"
)


async def test_the_nested_list_attack_is_refused_before_any_sql(team):
    app = create_app(Settings(expose_stats=True), manage_db=False)
    async with await signed_in(app, team.users["viewer"]) as viewer:
        response = await viewer.post("/graphql", json={"query": f"{{ {ATTACK} }}"})
        trivial = await viewer.post("/graphql", json={"query": "{ __typename }"})
    body = response.json()
    assert body["data"] is None
    assert error_codes(body) == ["COST_LIMIT_EXCEEDED"]
    error = body["errors"][0]
    assert error["extensions"]["limit"] == api.cost.MAX_COST
    assert error["extensions"]["cost"] > api.cost.MAX_COST
    assert str(error["extensions"]["cost"]) in error["message"]
    assert str(api.cost.MAX_COST) in error["message"]
    # Only the viewer's sign-in look-ups ran: no resolver reached the database.
    assert response.headers["x-mandi-sql"] == trivial.headers["x-mandi-sql"]


async def test_thirty_aliases_of_a_cheap_query_add_up(team):
    one = "orders(first: 100) { edges { node { lines { sku } } } }"
    alone = await gql(team.clients["viewer"], f"{{ {one} }}")
    assert "errors" not in alone
    assert alone["extensions"]["cost"]["requested"] <= api.cost.MAX_COST
    aliases = " ".join(f"a{n}: {one}" for n in range(30))
    body = await gql(team.clients["viewer"], f"{{ {aliases} }}")
    assert error_codes(body) == ["COST_LIMIT_EXCEEDED"]


NODES_ALIASED = (
    "query($i: [ID!]!) { " + " ".join(f"a{n}: nodes(ids: $i) {{ id }}" for n in range(30)) + " }"
)


async def test_thirty_aliases_of_a_hundred_node_ids_are_refused_before_any_look_up(app, team):
    """Each id is a look-up (two statements and a denied entry when missed), not one object of a
    page: 3,000 of them in one request are over the limit, and none runs."""
    other = await make_team(app, roles=(OrgRole.OWNER,))
    await seed_product(other.org.id, "SKU-1")
    theirs = await seed_order(other.org.id, [("SKU-1", 1, "10.00")])
    ids = [gid("Order", theirs.id)] + [gid("Order", 10**9 + n) for n in range(99)]
    stats = create_app(Settings(expose_stats=True), manage_db=False)
    start = await audit_head()
    async with await signed_in(stats, team.users["manager"]) as manager:
        response = await manager.post(
            "/graphql", json={"query": NODES_ALIASED, "variables": {"i": ids}}
        )
        trivial = await manager.post("/graphql", json={"query": "{ __typename }"})
    body = response.json()
    assert body["data"] is None
    assert error_codes(body) == ["COST_LIMIT_EXCEEDED"]
    assert body["errors"][0]["extensions"]["cost"] == 30 * 100 * api.cost.LOOKUP_COST
    # No resolver ran: only the sign-in's statements, and no denied entry.
    assert response.headers["x-mandi-sql"] == trivial.headers["x-mandi-sql"]
    denied = AuditEntry.filter(seq__gt=start, outcome="denied")
    assert await denied.count() == 0
    await other.close()


async def test_a_large_document_over_the_limit_is_refused_before_validation(team, monkeypatch):
    """Validation visits every value: a document of 3,000 literal ids is priced first and never
    validated. A large document that is invalid is still told so, never a crash."""
    import strawberry.schema.schema as strawberry_schema

    validated = []
    real = strawberry_schema.validate_document

    def counting(*args, **kwargs):
        validated.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(strawberry_schema, "validate_document", counting)
    ids = ", ".join(['"T3JkZXI6MQ"'] * 100)
    flood = "{ " + " ".join(f"a{n}: nodes(ids: [{ids}]) {{ id }}" for n in range(30)) + " }"
    assert len(flood) > api.document_cache.MAX_CACHED_CHARS
    body = await gql(team.clients["viewer"], flood)
    assert error_codes(body) == ["COST_LIMIT_EXCEEDED"] and validated == []
    padding = "# " + "x" * api.document_cache.MAX_CACHED_CHARS + "\n"
    wrong = padding + "{ products { ... on ProductCreateInput { sku } } }"
    body = await gql(team.clients["viewer"], wrong)
    assert error_codes(body) == ["GRAPHQL_VALIDATION_FAILED"] and validated == [1]


async def test_look_ups_by_id_cost_a_look_up_each_and_a_page_of_them_stays_cheap(team):
    """node(id:), the types' own look-ups and each id of nodes(ids:) cost LOOKUP_COST; 100 ids
    are well under the limit."""
    each = api.cost.LOOKUP_COST
    one = await gql(team.clients["viewer"], '{ node(id: "x") { id } order(id: "y") { id } }')
    assert one["extensions"]["cost"]["requested"] == 2 * each
    ids = ["x"] * 100
    body = await gql(team.clients["viewer"], "query($i: [ID!]!) { nodes(ids: $i) { id } }", i=ids)
    assert body["extensions"]["cost"]["requested"] == 100 * each <= api.cost.MAX_COST // 5
    # The 30 aliases of 100 ids each could never pass, whatever the limit's margin.
    assert 30 * 100 * each > api.cost.MAX_COST


async def test_a_list_filtered_by_another_objects_id_costs_its_look_up(team):
    """inventoryMovements(productId:) looks the product up first: LOOKUP_COST once, not per
    movement; an optional filter costs only when given."""
    each = api.cost.LOOKUP_COST
    body = await gql(
        team.clients["viewer"], '{ inventoryMovements(productId: "x", first: 5) { nodes { id } } }'
    )
    assert body["extensions"]["cost"]["requested"] == 5 * (1 + 1) + each
    unfiltered = await gql(team.clients["viewer"], "{ products(first: 5) { nodes { id } } }")
    filtered = await gql(
        team.clients["viewer"],
        "query($o: ID) { products(first: 5, organizationId: $o) { nodes { id } } }",
        o=team.org_id,
    )
    assert unfiltered["extensions"]["cost"]["requested"] == 5 * (1 + 1)
    assert filtered["extensions"]["cost"]["requested"] == 5 * (1 + 1) + each


async def test_cost_follows_first_from_variables_and_fragments(team):
    document = """query($n: Int) { ...F }
      fragment F on Query { products(first: $n) { edges { node { stock { onHand } } } } }"""
    small = await gql(team.clients["viewer"], document, n=1)
    large = await gql(team.clients["viewer"], document, n=100)
    # products: n x (1 + edges (1 + node (1 + stock 50 x 1)))
    assert small["extensions"]["cost"]["requested"] == 1 * (1 + 1 + 1 + 50)
    assert large["extensions"]["cost"]["requested"] == 100 * (1 + 1 + 1 + 50)
    default = await gql(team.clients["viewer"], "{ products { nodes { id } } }")
    assert default["extensions"]["cost"]["requested"] == 20 * (1 + 1)


async def test_a_variables_own_default_is_the_value_priced(team):
    """``query($n: Int = 100)`` sent without n runs with 100: it was priced as the field's
    default (20), so a request could run twenty times its reported cost."""
    document = "query($n: Int = 100) { products(first: $n) { nodes { id } } }"
    omitted = await gql(team.clients["viewer"], document)
    assert omitted["extensions"]["cost"]["requested"] == 100 * (1 + 1)
    sent = await gql(team.clients["viewer"], document, n=3)
    assert sent["extensions"]["cost"]["requested"] == 3 * (1 + 1)


async def test_a_lower_configured_limit_applies(team):
    app = create_app(Settings(max_query_cost=10), manage_db=False)
    async with await signed_in(app, team.users["viewer"]) as viewer:
        body = await gql(viewer, "{ products(first: 11) { nodes { id } } }")
    assert error_codes(body) == ["COST_LIMIT_EXCEEDED"]
    assert body["errors"][0]["extensions"]["limit"] == 10


def test_every_list_of_objects_has_a_bound_or_a_page_size():
    missing = []
    for name, type_ in schema._schema.type_map.items():
        if name.startswith("__") or not hasattr(type_, "fields"):
            continue
        connection = {"edges", "pageInfo"} <= set(type_.fields)
        for field_name, field in type_.fields.items():
            listed = is_list_type(get_nullable_type(field.type))
            if not listed or not is_composite_type(get_named_type(field.type)):
                continue
            if "first" in field.args or (connection and field_name in {"edges", "nodes"}):
                continue
            try:
                api.cost.list_bound(name, field_name)
            except KeyError:
                missing.append(f"{name}.{field_name}")
    assert missing == []


def test_child_connections_cost_their_first():
    document = parse(
        """query($n: Int) { order(id: "x") {
          history(first: $n) { totalCount pageInfo { hasNextPage } nodes { toStatus } }
          customer { addresses { edges { node { city } } } } } }"""
    )
    # order (a look-up) + history n x (1 + pageInfo 1 + nodes 1)
    # + customer 1 + addresses 20 x (1 + edges (1 + node 1))
    for n, history in ((3, 3 * 3), (None, 20 * 3)):
        cost = api.cost.operation_cost(schema._schema, document, {"n": n}, None)
        assert cost == api.cost.LOOKUP_COST + history + 1 + 20 * 3


def test_plain_lists_are_bounded_by_the_rules_that_write_them():
    from domain.accounts.sessions import MAX_LIVE_SESSIONS
    from domain.inventory.services import MAX_WAREHOUSES
    from domain.orders.services import MAX_LINES

    assert api.cost.list_bound("Order", "lines") == MAX_LINES
    assert api.cost.list_bound("Product", "stock") == MAX_WAREHOUSES
    assert api.cost.list_bound("Viewer", "sessions") == MAX_LIVE_SESSIONS
    grows = [("Order", "history"), ("Ticket", "messages"), ("Customer", "addresses")]
    assert not set(grows) & set(api.cost.LIST_BOUNDS), "lists that grow are connections"


async def test_a_child_connection_pages_through_every_item(world):
    """Order.history: newest first, `first`/`after`, whole over its pages, with counts."""
    from domain.orders.models import OrderStatus, OrderStatusChange
    from tests.support import gid

    statuses = [OrderStatus.PAID, OrderStatus.PACKED, OrderStatus.SHIPPED, OrderStatus.DELIVERED]
    for status in statuses:
        await OrderStatusChange.create(order_id=world.order.id, to_status=status)
    query = """query($id: ID!, $after: String) { order(id: $id) {
      history(first: 2, after: $after) {
        totalCount pageInfo { hasNextPage hasPreviousPage endCursor } nodes { toStatus } } } }"""
    client = world.team.clients["manager"]
    seen, after, pages = [], None, []
    while True:
        data = await gql_data(client, query, id=gid("Order", world.order.id), after=after)
        page = data["order"]["history"]
        pages.append(page)
        seen += [node["toStatus"] for node in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == ["DELIVERED", "SHIPPED", "PACKED", "PAID", "PLACED"]
    assert [len(p["nodes"]) for p in pages] == [2, 2, 1]
    assert {p["totalCount"] for p in pages} == {5}
    assert [p["pageInfo"]["hasPreviousPage"] for p in pages] == [False, True, True]
    bad = await gql(client, query, id=gid("Order", world.order.id), after="garbage!")
    assert bad["data"] == {"order": {"history": None}}  # the field, not its order
    assert error_codes(bad) == ["VALIDATION"]


async def test_a_list_of_orders_pages_each_orders_history_in_one_batch(world):
    from domain.orders.models import OrderStatus, OrderStatusChange
    from tests.support import seed_order

    other = await seed_order(world.org_pk, [("SKU-1", 1, "1.00")])
    await OrderStatusChange.create(order_id=other.id, to_status=OrderStatus.PAID)
    query = """query($org: ID!) { orders(organizationId: $org, first: 100) { nodes {
      id history(first: 1) { pageInfo { hasNextPage } nodes { toStatus } } } } }"""
    data = await gql_data(world.team.clients["manager"], query, org=world.team.org_id)
    by_id = {node["id"]: node["history"] for node in data["orders"]["nodes"]}
    from tests.support import gid

    assert by_id[gid("Order", other.id)] == {
        "pageInfo": {"hasNextPage": True},
        "nodes": [{"toStatus": "PAID"}],
    }
    assert by_id[gid("Order", world.order.id)]["nodes"] == [{"toStatus": "PLACED"}]


async def test_a_body_over_the_limit_is_refused_before_parsing(anon):
    huge = "x" * (20 * 1024 * 1024)
    document = f'mutation {{ passwordResetRequest(email: "{huge}") {{ ok }} }}'
    response = await anon.post("/graphql", json={"query": document})
    assert response.status_code == 413
    assert error_codes(response.json()) == ["REQUEST_TOO_LARGE"]


async def test_a_streamed_body_over_the_limit_is_refused(anon):
    async def chunks():
        for _ in range(100):
            yield b"x" * 1024

    response = await anon.post(
        "/graphql", content=chunks(), headers={"content-type": "application/json"}
    )
    assert response.status_code == 413


async def test_a_long_query_string_is_refused(anon):
    response = await anon.get("/graphql", params={"query": "{ " + "__typename " * 2000 + "}"})
    assert response.status_code == 414
    assert error_codes(response.json()) == ["REQUEST_TOO_LARGE"]


async def test_a_body_just_under_the_limit_is_served(anon):
    padding = " " * (60 * 1024)
    body = await gql(anon, "{ __typename" + padding + "}")
    assert body["data"] == {"__typename": "Query"}


async def test_an_oversized_answer_is_replaced_by_an_error(team):
    app = create_app(Settings(max_response_bytes=200), manage_db=False)
    async with await signed_in(app, team.users["owner"]) as owner:
        small = await gql(owner, "{ __typename }")
        assert small["data"] == {"__typename": "Query"}
        response = await owner.post(
            "/graphql",
            json={"query": "{ viewer { user { username email fullName } sessions { id } } }"},
        )
    body = response.json()
    assert body["data"] is None
    assert error_codes(body) == ["RESPONSE_TOO_LARGE"]
    # the request id still names the request in the logs; the message says a write stands
    assert response.headers["x-request-id"]
    assert "a mutation was applied all the same" in body["errors"][0]["message"]


async def test_large_documents_do_not_enter_the_caches(anon):
    from strawberry.extensions.parser_cache import _get_parse_cache

    cache = _get_parse_cache(api.document_cache.CACHE_ENTRIES)
    padding = " " * (api.document_cache.MAX_CACHED_CHARS + 1)
    for n in range(3):
        before = cache.cache_info().currsize
        body = await gql(anon, f"query Big{n} {{ __typename }}" + padding)
        assert body["data"] == {"__typename": "Query"}
        assert cache.cache_info().currsize == before
    small = f"query Small{uuid.uuid4().hex} {{ __typename }}"
    before = cache.cache_info().currsize
    await gql(anon, small)
    assert cache.cache_info().currsize == min(before + 1, api.document_cache.CACHE_ENTRIES)


async def test_health_is_not_subject_to_graphql_limits():
    transport = httpx.ASGITransport(app=create_app(manage_db=False))
    async with httpx.AsyncClient(transport=transport, base_url="http://mandi.test") as client:
        assert (await client.get("/healthz")).status_code == 200


async def test_a_cached_cost_is_still_the_cost_of_each_requests_variables(team):
    """The cost cache keys a document by the variables its cost reads: the same document is
    refused with variables over the limit after it passed with others, and passes again."""
    app = create_app(Settings(max_query_cost=60), manage_db=False)
    document = f"query Cached{uuid.uuid4().hex}($n: Int, $ids: [ID!]!) {{ "
    document += "products(first: $n) { nodes { id } } nodes(ids: $ids) { id } }"
    async with await signed_in(app, team.users["viewer"]) as viewer:
        costs = []
        for n, ids in ((10, ["a"]), (40, ["a"]), (10, ["a"] * 50), (10, ["a", "b"]), (10, ["a"])):
            body = await gql(viewer, document, n=n, ids=ids)
            if "errors" in body and error_codes(body) == ["COST_LIMIT_EXCEEDED"]:
                costs.append(("refused", body["errors"][0]["extensions"]["cost"]))
            else:
                costs.append(("ran", body["extensions"]["cost"]["requested"]))
    # products: n x (1 + node); nodes: a look-up per id
    each = api.cost.LOOKUP_COST
    assert costs == [
        ("ran", 20 + each),
        ("refused", 80 + each),
        ("refused", 20 + 50 * each),
        ("ran", 20 + 2 * each),
        ("ran", 20 + each),
    ]


def test_the_cost_cache_reads_only_the_shape_of_the_variables():
    cache = api.cost.CostCache()
    document = "query($n: Int, $other: String) { products(first: $n) { nodes { id } } }"
    parsed = parse(document)

    def cost(**variables):
        return cache.cost(schema._schema, document, parsed, variables, None)

    assert cost(n=5, other="x") == cost(n=5, other="y") == 10
    assert cost() == 20 * 2  # absent: the argument's default page
    assert cost(n=None) == 20 * 2  # null: the default page
    assert cost(n=True) == cost(n="5") == cost(n=[1]) == 100 * 2  # the worst case
    assert cost(n=3) == 6
    ((names, shapes),) = cache._documents.values()
    assert len(shapes) == 7  # 5, absent, null, true, "5", [1], 3: "other" is not in the key
    assert names == ("n",)  # only what the cost reads enters the key
