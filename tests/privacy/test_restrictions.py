"""Restriction of processing and objection: who may ask, what they stop, how they are lifted."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from audit.models import AuditEntry
from domain.accounts import tokens
from domain.accounts.models import PlatformRole
from domain.catalog.models import Product
from domain.privacy.models import PrivacyNotice, ProcessingRestriction
from domain.privacy.restrictions import restricted_subjects
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

CREATE = """mutation($input: ProcessingRestrictionCreateInput!) {
  processingRestrictionCreate(input: $input) {
    restriction { id kind purpose active subjectId liftsAt } errors { code field } } }"""
LIFT = """mutation($id: ID!, $reason: String) {
  processingRestrictionLift(id: $id, reason: $reason) {
    restriction { id active liftsAt liftRequestedAt } errors { code field } } }"""
LIST = """query($kind: AccessGrantSubject, $id: ID, $active: Boolean! = false) {
  processingRestrictions(subjectKind: $kind, subjectId: $id, activeOnly: $active) {
    totalCount nodes { id kind purpose subjectId active } } }"""
REASON = "the accuracy of the address was verified with the buyer"


async def _create(client, **input_) -> dict:
    data = await gql_data(client, CREATE, input=input_)
    return data["processingRestrictionCreate"]


async def _buyer(team):
    if not await Product.filter(organization_id=team.org.id, sku="SKU-1").exists():
        await seed_product(team.org.id, "SKU-1")
    order = await seed_order(team.org.id, [("SKU-1", 1, "10.00")])
    return order.customer_id


async def test_a_restriction_stops_every_purpose_until_the_person_lifts_it(app):
    me, other = await make_user(), await make_user()
    client = await signed_in(app, me)
    made = await _create(client, kind="RESTRICTION")
    assert made["errors"] == []
    restriction = made["restriction"]
    assert restriction["purpose"] == "ALL" and restriction["active"] is True
    assert restriction["subjectId"] == gid("User", me.id)
    for purpose in ("analytics", "marketing", "personalization", "partner_sharing"):
        assert await restricted_subjects("user", [me.id, other.id], purpose) == {me.id}

    entry = await AuditEntry.filter(action="processing_restriction.create").order_by("-seq")
    assert entry[0].subject == f"user:{me.id}" and entry[0].actor_id == me.id

    lifted = (await gql_data(client, LIFT, id=restriction["id"]))["processingRestrictionLift"]
    assert lifted["errors"] == [] and lifted["restriction"]["active"] is False
    assert await restricted_subjects("user", [me.id], "marketing") == set()
    assert await AuditEntry.filter(
        action="processing_restriction.lift", subject=f"user:{me.id}"
    ).exists()
    again = (await gql_data(client, LIFT, id=restriction["id"]))["processingRestrictionLift"]
    assert again["errors"] == [{"code": "CONFLICT", "field": "id"}]
    await client.aclose()


async def test_an_objection_stops_one_purpose_and_asking_twice_returns_the_open_one(app):
    me = await make_user()
    client = await signed_in(app, me)
    first = await _create(client, kind="OBJECTION", purpose="MARKETING")
    second = await _create(client, kind="OBJECTION", purpose="MARKETING")
    assert first["restriction"]["id"] == second["restriction"]["id"]
    assert await restricted_subjects("user", [me.id], "marketing") == {me.id}
    assert await restricted_subjects("user", [me.id], "analytics") == set()
    assert await restricted_subjects("customer", [me.id], "marketing") == set()
    assert await ProcessingRestriction.filter(subject_id=me.id, subject_kind="user").count() == 1

    bad = [
        ({"kind": "OBJECTION"}, "purpose"),
        ({"kind": "OBJECTION", "purpose": "ALL"}, "purpose"),
        ({"kind": "RESTRICTION", "purpose": "ANALYTICS"}, "purpose"),
        ({"kind": "RESTRICTION", "subjectKind": "CUSTOMER"}, "subjectId"),
    ]
    for input_, field in bad:
        assert (await _create(client, **input_))["errors"] == [
            {"code": "VALIDATION", "field": field}
        ]
    with pytest.raises(ValueError):
        await restricted_subjects("user", [me.id], "all")
    with pytest.raises(ValueError):
        await restricted_subjects("user", [me.id], "advertising")
    await client.aclose()


async def test_only_the_person_the_seller_and_privacy_officers_may_restrict(app, team):
    buyer = await _buyer(team)
    someone = await make_user()
    stranger = await signed_in(app, await make_user())
    as_buyer = {
        "kind": "RESTRICTION",
        "subjectKind": "CUSTOMER",
        "subjectId": gid("Customer", buyer),
    }
    as_user = {"kind": "RESTRICTION", "subjectKind": "USER", "subjectId": gid("User", someone.id)}
    # the seller's staff see the buyer, so they are told why; a stranger is told nothing
    for client in (team.clients["manager"], team.clients["staff"]):
        assert (await _create(client, **as_buyer))["errors"] == [
            {"code": "FORBIDDEN", "field": None}
        ]
    assert (await _create(stranger, **as_buyer))["errors"] == [
        {"code": "NOT_FOUND", "field": "subjectId"}
    ]
    # anyone signed in may look a user up (user(id:)), so another user's id is refused openly
    assert (await _create(stranger, **as_user))["errors"] == [{"code": "FORBIDDEN", "field": None}]
    missing = {**as_buyer, "subjectId": gid("Customer", 2**31 - 1)}
    assert (await _create(team.clients["owner"], **missing))["errors"] == [
        {"code": "NOT_FOUND", "field": "subjectId"}
    ]
    assert await restricted_subjects("customer", [buyer], "partner_sharing") == set()
    assert await AuditEntry.filter(
        action="create", resource_type="ProcessingRestriction", outcome="denied"
    ).exists()

    made = await _create(team.clients["admin"], **as_buyer)
    assert made["errors"] == [] and made["restriction"]["subjectId"] == as_buyer["subjectId"]
    assert await restricted_subjects("customer", [buyer], "partner_sharing") == {buyer}
    _, officer = await make_platform_user(app, PlatformRole.PRIVACY_OFFICER)
    assert (await _create(officer, **as_user))["errors"] == []
    assert await restricted_subjects("user", [someone.id], "analytics") == {someone.id}

    listed = (await gql_data(stranger, LIST))["processingRestrictions"]
    assert listed["totalCount"] == 0
    seen = await gql_data(officer, LIST, kind="CUSTOMER", id=as_buyer["subjectId"])
    assert seen["processingRestrictions"]["totalCount"] == 1
    own = await gql_data(team.clients["owner"], LIST, kind="CUSTOMER", id=as_buyer["subjectId"])
    assert own["processingRestrictions"]["nodes"][0]["kind"] == "RESTRICTION"
    hidden = await gql_data(team.clients["viewer"], LIST, kind="CUSTOMER", id=as_buyer["subjectId"])
    assert hidden["processingRestrictions"]["totalCount"] == 0
    await stranger.aclose()
    await officer.aclose()


async def test_a_lift_by_an_officer_is_announced_to_the_person_a_week_ahead(app):
    person = await make_user()
    client = await signed_in(app, person)
    restriction = (await _create(client, kind="RESTRICTION"))["restriction"]
    _, officer = await make_platform_user(app, PlatformRole.PRIVACY_OFFICER)

    no_reason = (await gql_data(officer, LIFT, id=restriction["id"]))["processingRestrictionLift"]
    assert no_reason["errors"] == [{"code": "VALIDATION", "field": "reason"}]
    assert not await PrivacyNotice.filter(subject_id=person.id, subject_kind="user").exists()

    body = await gql_data(officer, LIFT, id=restriction["id"], reason=REASON)
    lifted = body["processingRestrictionLift"]
    assert lifted["errors"] == [] and lifted["restriction"]["active"] is True
    notice = await PrivacyNotice.get(subject_id=person.id, subject_kind="user")
    assert notice.template == "restriction.lift_announced"
    lifts_at = datetime.fromisoformat(notice.facts["lifts_at"])
    assert timedelta(days=6, hours=23) < lifts_at - datetime.now(UTC) <= timedelta(days=7)

    assert await restricted_subjects("user", [person.id], "marketing") == {person.id}
    later = lifts_at + timedelta(seconds=1)
    assert await restricted_subjects("user", [person.id], "marketing", at=later) == set()
    await ProcessingRestriction.filter(subject_id=person.id).update(
        lifts_at=datetime.now(UTC) - timedelta(seconds=1)
    )
    assert await restricted_subjects("user", [person.id], "marketing") == set()
    active = await gql_data(client, LIST, active=True)
    assert active["processingRestrictions"]["totalCount"] == 0
    await client.aclose()
    await officer.aclose()


async def test_a_partner_token_may_not_restrict_even_for_its_owner(app, team):
    buyer = await _buyer(team)
    issued = await tokens.issue(
        organization_id=team.org.id,
        creator=team.users["owner"],
        name="ERP",
        scopes=["orders:read", "orders.buyer_contact:read"],
        known_scopes={"orders:read", "orders.buyer_contact:read"},
        days=1,
    )
    partner = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://mandi.test",
        headers={"Authorization": f"Bearer {issued.secret}"},
    )
    as_buyer = {
        "kind": "RESTRICTION",
        "subjectKind": "CUSTOMER",
        "subjectId": gid("Customer", buyer),
    }
    body = await gql(partner, CREATE, input=as_buyer)
    assert error_codes(body) == []
    assert body["data"]["processingRestrictionCreate"]["errors"][0]["code"] == "FORBIDDEN"
    assert await restricted_subjects("customer", [buyer], "marketing") == set()
    await partner.aclose()
