"""The API that Relay-minded clients expect (issue 14): nullable root fields, the Node interface
with node/nodes through the guard, every principal's viewer, and opaque ids everywhere."""

from __future__ import annotations

import base64
import string

from graphql import GraphQLNonNull, GraphQLObjectType, build_schema

import api.cost
from api.node import Node, id_type, node_models
from api.schema import SDL_PATH
from api.type_map import TYPES
from audit.models import AuditEntry
from domain.accounts.models import OrgRole, PlatformRole
from tests.support import (
    audit_head,
    bearer_client,
    error_codes,
    gid,
    gql,
    issue_token,
    make_platform_user,
    make_team,
    seed_order,
    seed_product,
)


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
        issued = field.base_resolver.wrapped_func(None, shown.model(id=7))
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
    start = await audit_head()
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
    assert body["extensions"]["cost"]["requested"] == 4 * api.cost.LOOKUP_COST
    await other.close()


async def test_nodes_of_several_types_answer_each_id_at_its_index_with_its_entry(app, team):
    """nodes(ids:) looks its ids up one type at a time; the answer still follows the ids asked,
    repeats included, and so do the denied entries (one per object: a repeat joins its entry)."""
    other = await make_team(app, roles=(OrgRole.OWNER,))
    await seed_product(team.org.id, "SKU-1")
    await seed_product(other.org.id, "SKU-1")
    mine = await seed_order(team.org.id, [("SKU-1", 1, "10.00")])
    theirs = await seed_order(other.org.id, [("SKU-1", 1, "10.00")])
    product = await seed_product(team.org.id, "MINE")
    me = gid("User", team.users["viewer"].id)
    ids = [
        gid("Order", theirs.id),
        gid("Product", product.id),
        gid("Order", mine.id),
        gid("Order", 10**6),
        me,
        gid("Nothing", 1),
        gid("Order", theirs.id),
        gid("Order", mine.id),
    ]
    start = await audit_head()
    body = await gql(team.clients["viewer"], NODES, ids=ids)
    order = {"__typename": "Order", "id": ids[2]}
    assert body["data"]["nodes"] == [
        None,
        {"__typename": "Product", "id": ids[1], "sku": "MINE"},
        order,
        None,
        {"__typename": "User", "id": me},
        None,
        None,
        order,
    ]
    assert sorted(e["path"][1] for e in body["errors"]) == [0, 3, 5, 6]
    assert error_codes(body) == ["NOT_FOUND"] * 4
    denied = await _denied_since(start, action="read")
    assert [(e.resource_type, e.resource_id) for e in denied] == [
        ("Order", str(theirs.id)),
        ("Order", str(10**6)),
        ("Node", None),
    ]
    assert denied[0].organization_id == other.org.id
    await other.close()


async def test_a_session_is_a_node_of_its_owner_only(app, team):
    sessions = await gql(team.clients["staff"], "{ viewer { sessions { id } } }")
    [session] = sessions["data"]["viewer"]["sessions"]
    query = "query($id: ID!) { node(id: $id) { ... on WebSession { id current } } }"
    mine = await gql(team.clients["staff"], query, id=session["id"])
    assert mine["data"]["node"] == {"id": session["id"], "current": True}
    theirs = await gql(team.clients["owner"], query, id=session["id"])
    assert theirs["data"] == {"node": None} and error_codes(theirs) == ["NOT_FOUND"]


# --- viewer, members, users -----------------------------------------------------------------

VIEWER = """{ viewer { kind user { username } memberships { nodes { role } } platformRoles
  mfaEnabled
  partnerToken { name prefix scopes expiresAt organization { id legalName gstin } } } }"""


async def test_a_partner_token_asks_who_it_is(app, team):
    secret = await issue_token(team, "owner", ["orders:read"])
    async with bearer_client(app, secret) as partner:
        body = await gql(partner, VIEWER)
    viewer = body["data"]["viewer"]
    token = viewer.pop("partnerToken")
    assert viewer == {
        "kind": "PARTNER_TOKEN",
        "user": None,
        "memberships": {"nodes": []},
        "platformRoles": [],
        "mfaEnabled": False,
    }
    assert token["prefix"] in secret and token["scopes"] == ["orders:read"]
    assert token["expiresAt"]
    # Its organization, by the token's own rules: named, but not its personal fields.
    assert token["organization"]["id"] == team.org_id
    assert token["organization"]["legalName"] == team.org.legal_name
    assert token["organization"]["gstin"] is None
    assert error_codes(body) == ["FORBIDDEN"]
    assert body["errors"][0]["path"] == ["viewer", "partnerToken", "organization", "gstin"]


async def test_a_tokens_viewer_survives_asking_for_what_only_people_have(app, team):
    secret = await issue_token(team, "owner", ["orders:read"])
    query = """{ viewer { kind sessions { id } dataAccessLog { totalCount }
      loginHistory { totalCount } } }"""
    async with bearer_client(app, secret) as partner:
        body = await gql(partner, query)
    assert body["data"]["viewer"] == {
        "kind": "PARTNER_TOKEN",
        "sessions": None,
        "dataAccessLog": None,
        "loginHistory": None,
    }
    assert sorted(tuple(e["path"]) for e in body["errors"]) == [
        ("viewer", "dataAccessLog"),
        ("viewer", "loginHistory"),
        ("viewer", "sessions"),
    ]


async def test_a_users_viewer_names_its_kind_and_no_token(team):
    data = await gql(team.clients["viewer"], VIEWER)
    assert data["data"]["viewer"]["kind"] == "USER"
    assert data["data"]["viewer"]["partnerToken"] is None
    assert data["data"]["viewer"]["user"]["username"] == team.users["viewer"].username


MEMBERS = """query($org: ID!) { organizationMembers(organizationId: $org, first: 50) {
  edges { node { role user { id username fullName } } } } }"""


async def test_members_carry_their_user_under_the_users_field_rules(team):
    body = await gql(team.clients["owner"], MEMBERS, org=team.org_id)
    users = {
        e["node"]["user"]["id"]: e["node"]["user"]
        for e in body["data"]["organizationMembers"]["edges"]
    }
    me = team.users["owner"]
    assert users[gid("User", me.id)] == {
        "id": gid("User", me.id),
        "username": me.username,
        "fullName": me.full_name,
    }
    others = [u for key, u in users.items() if key != gid("User", me.id)]
    assert len(others) == len(team.users) - 1
    # Another person's name and username need a right of their own: null and FORBIDDEN.
    assert all(u["username"] is None and u["fullName"] is None for u in others)
    assert set(error_codes(body)) == {"FORBIDDEN"}


USER = "query($id: ID!) { user(id: $id) { id username fullName } }"


async def test_user_look_up_goes_through_the_guard_and_a_grant_opens_it(app, team):
    person = team.users["staff"]
    _, agent = await make_platform_user(app, PlatformRole.SUPPORT_AGENT)
    closed = await gql(agent, USER, id=gid("User", person.id))
    assert closed["data"]["user"] == {
        "id": gid("User", person.id),
        "username": None,
        "fullName": None,
    }
    assert set(error_codes(closed)) == {"FORBIDDEN"}
    grant = await gql(
        agent,
        """mutation($input: AccessGrantCreateInput!) { accessGrantCreate(input: $input) {
          errors { code } } }""",
        input={
            "subjectKind": "USER",
            "subjectId": gid("User", person.id),
            "justification": "ticket 4711: cannot sign in",
        },
    )
    assert grant["data"]["accessGrantCreate"]["errors"] == [], grant
    opened = await gql(agent, USER, id=gid("User", person.id))
    assert "errors" not in opened, opened["errors"]
    assert opened["data"]["user"]["username"] == person.username
    await agent.aclose()
    # A partner token reads no user; an unknown id is not found either.
    secret = await issue_token(team, "owner", ["orders:read"])
    async with bearer_client(app, secret) as partner:
        refused = await gql(partner, USER, id=gid("User", person.id))
    assert refused["data"] == {"user": None} and error_codes(refused) == ["NOT_FOUND"]
    missing = await gql(team.clients["owner"], USER, id=gid("User", 10**6))
    assert missing["data"] == {"user": None} and error_codes(missing) == ["NOT_FOUND"]


async def test_a_partner_token_is_a_node_of_its_organizations_owners_and_admins_only(app, team):
    """node(id:) opened a second way to a token beside partnerTokens (owners and admins): any
    member, a viewer included, read its name, scopes, prefix and last use."""
    await issue_token(team, "owner", ["orders:read"])
    listed = await gql(
        team.clients["admin"],
        "query($o: ID!) { partnerTokens(organizationId: $o) { nodes { id } } }",
        o=team.org_id,
    )
    [token] = listed["data"]["partnerTokens"]["nodes"]
    query = "query($id: ID!) { node(id: $id) { ... on PartnerToken { id name scopes } } }"
    for role in ("owner", "admin"):
        body = await gql(team.clients[role], query, id=token["id"])
        assert body["data"]["node"]["id"] == token["id"], (role, body)
    start = await audit_head()
    for role in ("manager", "staff", "viewer"):
        body = await gql(team.clients[role], query, id=token["id"])
        assert body["data"] == {"node": None} and error_codes(body) == ["NOT_FOUND"], role
    denied = await _denied_since(start, action="read", resource_type="PartnerToken")
    assert len(denied) == 3


async def test_an_id_no_object_could_have_is_a_denied_entry_too(app, team):
    """An id of a known type with a malformed key ("Order:-1", "Order:1e30") answered
    NOT_FOUND like any miss, but left no audit entry; so did a malformed organizationId."""

    def raw(text: str) -> str:
        return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")

    bad = [raw("Order:-1"), raw("Order:" + "9" * 30), raw("Order:1\x00"), raw("Order:x")]
    start = await audit_head()
    for global_id in bad:
        for query in (NODE, "query($id: ID!) { order(id: $id) { id } }"):
            body = await gql(team.clients["owner"], query, id=global_id)
            assert error_codes(body) == ["NOT_FOUND"], (global_id, body)
    listed = await gql(team.clients["owner"], '{ products(organizationId: "%%") { totalCount } }')
    assert error_codes(listed) == ["NOT_FOUND"]
    denied = await _denied_since(start, action="read")
    assert [e.resource_type for e in denied] == ["Order"] * 2 * len(bad) + ["Organization"]


async def test_an_object_has_one_id_not_one_per_spelling_of_its_key(team):
    """ "Order:07" is no id of order 7: a key with leading zeros is refused like garbage."""
    await seed_product(team.org.id, "SKU-1")
    order = await seed_order(team.org.id, [("SKU-1", 1, "10.00")])
    query = "query($id: ID!) { order(id: $id) { id } }"
    assert (await gql(team.clients["viewer"], query, id=gid("Order", order.id)))["data"]["order"]
    padded = base64.urlsafe_b64encode(f"Order:0{order.id}".encode()).decode().rstrip("=")
    body = await gql(team.clients["viewer"], query, id=padded)
    assert error_codes(body) == ["NOT_FOUND"]
    # nor one per spelling of its base64: characters outside the alphabet, padding, the unused
    # bits of the last character (base64's decoder takes all of these as the same id)
    own = gid("Order", order.id)

    def opened(token: str) -> bytes:
        return base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))

    alphabet = string.ascii_letters + string.digits + "-_"
    twins = [own[:-1] + c for c in alphabet if c != own[-1] and opened(own[:-1] + c) == opened(own)]
    twin = twins[0] if twins else None  # none when the last character has no unused bits
    for spelling in filter(
        None, (own + "!!", own + "==", " " + own, own[:4] + "\n" + own[4:], twin)
    ):
        for document in (query, NODE):
            answer = await gql(team.clients["viewer"], document, id=spelling)
            assert error_codes(answer) == ["NOT_FOUND"], spelling
