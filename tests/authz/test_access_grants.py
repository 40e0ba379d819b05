"""Support access grants: justified, time-boxed, revocable, visible to the data subject."""

from __future__ import annotations

from domain.accounts.models import PlatformRole
from domain.catalog.models import Product
from tests.support import (
    error_codes,
    gid,
    gql,
    gql_data,
    make_platform_user,
    make_user,
    seed_order,
    seed_product,
    signed_in,
)

CREATE = """mutation($input: AccessGrantCreateInput!) {
  accessGrantCreate(input: $input) { grant { id open subjectId justification }
  errors { code field } } }"""
REVOKE = """mutation($id: ID!) {
  accessGrantRevoke(id: $id) { grant { open revokedAt } errors { code field } } }"""
GRANTS = "{ accessGrants { totalCount edges { node { id subjectId granteeId open } } } }"
ORDER = "query($id: ID!) { order(id: $id) { shippingName customer { name email } } }"
WHY = "ticket 4711: the buyer asks where the parcel is"


def _input(kind: str, subject_id: str, **extra) -> dict:
    return {"subjectKind": kind, "subjectId": subject_id, "justification": WHY, **extra}


async def _order(team):
    if not await Product.filter(organization_id=team.org.id, sku="SKU-1").exists():
        await seed_product(team.org.id, "SKU-1")
    return await seed_order(team.org.id, [("SKU-1", 1, "10.00")])


async def test_a_grant_opens_one_buyer_from_the_next_request_until_revoked(app, team):
    order = await _order(team)
    _, agent = await make_platform_user(app, PlatformRole.SUPPORT_AGENT)
    assert error_codes(await gql(agent, ORDER, id=gid("Order", order.id))) == ["NOT_FOUND"]

    data = await gql_data(
        agent, CREATE, input=_input("CUSTOMER", gid("Customer", order.customer_id))
    )
    grant = data["accessGrantCreate"]["grant"]
    assert data["accessGrantCreate"]["errors"] == [] and grant["open"] is True

    data = await gql_data(agent, ORDER, id=gid("Order", order.id))
    assert data["order"]["shippingName"] == order.shipping_name
    assert data["order"]["customer"]["email"] is not None
    other = await _order(team)  # another buyer stays closed
    assert error_codes(await gql(agent, ORDER, id=gid("Order", other.id))) == ["NOT_FOUND"]

    data = await gql_data(agent, REVOKE, id=grant["id"])
    assert data["accessGrantRevoke"]["grant"]["open"] is False
    assert error_codes(await gql(agent, ORDER, id=gid("Order", order.id))) == ["NOT_FOUND"]
    await agent.aclose()


async def test_a_grant_needs_a_justification_a_bounded_duration_and_a_support_agent(app, team):
    order = await _order(team)
    subject = gid("Customer", order.customer_id)
    _, agent = await make_platform_user(app, PlatformRole.SUPPORT_AGENT)
    cases = [
        (_input("CUSTOMER", subject, justification="because"), "justification"),
        (_input("CUSTOMER", subject, durationMinutes=481), "durationMinutes"),
        (_input("CUSTOMER", subject, durationMinutes=0), "durationMinutes"),
    ]
    for payload, field in cases:
        data = await gql_data(agent, CREATE, input=payload)
        assert data["accessGrantCreate"]["errors"] == [{"code": "VALIDATION", "field": field}]
    data = await gql_data(agent, CREATE, input=_input("CUSTOMER", gid("Customer", 2**31 - 1)))
    assert data["accessGrantCreate"]["errors"] == [{"code": "NOT_FOUND", "field": "subjectId"}]
    await gql_data(agent, CREATE, input=_input("CUSTOMER", subject))
    data = await gql_data(agent, CREATE, input=_input("CUSTOMER", subject))
    assert data["accessGrantCreate"]["errors"] == [{"code": "CONFLICT", "field": "subjectId"}]
    for client in (team.clients["owner"], team.clients["manager"]):
        data = await gql_data(client, CREATE, input=_input("CUSTOMER", subject))
        assert data["accessGrantCreate"]["errors"] == [{"code": "FORBIDDEN", "field": None}]
    await agent.aclose()


async def test_the_data_subject_sees_grants_on_their_data_and_others_do_not(app):
    person = await make_user()
    client = await signed_in(app, person)
    stranger = await signed_in(app, await make_user())
    _, agent = await make_platform_user(app, PlatformRole.SUPPORT_AGENT)
    data = await gql_data(agent, CREATE, input=_input("USER", gid("User", person.id)))
    grant_id = data["accessGrantCreate"]["grant"]["id"]

    seen = (await gql_data(client, GRANTS))["accessGrants"]
    assert [edge["node"]["id"] for edge in seen["edges"]] == [grant_id]
    assert seen["edges"][0]["node"]["subjectId"] == gid("User", person.id)
    assert (await gql_data(stranger, GRANTS))["accessGrants"]["totalCount"] == 0
    # the subject may see it, but only the grantee, privacy officers and platform admins revoke
    data = await gql_data(client, REVOKE, id=grant_id)
    assert data["accessGrantRevoke"]["errors"] == [{"code": "FORBIDDEN", "field": None}]
    data = await gql_data(stranger, REVOKE, id=grant_id)
    assert data["accessGrantRevoke"]["errors"] == [{"code": "NOT_FOUND", "field": "id"}]
    _, officer = await make_platform_user(app, PlatformRole.PRIVACY_OFFICER)
    data = await gql_data(officer, REVOKE, id=grant_id)
    assert data["accessGrantRevoke"]["grant"]["open"] is False
    for c in (client, stranger, agent, officer):
        await c.aclose()


async def test_the_sellers_owner_sees_grants_on_its_buyers(app, team):
    order = await _order(team)
    _, agent = await make_platform_user(app, PlatformRole.SUPPORT_AGENT)
    await gql_data(agent, CREATE, input=_input("CUSTOMER", gid("Customer", order.customer_id)))
    for role, count in (("owner", 1), ("admin", 1), ("manager", 0), ("viewer", 0)):
        data = await gql_data(team.clients[role], GRANTS)
        assert data["accessGrants"]["totalCount"] == count, role
    await agent.aclose()
