"""Erasure: one transaction per the declaration; what is kept is exactly what the receipt says."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from dateutil.relativedelta import relativedelta

from api import ids
from audit.models import AuditEntry
from audit.verify import verify_database
from domain import secretbox
from domain.accounts.auth_models import PartnerToken
from domain.accounts.models import Membership, PlatformRole, User, WebSession
from domain.orders.models import Customer, Order, OrderStatus
from domain.privacy.erasure import TREATMENT
from domain.privacy.models import AccessGrant, PrivacyNotice
from domain.privacy.notices import DELIVER_TO_CONTEXT
from domain.privacy.request_models import ExportFile, RetainedRecord
from tests.privacy.helpers import (
    FILE,
    FULFIL,
    all_text_values,
    assert_erased_as_the_receipt_says,
    declared_fields,
    file_for_buyer,
    personal_values,
    seed_buyer_everywhere,
    seed_user_everywhere,
)
from tests.support import (
    audit_head,
    bearer_client,
    error_codes,
    gid,
    gql,
    gql_data,
    issue_token,
    make_platform_user,
)

FULFIL_RECEIPT = """mutation($id: ID!) { privacyRequestFulfil(id: $id) {
  receipt request { id status receipt } errors { code field message } } }"""
HOLD = """mutation($kind: AccessGrantSubject!, $id: ID!, $reason: String!) {
  legalHoldSet(subjectKind: $kind, subjectId: $id, reason: $reason) {
    hold { id reason } errors { code field } } }"""
RELEASE = (
    """mutation($id: ID!) { legalHoldRelease(id: $id) { hold { releasedAt } errors { code } } }"""
)
ORDER = """query($id: ID!) { order(id: $id) { total shippingName shippingCity shippingState
  customer { name email } } }"""


def test_every_model_declaring_a_persons_data_has_an_erasure_treatment(backend):
    for kind in ("user", "customer"):
        assert set(declared_fields(kind)) <= set(TREATMENT), kind


async def test_a_user_erases_themselves_and_only_the_receipts_kept_fields_remain(app, team):
    person, client = team.users["staff"], team.clients["staff"]
    await seed_user_everywhere(person, team.org.id)
    await gql_data(client, FILE, input={"type": "ACCESS"})  # an open request and an export
    access = (await gql_data(client, FILE, input={"type": "ACCESS"}))["privacyRequestCreate"]
    await gql_data(client, FULFIL, id=access["request"]["id"])
    user = await User.get(id=person.id)
    distinct = [user.email, user.username, user.full_name, user.phone]
    before = await personal_values("user", person.id)

    filed = (await gql_data(client, FILE, input={"type": "ERASURE"}))["privacyRequestCreate"]
    body = await gql_data(client, FULFIL_RECEIPT, id=filed["request"]["id"])
    done = body["privacyRequestFulfil"]
    assert done["errors"] == [] and done["request"]["status"] == "COMPLETED"
    receipt = done["receipt"]
    # the API names the request and the person by their global ids, the stored receipt by raw ids
    assert receipt["subject"] == gid("User", person.id)
    assert receipt["request_id"] == filed["request"]["id"]
    assert {item["record"] for item in receipt["kept"]} == {"User", "AuditEntry"}
    assert all(item["basis"] for item in receipt["kept"])
    assert "sessions" in receipt["revoked"]
    await assert_erased_as_the_receipt_says(before, "user", person.id, receipt)

    stored = " ".join(await all_text_values())
    for value in distinct:
        assert value not in stored, "an erased value is still stored somewhere"
    assert (await User.get(id=person.id)).status == "erased"
    assert not await WebSession.filter(user_id=person.id).exists()
    assert not await ExportFile.filter(subject_id=person.id, subject_kind="user").exists()
    after = await gql(client, "{ privacyRequests { totalCount } }")
    assert error_codes(after) == ["UNAUTHENTICATED"]
    report = await verify_database()
    assert report.ok, report.problems

    notice = (
        await PrivacyNotice.filter(subject_id=person.id, template="request.completed")
        .order_by("-id")
        .first()
    )
    raw_request = ids.decode(receipt["request_id"], "PrivacyRequest")
    mailed = {**receipt, "subject": f"user:{person.id}", "request_id": raw_request}
    assert notice.facts["receipt"] == mailed
    assert secretbox.decrypt(notice.deliver_to_encrypted, context=DELIVER_TO_CONTEXT) == user.email


async def test_erasing_an_account_tells_each_organization_what_it_lost(app, team):
    """The tokens and the membership an erased account held end with an entry each in their
    organization's log (its owners see why a token stopped working and a member left)."""
    person, client = team.users["manager"], team.clients["manager"]
    secret = await issue_token(team, "manager", ["catalog:read"])
    token = await PartnerToken.get(prefix=secret.removeprefix("mandi_pt_").split("_")[0])
    membership = await Membership.get(user_id=person.id, organization_id=team.org.id)
    support, _ = await make_platform_user(app, PlatformRole.SUPPORT_AGENT)
    grant = await AccessGrant.create(
        grantee=support,
        subject_kind="user",
        subject_id=person.id,
        organization_id=team.org.id,
        justification="ticket 12",
        expires_at=datetime.now(UTC) + timedelta(hours=1),
    )
    filed = (await gql_data(client, FILE, input={"type": "ERASURE"}))["privacyRequestCreate"]
    start = await audit_head()
    done = await gql_data(client, FULFIL_RECEIPT, id=filed["request"]["id"])
    assert done["privacyRequestFulfil"]["errors"] == []
    assert "partner tokens (1)" in done["privacyRequestFulfil"]["receipt"]["revoked"]
    entries = await AuditEntry.filter(seq__gt=start).order_by("seq")
    ended = {(e.action, e.resource_id): e for e in entries if e.action != "privacy_request.fulfil"}
    revoked = ended[("token.revoke", str(token.id))]
    assert (revoked.organization_id, revoked.detail) == (team.org.id, {"reason": "erasure"})
    left = ended[("role.revoke", str(membership.id))]
    assert (left.organization_id, left.subject, left.fields_accessed) == (
        team.org.id,
        f"user:{person.id}",
        ["manager"],
    )
    assert left.justification.startswith("erasure (privacy request ")
    closed = ended[("access_grant.revoke", str(grant.id))]
    assert (closed.organization_id, closed.subject) == (team.org.id, f"user:{person.id}")
    assert (await AccessGrant.get(id=grant.id)).revoked_at is not None
    assert {key[0] for key in ended} == {"token.revoke", "role.revoke", "access_grant.revoke"}
    async with bearer_client(app, secret) as partner:
        response = await partner.post(
            "/graphql", json={"query": "{ products(first: 1) { totalCount } }"}
        )
        assert response.status_code == 401


async def test_the_receipt_lists_as_kept_only_fields_that_held_a_value(app, team):
    order = await seed_buyer_everywhere(team.org.id)
    await Order.filter(id=order.id).update(status=OrderStatus.DELIVERED, shipping_state=None)
    filed = await file_for_buyer(team.clients["admin"], "ERASURE", order.customer_id)
    _, officer = await make_platform_user(app, PlatformRole.PRIVACY_OFFICER)
    done = await gql_data(officer, FULFIL_RECEIPT, id=filed["request"]["id"])
    receipt = done["privacyRequestFulfil"]["receipt"]
    kept = {(i["record"], f, i["rows"]) for i in receipt["kept"] for f in i["fields"]}
    assert kept == {("Order", "shipping_country", 1)}
    await officer.aclose()


async def test_a_buyers_orders_keep_amounts_and_place_of_supply_for_72_months(app, team):
    order = await seed_buyer_everywhere(team.org.id)
    await Order.filter(id=order.id).update(status=OrderStatus.DELIVERED)
    customer = await Customer.get(id=order.customer_id)
    before = await personal_values("customer", customer.id)
    filed = await file_for_buyer(team.clients["admin"], "ERASURE", customer.id)
    request_id = filed["request"]["id"]
    refused = await gql_data(team.clients["admin"], FULFIL_RECEIPT, id=request_id)
    assert refused["privacyRequestFulfil"]["errors"][0]["code"] == "FORBIDDEN"
    _, officer = await make_platform_user(app, PlatformRole.PRIVACY_OFFICER)
    done = (await gql_data(officer, FULFIL_RECEIPT, id=request_id))["privacyRequestFulfil"]
    assert done["errors"] == []
    receipt = done["receipt"]
    kept = {(i["record"], f) for i in receipt["kept"] for f in i["fields"]}
    assert kept == {("Order", "shipping_state"), ("Order", "shipping_country")}
    await assert_erased_as_the_receipt_says(before, "customer", customer.id, receipt)
    stored = " ".join(await all_text_values())
    for value in (customer.name, customer.email):
        assert value not in stored

    retained = await RetainedRecord.get(model="Order", object_id=order.id)
    assert retained.retain_until == order.placed_at + relativedelta(months=72)
    assert receipt["retain_until"] == retained.retain_until.isoformat()
    seen = (await gql_data(team.clients["owner"], ORDER, id=gid("Order", order.id)))["order"]
    assert seen["total"] == "300.00" and seen["shippingState"] == "MH"
    assert seen["shippingName"] == "Erased" and seen["customer"]["email"] is None
    stored_request = (
        await gql_data(
            team.clients["owner"],
            """query($id: ID!) {
      privacyRequest(id: $id) { status receipt } }""",
            id=request_id,
        )
    )["privacyRequest"]
    assert stored_request["receipt"] == receipt
    await officer.aclose()


async def test_a_legal_hold_or_an_order_in_flight_vetoes_erasure(app, team):
    order = await seed_buyer_everywhere(team.org.id)
    buyer = gid("Customer", order.customer_id)
    filed = await file_for_buyer(team.clients["owner"], "ERASURE", order.customer_id)
    request_id = filed["request"]["id"]
    _, officer = await make_platform_user(app, PlatformRole.PRIVACY_OFFICER)
    in_flight = (await gql_data(officer, FULFIL_RECEIPT, id=request_id))["privacyRequestFulfil"]
    assert in_flight["errors"][0]["code"] == "CONFLICT"
    await Order.filter(id=order.id).update(status=OrderStatus.DELIVERED)

    why = "litigation: the buyer disputes order payments in court"
    owner_hold = await gql_data(team.clients["owner"], HOLD, kind="CUSTOMER", id=buyer, reason=why)
    assert owner_hold["legalHoldSet"]["errors"] == [{"code": "FORBIDDEN", "field": None}]
    hold = (await gql_data(officer, HOLD, kind="CUSTOMER", id=buyer, reason=why))["legalHoldSet"]
    assert hold["errors"] == []
    vetoed = (await gql_data(officer, FULFIL_RECEIPT, id=request_id))["privacyRequestFulfil"]
    assert vetoed["errors"][0]["code"] == "CONFLICT"
    assert "legal hold" in vetoed["errors"][0]["message"]
    assert why not in vetoed["errors"][0]["message"]  # whoever asks: it may be the person
    assert (await Customer.get(id=order.customer_id)).email is not None
    state = await gql_data(
        officer, """query($id: ID!) { privacyRequest(id: $id) { status } }""", id=request_id
    )
    assert state["privacyRequest"]["status"] == "RECEIVED"

    released = await gql_data(officer, RELEASE, id=hold["hold"]["id"])
    assert released["legalHoldRelease"]["hold"]["releasedAt"] is not None
    done = (await gql_data(officer, FULFIL_RECEIPT, id=request_id))["privacyRequestFulfil"]
    assert done["errors"] == [] and done["request"]["status"] == "COMPLETED"
    assert (await Customer.get(id=order.customer_id)).email is None
    await officer.aclose()
