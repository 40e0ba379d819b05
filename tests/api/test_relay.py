"""The API that Relay-minded clients expect (issue 14): nullable root fields, the Node interface
with node/nodes through the guard, every principal's viewer, and opaque ids everywhere."""

from __future__ import annotations

import base64
from types import SimpleNamespace

from graphql import GraphQLNonNull, GraphQLObjectType, build_schema

from api.node import Node, id_type, node_models
from api.schema import SDL_PATH
from api.type_map import TYPES
from audit.models import AuditEntry
from domain.accounts.models import OrgRole
from tests.support import error_codes, gid, gql, make_team, seed_order, seed_product


def test_every_root_query_field_is_nullable():
    """One failing root field costs that field, never the whole response."""
    query = build_schema(SDL_PATH.read_text()).query_type
    strict = [
        name for name, field in query.fields.items() if isinstance(field.type, GraphQLNonNull)
    ]
    assert strict == []


async def test_a_bad_id_costs_one_field_not_the_response(team):
    await seed_product(team.org.id, "SKU-1")
    await seed_order(team.org.id, [("SKU-1", 1, "10.00")])
    body = await gql(
        team.clients["manager"],
        '{ viewer { user { id } } order(id: "bad") { id } orders { totalCount } }',
    )
    assert body["data"]["viewer"]["user"]["id"] == gid("User", team.users["manager"].id)
    assert body["data"]["order"] is None
    assert body["data"]["orders"] == {"totalCount": 1}
    assert error_codes(body) == ["NOT_FOUND"]
    assert body["errors"][0]["path"] == ["order"]


# --- Node -----------------------------------------------------------------------------------

NODE = """query($id: ID!) { node(id: $id) { __typename id ... on Order { status } } }"""
NODES = """query($ids: [ID!]!) { nodes(ids: $ids) { __typename id ... on Product { sku } } }"""


async def _head() -> int:
    last = await AuditEntry.all().order_by("-seq").first()
    return last.seq if last else 0


async def _denied_since(seq: int, **match: object) -> list[AuditEntry]:
    return await AuditEntry.filter(seq__gt=seq, outcome="denied", **match).order_by("seq")


def test_every_type_with_an_id_is_a_node_whose_id_node_can_read_back():
    """Each Node type's ids name the type ``node(id:)`` looks them up by."""
    schema = build_schema(SDL_PATH.read_text())
    with_id = {
        name
        for name, gql_type in schema.type_map.items()
        if isinstance(gql_type, GraphQLObjectType)
        and not name.startswith("__")
        and "id" in gql_type.fields
        and not name.endswith("Payload")
    }
    nodes = {t.name for t in schema.get_possible_types(schema.type_map["Node"])}
    assert with_id == nodes
    models = node_models()
    for gql_type, shown in TYPES.items():
        if not (isinstance(gql_type, type) and issubclass(gql_type, Node)):
            continue
        field = gql_type.__strawberry_definition__.get_field("id")
        issued = field.base_resolver.wrapped_func(SimpleNamespace(id=7))
        kind = base64.urlsafe_b64decode(issued + "=" * (-len(issued) % 4)).decode()
        assert kind == f"{id_type(shown.model)}:7", gql_type
        assert models[id_type(shown.model)] is shown.model


async def test_node_reads_what_the_direct_look_up_reads(team):
    await seed_product(team.org.id, "SKU-1")
    order = await seed_order(team.org.id, [("SKU-1", 1, "10.00")])
    body = await gql(team.clients["viewer"], NODE, id=gid("Order", order.id))
    assert "errors" not in body, body["errors"]
    assert body["data"] == {
        "node": {"__typename": "Order", "id": gid("Order", order.id), "status": "PLACED"}
    }
    me = gid("User", team.users["viewer"].id)
    data = await gql(team.clients["viewer"], "query($id: ID!) { node(id: $id) { id } }", id=me)
    assert data["data"]["node"] == {"id": me}


async def test_node_of_another_organization_or_garbage_is_not_found_and_recorded(app, team):
    other = await make_team(app, roles=(OrgRole.OWNER,))
    await seed_product(other.org.id, "SKU-1")
    order = await seed_order(other.org.id, [("SKU-1", 1, "10.00")])
    start = await _head()
    for global_id in (gid("Order", order.id), gid("Order", 10**6), gid("Nothing", 1), "%%"):
        body = await gql(team.clients["owner"], NODE, id=global_id)
        assert body["data"] == {"node": None}, (global_id, body)
        assert error_codes(body) == ["NOT_FOUND"] and body["errors"][0]["path"] == ["node"]
    # Like order(id:): the other organization's order and the missing one are denied entries;
    # a type this API does not have is one too.
    denied = await _denied_since(start, action="read")
    assert [(e.resource_type, e.resource_id) for e in denied[:2]] == [
        ("Order", str(order.id)),
        ("Order", str(10**6)),
    ]
    assert denied[0].organization_id == other.org.id
    assert len(denied) == 4, [(e.resource_type, e.resource_id) for e in denied]
    await other.close()


async def test_nodes_answer_in_order_with_one_error_per_missing_id(app, team):
    other = await make_team(app, roles=(OrgRole.OWNER,))
    mine = await seed_product(team.org.id, "MINE")
    theirs = await seed_product(other.org.id, "THEIRS")
    ids = [gid("Product", mine.id), gid("Product", theirs.id), "garbage", gid("Product", mine.id)]
    body = await gql(team.clients["viewer"], NODES, ids=ids)
    assert body["data"]["nodes"] == [
        {"__typename": "Product", "id": ids[0], "sku": "MINE"},
        None,
        None,
        {"__typename": "Product", "id": ids[0], "sku": "MINE"},
    ]
    assert sorted(tuple(e["path"]) for e in body["errors"]) == [("nodes", 1), ("nodes", 2)]
    assert error_codes(body) == ["NOT_FOUND", "NOT_FOUND"]
    # More than 100 ids is refused; the cost counts the ids asked for.
    many = await gql(team.clients["viewer"], NODES, ids=ids[:1] * 101)
    assert many["data"] == {"nodes": None} and error_codes(many) == ["VALIDATION"]
    assert body["extensions"]["cost"]["requested"] == 4
    await other.close()


async def test_a_session_is_a_node_of_its_owner_only(app, team):
    sessions = await gql(team.clients["staff"], "{ viewer { sessions { id } } }")
    [session] = sessions["data"]["viewer"]["sessions"]
    query = "query($id: ID!) { node(id: $id) { ... on WebSession { id current } } }"
    mine = await gql(team.clients["staff"], query, id=session["id"])
    assert mine["data"]["node"] == {"id": session["id"], "current": True}
    theirs = await gql(team.clients["owner"], query, id=session["id"])
    assert theirs["data"] == {"node": None} and error_codes(theirs) == ["NOT_FOUND"]
