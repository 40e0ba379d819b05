"""The API that Relay-minded clients expect (issue 14): nullable root fields, the Node interface
with node/nodes through the guard, every principal's viewer, and opaque ids everywhere."""

from __future__ import annotations

from graphql import GraphQLNonNull, build_schema

from api.schema import SDL_PATH
from tests.support import error_codes, gid, gql, seed_order, seed_product


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
