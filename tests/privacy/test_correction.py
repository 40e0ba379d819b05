"""Correction: a person's own fields and a buyer's through the seller; entries name fields."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from audit.models import AuditEntry
from domain.accounts.models import User, WebSession
from domain.orders.models import Customer
from domain.privacy.request_models import PrivacyRequest
from tests.privacy.helpers import FILE, seed_buyer_everywhere
from tests.support import gid, gql_data, make_team, make_user, signed_in

MINE = """mutation($input: ViewerProfileCorrectInput!) { viewerProfileCorrect(input: $input) {
  user { fullName phone email locale } errors { code field } } }"""
BUYER = """mutation($input: CustomerCorrectInput!) { customerCorrect(input: $input) {
  customer { name email phone } errors { code field } } }"""


async def _entries(subject: str) -> list[AuditEntry]:
    return await AuditEntry.filter(action="privacy.correct", subject=subject).order_by("seq")


async def test_a_person_corrects_their_fields_and_the_entry_names_only_them(app):
    person = await make_user()
    client = await signed_in(app, person)
    filed = await gql_data(client, FILE, input={"type": "CORRECTION"})
    request_id = filed["privacyRequestCreate"]["request"]["id"]

    body = await gql_data(
        client, MINE, input={"fullName": "Asha Rao", "phone": "+919833333333", "locale": "hi-IN"}
    )
    result = body["viewerProfileCorrect"]
    assert result["errors"] == []
    assert result["user"] == {
        "fullName": "Asha Rao",
        "phone": "+919833333333",
        "email": person.email,
        "locale": "hi-IN",
    }
    stored = await User.get(id=person.id)
    assert stored.phone == "+919833333333" and stored.locale == "hi-IN"
    entries = await _entries(f"user:{person.id}")
    assert [e.fields_accessed for e in entries] == [["full_name", "locale", "phone"]]
    assert "+919833333333" not in str(entries[0].__dict__)
    from api import ids

    request = await PrivacyRequest.get(id=ids.decode(request_id, "PrivacyRequest"))
    assert request.status == "completed"

    same = await gql_data(client, MINE, input={"phone": "+919833333333"})
    assert same["viewerProfileCorrect"]["errors"] == []
    assert len(await _entries(f"user:{person.id}")) == 1  # nothing changed, nothing noted

    # a taken address is not refused (that would tell it has an account); a new address waits
    # for its link either way (tests/privacy/test_email_change.py)
    taken = await make_user()
    clash = await gql_data(client, MINE, input={"email": taken.email})
    assert clash["viewerProfileCorrect"]["errors"] == []
    assert clash["viewerProfileCorrect"]["user"]["email"] == person.email
    bad = await gql_data(client, MINE, input={"email": "not-an-address"})
    assert bad["viewerProfileCorrect"]["errors"][0]["code"] == "VALIDATION"
    assert (await User.get(id=person.id)).email == person.email

    await WebSession.filter(user_id=person.id).update(
        created_at=datetime.now(UTC) - timedelta(minutes=11), reauthenticated_at=None
    )
    stale = await gql_data(client, MINE, input={"fullName": "Someone Else"})
    assert stale["viewerProfileCorrect"]["errors"][0]["code"] == "STEP_UP_REQUIRED"
    await client.aclose()


async def test_a_seller_corrects_a_buyer_only_with_the_update_rule(app, team):
    order = await seed_buyer_everywhere(team.org.id)
    buyer = gid("Customer", order.customer_id)
    body = await gql_data(
        team.clients["manager"], BUYER, input={"customerId": buyer, "email": "new@example.test"}
    )
    assert body["customerCorrect"]["errors"] == []
    assert (await Customer.get(id=order.customer_id)).email == "new@example.test"
    entries = await _entries(f"customer:{order.customer_id}")
    assert [e.fields_accessed for e in entries] == [["email"]]

    staff = await gql_data(team.clients["staff"], BUYER, input={"customerId": buyer, "name": "X Y"})
    assert staff["customerCorrect"]["errors"] == [{"code": "FORBIDDEN", "field": "name"}]
    other = await make_team(app)
    elsewhere = await gql_data(
        other.clients["owner"], BUYER, input={"customerId": buyer, "name": "X Y"}
    )
    assert elsewhere["customerCorrect"]["errors"] == [{"code": "NOT_FOUND", "field": "customerId"}]
    assert (await Customer.get(id=order.customer_id)).name == order.shipping_name
    await other.close()
