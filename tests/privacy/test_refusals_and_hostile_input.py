"""What an attacker found in the privacy workflows (issue 13's attack pass), one test per finding:
refusals that left no audit entry, a one-time link used up by HEAD, an erasure anyone could
block, and inputs that answered INTERNAL_SERVER_ERROR."""

from __future__ import annotations

import json

from audit.models import AuditEntry
from domain.accounts.models import PlatformRole, User
from domain.accounts.services import create_user
from domain.orders.models import Order, OrderStatus
from tests.privacy.helpers import FILE, FULFIL, file_for_buyer, seed_buyer_everywhere
from tests.support import gid, gql_data, make_platform_user, make_user, signed_in

HOLD = """mutation($kind: AccessGrantSubject!, $id: ID!, $reason: String!) {
  legalHoldSet(subjectKind: $kind, subjectId: $id, reason: $reason) { errors { code } } }"""
FULFIL_ERRORS = """mutation($id: ID!) { privacyRequestFulfil(id: $id) {
  request { status } errors { code message } } }"""


async def test_a_placeholder_taken_beforehand_does_not_block_an_erasure(app):
    person = await make_user()
    # usernames are public and user ids count up: anyone could sign up as the old placeholders
    await create_user(
        username=f"erased-{person.id}",
        email=f"erased-{person.id}@erased.invalid",
        full_name="Squatter",
        password=None,
        country="IN",
        adult_attested=True,
    )
    client = await signed_in(app, person)
    filed = (await gql_data(client, FILE, input={"type": "ERASURE"}))["privacyRequestCreate"]
    done = await gql_data(client, FULFIL_ERRORS, id=filed["request"]["id"])
    assert done["privacyRequestFulfil"]["errors"] == []
    assert done["privacyRequestFulfil"]["request"]["status"] == "COMPLETED"
    assert (await User.get(id=person.id)).status == "erased"
    await client.aclose()


async def test_head_does_not_use_up_an_export_link_and_a_dead_link_is_recorded(app, team):
    client = team.clients["viewer"]
    filed = (await gql_data(client, FILE, input={"type": "ACCESS"}))["privacyRequestCreate"]
    url = (await gql_data(client, FULFIL, id=filed["request"]["id"]))["privacyRequestFulfil"][
        "downloadUrl"
    ]
    head = await client.head(url)
    assert head.status_code == 405 and head.headers["allow"] == "GET"
    assert (await client.get(url)).status_code == 200
    again = await client.get(url)
    assert again.status_code == 404
    refused = await AuditEntry.filter(
        action="privacy_export.rejected", request_id=again.headers["x-request-id"]
    ).first()
    assert refused is not None and refused.outcome == "denied"


async def test_a_vetoed_erasure_is_a_denied_entry_naming_the_person(app, team):
    order = await seed_buyer_everywhere(team.org.id)
    filed = await file_for_buyer(team.clients["owner"], "ERASURE", order.customer_id)
    request_id = filed["request"]["id"]
    _, officer = await make_platform_user(app, PlatformRole.PRIVACY_OFFICER)
    in_flight = await gql_data(officer, FULFIL_ERRORS, id=request_id)
    assert in_flight["privacyRequestFulfil"]["errors"][0]["code"] == "CONFLICT"
    await Order.filter(id=order.id).update(status=OrderStatus.DELIVERED)
    buyer = gid("Customer", order.customer_id)
    why = "litigation: the buyer disputes order payments in court"
    await gql_data(officer, HOLD, kind="CUSTOMER", id=buyer, reason=why)
    vetoed = await gql_data(officer, FULFIL_ERRORS, id=request_id)
    assert vetoed["privacyRequestFulfil"]["errors"][0]["code"] == "CONFLICT"
    entries = await AuditEntry.filter(
        action="privacy_request.fulfil", subject=f"customer:{order.customer_id}"
    ).order_by("seq")
    assert [e.outcome for e in entries] == ["denied", "denied"]
    assert "legal hold" in entries[-1].justification
    await officer.aclose()


async def test_filing_for_a_missing_buyer_answers_and_records_like_a_foreign_one(app, team):
    order = await seed_buyer_everywhere(team.org.id)
    stranger = await signed_in(app, await make_user())
    answers = []
    for customer_id in (order.customer_id, order.customer_id + 10_000):
        body = await gql_data(
            stranger,
            FILE,
            input={
                "type": "ACCESS",
                "subjectKind": "CUSTOMER",
                "subjectId": gid("Customer", customer_id),
                "verifiedChannel": "EMAIL",
            },
        )
        answers.append(body["privacyRequestCreate"]["errors"])
    assert answers[0] == answers[1] == [{"code": "NOT_FOUND", "field": "subjectId"}]
    missing = await AuditEntry.filter(
        action="read", resource_type="Customer", resource_id=str(order.customer_id + 10_000)
    ).first()
    assert missing is not None and missing.outcome == "denied"
    await stranger.aclose()


async def test_a_lone_surrogate_or_an_overlong_version_is_refused_not_a_crash(app, team):
    client = team.clients["viewer"]
    consent = """mutation($text: String!) { consentRecord(input: {purpose: ANALYTICS,
      granted: true, noticeText: $text}) { errors { code } } }"""
    raw = json.dumps({"query": consent, "variables": {"text": "\ud800"}})  # the \\ud800 escape
    response = await client.post(
        "/graphql", content=raw, headers={"content-type": "application/json"}
    )
    body = response.json()
    assert [e["extensions"]["code"] for e in body["errors"]] == ["BAD_USER_INPUT"]
    accept = """mutation($v: String!) { privacyPolicyAccept(version: $v) {
      errors { code field } } }"""
    body = await gql_data(client, accept, v="v" * 10_000)
    assert body["privacyPolicyAccept"]["errors"] == [{"code": "NOT_FOUND", "field": "version"}]


async def test_an_attempt_on_someones_privacy_request_reaches_their_access_log(app):
    person = await make_user()
    client = await signed_in(app, person)
    filed = (await gql_data(client, FILE, input={"type": "ACCESS"}))["privacyRequestCreate"]
    stranger_user = await make_user()
    stranger = await signed_in(app, stranger_user)
    response = await stranger.post(
        "/graphql",
        json={
            "query": "query($id: ID!) { node(id: $id) { id } }",
            "variables": {"id": filed["request"]["id"]},
        },
    )
    assert response.json()["data"] == {"node": None}
    attempt = await AuditEntry.filter(
        resource_type="PrivacyRequest", outcome="denied", actor_id=stranger_user.id
    ).first()
    assert attempt is not None and attempt.subject == f"user:{person.id}"
    log = await gql_data(
        client, "{ viewer { dataAccessLog(first: 50) { nodes { action outcome actorRole } } } }"
    )
    seen = log["viewer"]["dataAccessLog"]["nodes"]
    assert any(n["outcome"].lower() == "denied" for n in seen), seen
    await client.aclose()
    await stranger.aclose()


async def test_a_time_out_of_range_in_utc_is_bad_input_not_a_crash(app):
    """0001-01-01T00:00:00+14:00 parses as an ISO time but is before the first instant UTC can
    hold: refused at the argument, as any value that is no DateTime."""
    _, officer = await make_platform_user(app, PlatformRole.PRIVACY_OFFICER)
    record = """mutation($at: DateTime) { breachIncidentRecord(input: {
      nature: "a laptop holding an export was stolen", categories: ["contact.email"],
      approximatePeople: 1, likelyConsequences: "phishing mails to the people in the export",
      measures: "remote wipe, passwords reset", detectedAt: $at}) {
      incident { id } errors { code } } }"""
    try:
        for at in ("0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"):
            given = {"query": record, "variables": {"at": at}}
            response = await officer.post("/graphql", json=given)
            body = response.json()
            assert response.status_code == 200, body
            assert [e["extensions"]["code"] for e in body["errors"]] == ["BAD_USER_INPUT"], body
        fine = await gql_data(officer, record, at="2026-01-01T00:00:00+14:00")
        assert fine["breachIncidentRecord"]["errors"] == []
    finally:
        await officer.aclose()
