"""The audit log's queries show and take global ids, like the rest of the API; the log itself
keeps raw ids. An entry about an object since deleted or a person since erased still shows
their ids; a filter's id of the right type is never looked up, so it tells nothing of what
exists."""

from __future__ import annotations

import base64
import secrets

from audit.models import AuditEntry
from audit.recorder import Actor, AuditBuffer
from domain.accounts.models import PlatformRole
from tests.support import (
    error_codes,
    gid,
    gql,
    gql_data,
    make_platform_user,
    make_team,
    seed_order,
    seed_product,
)

QUERY = """query($f: AuditFilter) { auditEntries(filter: $f, first: 50) { totalCount
  edges { node { actorType actorId onBehalfOf action resourceType resourceId resourceKey subject
    organizationId } } } }"""


def _absent() -> int:
    """An id no row of the tests has (they count from 1)."""
    return 10**8 + secrets.randbelow(10**8)


async def _entries_of_a_token_since_gone() -> tuple[int, int]:
    """Entries of a partner token about a product, a session and a customer, none of which
    exist (deleted, erased), and two resources named by keys; returns (token id, object id)."""
    token, gone = _absent(), _absent()
    buffer = AuditBuffer(Actor(type="token", id=token, on_behalf_of=gone))
    buffer.note("read", "Product", gone, subject=f"customer:{gone}", organization_id=gone)
    buffer.note("read", "Product", 42)
    buffer.note("session.revoke", "WebSession", gone, subject=f"user:{gone}")
    buffer.note("idempotency.apply", "Mutation", "42")
    buffer.note("token.rejected", "PartnerToken", "42")
    await buffer.flush()
    return token, gone


async def _nodes(client, **condition) -> list[dict]:
    data = await gql_data(client, QUERY, f=condition)
    return [edge["node"] for edge in data["auditEntries"]["edges"]]


async def test_entries_show_global_ids_made_from_the_entry_alone(app):
    token, gone = await _entries_of_a_token_since_gone()
    _, reviewer = await make_platform_user(app, PlatformRole.SECURITY_REVIEWER)
    async with reviewer:
        nodes = await _nodes(reviewer, actorId=gid("PartnerToken", token))
    assert len(nodes) == 5
    assert {(n["actorType"], n["actorId"], n["onBehalfOf"]) for n in nodes} == {
        ("token", gid("PartnerToken", token), gid("User", gone))
    }
    shown = {(n["action"], n["resourceType"], n["resourceId"], n["resourceKey"]) for n in nodes}
    assert shown == {
        ("read", "Product", gid("Product", gone), None),
        ("read", "Product", gid("Product", 42), None),
        ("session.revoke", "WebSession", gid("Session", gone), None),
        ("idempotency.apply", "Mutation", None, "42"),
        ("token.rejected", "PartnerToken", None, "42"),  # a prefix sent, not a token's id
    }
    product = next(n for n in nodes if n["resourceId"] == gid("Product", gone))
    assert product["subject"] == gid("Customer", gone)
    assert product["organizationId"] == gid("Organization", gone)
    session = next(n for n in nodes if n["resourceType"] == "WebSession")
    assert session["subject"] == gid("User", gone)
    # the log itself keeps the raw ids it always had
    stored = await AuditEntry.filter(actor_id=token, resource_type="Product", resource_id=str(gone))
    assert [(e.subject, e.on_behalf_of) for e in stored] == [(f"customer:{gone}", gone)]


async def test_filters_take_global_ids_and_an_id_names_its_type(app):
    token, gone = await _entries_of_a_token_since_gone()
    actor = gid("PartnerToken", token)
    _, reviewer = await make_platform_user(app, PlatformRole.SECURITY_REVIEWER)
    async with reviewer:
        [product] = await _nodes(reviewer, actorId=actor, resourceId=gid("Product", gone))
        assert product["resourceType"] == "Product"
        [session] = await _nodes(reviewer, actorId=actor, resourceId=gid("Session", gone))
        assert session["resourceType"] == "WebSession"
        [about] = await _nodes(reviewer, subject=gid("Customer", gone))
        assert about["actorId"] == actor
        [erased] = await _nodes(reviewer, subject=gid("User", gone), actorType="token")
        assert erased["action"] == "session.revoke"
        # a key matches what is named by a key, never a row whose id reads the same
        keyed = await _nodes(reviewer, actorId=actor, resourceKey="42")
        assert sorted(n["resourceType"] for n in keyed) == ["Mutation", "PartnerToken"]
        [row] = await _nodes(reviewer, actorId=actor, resourceId=gid("Product", 42))
        assert row["resourceKey"] is None
        # the token's entries, not those of a user with the same raw id
        assert await _nodes(reviewer, actorId=gid("User", token)) == []


def _raw(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


BAD = [
    {"actorId": "not-an-id"},
    {"subject": "customer:12"},  # the log's own form is no global id
    {"subject": gid("Customer", 0)},
    {"actorId": gid("Product", 1)},
    {"actorId": gid("User", 2**31)},  # beyond any user's id
    {"subject": gid("Product", 1)},
    {"subject": gid("Nothing", 1)},
    {"resourceId": "%%%"},
    {"resourceId": gid("Nothing", 1)},
    {"organizationId": gid("User", 1)},
    {"actorType": "user", "actorId": gid("PartnerToken", 1)},
    {"resourceType": "Order", "resourceId": gid("Product", 1)},
    {"resourceId": gid("Product", 1), "resourceKey": "42"},
    # one spelling per object: a key with leading zeros names nothing, as in every look-up
    {"resourceId": _raw("Order:018")},
    {"subject": _raw("Customer:06")},
    {"organizationId": _raw("Organization:01")},
]


async def test_a_malformed_or_wrong_type_id_is_bad_user_input(app):
    _, reviewer = await make_platform_user(app, PlatformRole.SECURITY_REVIEWER)
    async with reviewer:
        for condition in BAD:
            body = await gql(reviewer, QUERY, f=condition)
            assert error_codes(body) == ["BAD_USER_INPUT"], (condition, body)
            assert body["data"] == {"auditEntries": None}, condition
            assert body["errors"][0]["path"] == ["auditEntries"], condition


async def test_the_message_names_the_type_found_and_the_types_expected(app):
    _, reviewer = await make_platform_user(app, PlatformRole.SECURITY_REVIEWER)
    async with reviewer:
        body = await gql(reviewer, QUERY, f={"actorId": gid("Product", 1)})
    [error] = body["errors"]
    assert error["message"] == (
        "filter.actorId is the id of a Product, not of a PartnerToken or a User"
    )


async def test_an_id_naming_nothing_or_what_you_may_not_read_answers_like_one_without_entries(
    app, team
):
    other = await make_team(app)
    try:
        await seed_product(other.org.id, sku="A-1")
        order = await seed_order(other.org.id, [("A-1", 1, "10.00")])
        await gql_data(other.clients["manager"], "{ orders { edges { node { shippingName } } } }")
        hidden = gid("Customer", order.customer_id)  # about whom the log has entries
        nobody = gid("Customer", _absent())
        await seed_product(team.org.id, sku="A-1")
        quiet = gid("Customer", (await seed_order(team.org.id, [("A-1", 1, "10.00")])).customer_id)
        owner = team.clients["owner"]
        answers = [await gql(owner, QUERY, f={"subject": s}) for s in (hidden, nobody, quiet)]
        for body in answers:
            assert "errors" not in body, body
            assert body["data"] == {"auditEntries": {"totalCount": 0, "edges": []}}
        # a privacy officer may search any subject: one that does not exist is just empty
        _, officer = await make_platform_user(app, PlatformRole.PRIVACY_OFFICER)
        async with officer:
            assert await _nodes(officer, subject=gid("Customer", _absent())) == []
            assert await _nodes(officer, subject=hidden)
    finally:
        await other.close()
