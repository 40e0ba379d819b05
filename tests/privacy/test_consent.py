"""Consent events, the CCPA opt-out, Sec-GPC, where consent is enforced, and that no price or
feature depends on these choices."""

from __future__ import annotations

import httpx

from audit.models import AuditEntry
from domain.accounts import tokens
from domain.accounts.models import OrgRole
from domain.accounts.services import add_member
from domain.privacy.consent import audience, digest
from domain.privacy.consent_models import ConsentEvent
from domain.privacy.models import GrantSubject, Purpose, RestrictionKind
from domain.privacy.restrictions import restrict
from tests.support import gql_data, make_user, seed_product, signed_in

RECORD = """mutation($input: ConsentRecordInput!) { consentRecord(input: $input) {
  event { purpose granted method policyVersion noticeDigest } errors { code field } } }"""
OPT_OUT = "mutation { ccpaOptOut { event { purpose granted method } errors { code } } }"
CURRENT = "{ consents { purpose granted method } }"
NOTICE = "We would like to email you about new marketplace features. Unsubscribe any time."


async def _choose(client, purpose: str, granted: bool, **extra) -> dict:
    data = await gql_data(client, RECORD, input={"purpose": purpose, "granted": granted, **extra})
    return data["consentRecord"]


async def test_consent_is_given_and_withdrawn_as_events_with_version_digest_and_network(app):
    person = await make_user()
    client = await signed_in(app, person)
    given = await _choose(
        client, "MARKETING_EMAIL", True, policyVersion="2026-11", noticeText=NOTICE
    )
    assert given["errors"] == []
    assert given["event"] == {
        "purpose": "MARKETING_EMAIL",
        "granted": True,
        "method": "CHOICE",
        "policyVersion": "2026-11",
        "noticeDigest": digest(NOTICE),
    }
    withdrawn = await _choose(client, "MARKETING_EMAIL", False, policyVersion="2026-11")
    assert withdrawn["event"]["granted"] is False
    current = (await gql_data(client, CURRENT))["consents"]
    assert current == [{"purpose": "MARKETING_EMAIL", "granted": False, "method": "CHOICE"}]
    events = await ConsentEvent.filter(user_id=person.id).order_by("id")
    assert [e.granted for e in events] == [True, False]
    assert {e.ip_truncated for e in events} == {"127.0.0.0"}
    actions = await AuditEntry.filter(
        resource_type="ConsentEvent", subject=f"user:{person.id}"
    ).values_list("action", flat=True)
    assert sorted(actions) == ["consent.give", "consent.withdraw"]
    too_long = await _choose(client, "ANALYTICS", True, policyVersion="v" * 33)
    assert too_long["errors"] == [{"code": "VALIDATION", "field": "policyVersion"}]
    await client.aclose()


async def test_ccpa_opt_out_and_the_gpc_signal_of_a_signed_in_person(app, team, anon):
    person = await make_user()
    client = await signed_in(app, person)
    await gql_data(client, "{ consents { purpose } }")
    assert not await ConsentEvent.filter(user_id=person.id).exists()

    response = await client.post(
        "/graphql", json={"query": "{ consents { purpose } }"}, headers={"Sec-GPC": "1"}
    )
    assert response.status_code == 200 and "errors" not in response.json()
    events = await ConsentEvent.filter(user_id=person.id)
    assert [(e.purpose, e.granted, e.method) for e in events] == [("sale_or_sharing", False, "gpc")]
    await client.post(
        "/graphql", json={"query": "{ consents { purpose } }"}, headers={"Sec-GPC": "1"}
    )
    assert await ConsentEvent.filter(user_id=person.id).count() == 1  # recorded once
    assert (
        await AuditEntry.filter(action="consent.gpc_opt_out", subject=f"user:{person.id}").count()
        == 1
    )

    await anon.post("/graphql", json={"query": "{ __typename }"}, headers={"Sec-GPC": "1"})
    assert not await AuditEntry.filter(action="consent.gpc_opt_out", actor_type="anonymous")
    issued = await tokens.issue(
        organization_id=team.org.id,
        creator=team.users["owner"],
        name="ERP",
        scopes=["catalog:read"],
        known_scopes={"catalog:read"},
        days=1,
    )
    partner = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://mandi.test",
        headers={"Authorization": f"Bearer {issued.secret}", "Sec-GPC": "1"},
    )
    await partner.post("/graphql", json={"query": "{ __typename }"})
    assert not await ConsentEvent.filter(user_id=team.users["owner"].id).exists()
    await partner.aclose()

    other = await signed_in(app, await make_user())
    opted = (await gql_data(other, OPT_OUT))["ccpaOptOut"]
    assert opted["event"] == {"purpose": "SALE_OR_SHARING", "granted": False, "method": "OPT_OUT"}
    await client.aclose()
    await other.aclose()


async def test_marketing_and_analytics_reach_only_who_consented_and_did_not_object(app):
    people = [await make_user() for _ in range(4)]
    clients = [await signed_in(app, p) for p in people]
    for client in clients:
        await _choose(client, "MARKETING_EMAIL", True)
        await _choose(client, "ANALYTICS", True)
    ids = [p.id for p in people]
    assert await audience("marketing", ids) == set(ids)
    await _choose(clients[0], "MARKETING_EMAIL", False)
    await restrict(
        kind=RestrictionKind.OBJECTION,
        subject_kind=GrantSubject.USER,
        subject_id=ids[1],
        purpose=Purpose.MARKETING,
        requested_by_id=ids[1],
    )
    await restrict(
        kind=RestrictionKind.RESTRICTION,
        subject_kind=GrantSubject.USER,
        subject_id=ids[2],
        purpose=None,
        requested_by_id=ids[2],
    )
    never = await make_user()
    assert await audience("marketing", [*ids, never.id]) == {ids[3]}
    assert await audience("analytics", [*ids, never.id]) == {ids[0], ids[1], ids[3]}
    for client in clients:
        await client.aclose()


async def test_no_price_or_feature_depends_on_privacy_choices(app, team):
    await seed_product(team.org.id, "SKU-9", price="499.00")
    careful, relaxed = await make_user(), await make_user()
    for user in (careful, relaxed):
        await add_member(user=user, organization=team.org, role=OrgRole.MANAGER)
    a, b = await signed_in(app, careful), await signed_in(app, relaxed)
    for purpose in (
        "MARKETING_EMAIL",
        "ANALYTICS",
        "PERSONALIZATION",
        "COOKIES_FUNCTIONAL",
        "COOKIES_ANALYTICS",
        "COOKIES_ADVERTISING",
        "SALE_OR_SHARING",
    ):
        await _choose(a, purpose, False)
        await _choose(b, purpose, True)
    await gql_data(a, OPT_OUT)
    queries = [
        "{ products(first: 50) { totalCount edges { node { sku title price gstRate } } } }",
        "{ __schema { queryType { fields { name } } mutationType { fields { name } } } }",
    ]
    listed = await gql_data(b, queries[0])
    assert "499.00" in {e["node"]["price"] for e in listed["products"]["edges"]}
    for query in queries:
        response = await a.post("/graphql", json={"query": query}, headers={"Sec-GPC": "1"})
        seen_a = {k: v for k, v in response.json().items() if k != "extensions"}
        seen_b = await gql_data(b, query)
        assert seen_a == {"data": seen_b}, query

    await a.aclose()
    await b.aclose()


async def test_the_gpc_signal_of_a_sign_in_is_honoured_by_that_request(anon):
    """A browser sending Sec-GPC signs in: the opt-out is recorded by the sign-in itself, not
    only by the next request (which might never come)."""
    person = await make_user(password="a long passphrase of mine")
    response = await anon.post(
        "/graphql",
        json={
            "query": """mutation($u: String!, $p: String!) { sessionCreate(input:
              {username: $u, password: $p}) { user { username } errors { code } } }""",
            "variables": {"u": person.username, "p": "a long passphrase of mine"},
        },
        headers={"Sec-GPC": "1"},
    )
    assert response.json()["data"]["sessionCreate"]["errors"] == []
    events = await ConsentEvent.filter(user_id=person.id)
    assert [(e.purpose, e.granted, e.method) for e in events] == [("sale_or_sharing", False, "gpc")]
    [entry] = await AuditEntry.filter(action="consent.gpc_opt_out", subject=f"user:{person.id}")
    assert (entry.actor_type, entry.actor_id) == ("user", person.id)
