"""Access and portability: the export holds every declared personal field, once, by link."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from audit.models import AuditEntry
from domain import secretbox
from domain.accounts.models import PlatformRole
from domain.orders.models import Customer, CustomerAddress, Order
from domain.privacy.export import ACTOR_COLUMNS, NO_ROW_IDS, WITHHELD, remove_expired
from domain.privacy.fulfilment import NOTICE_LINK_CONTEXT
from domain.privacy.models import PrivacyNotice
from domain.privacy.request_models import ExportFile
from tests.privacy.helpers import (
    FILE,
    FULFIL,
    declared_fields,
    export_json,
    file_for_buyer,
    seed_buyer_everywhere,
    seed_user_everywhere,
    unzip,
)
from tests.support import gql_data, make_platform_user

WITHHELD_VALUES = set(WITHHELD.values())


async def _request_and_fulfil(client, **input_) -> dict:
    made = (await gql_data(client, FILE, input=input_))["privacyRequestCreate"]
    assert made["errors"] == [], made
    done = await gql_data(client, FULFIL, id=made["request"]["id"])
    return done["privacyRequestFulfil"]


def _assert_every_declared_field(document: dict, kind: str, expected_rows: dict) -> None:
    """Every model that declares data of ``kind`` is seeded and exported, every declared field
    of it is in every row, carries a value in some row, and equals the stored value (or is the
    withheld marker for credentials)."""
    declared = declared_fields(kind)
    assert set(declared) == set(expected_rows), "seed the person in every declared model"
    assert document["personal_fields"].keys() == declared.keys()
    for model, fields in declared.items():
        rows = document["records"].get(model, [])
        assert rows, f"{model}: the export holds none of the person's rows"
        assert set(document["personal_fields"][model]) == fields
        for field in fields:
            assert all(field in row for row in rows), (model, field)
            values = [row[field] for row in rows if row[field] is not None]
            assert values, f"{model}.{field}: no value exported"
            category = document["personal_fields"][model][field]
            if category in {"credentials", "export.subject_data"}:
                assert set(values) <= WITHHELD_VALUES, (model, field)
            elif field in expected_rows[model]:
                assert _text(expected_rows[model][field]) in values, (model, field)


def _text(value) -> object:
    return value.isoformat() if isinstance(value, datetime) else value


async def test_a_users_export_holds_every_personal_field_of_the_declaration(app, team):
    person, client = team.users["staff"], team.clients["staff"]
    await seed_user_everywhere(person, team.org.id)
    first = await _request_and_fulfil(client, type="ACCESS")  # leaves an earlier ExportFile row
    assert first["errors"] == [] and first["request"]["status"] == "COMPLETED"

    done = await _request_and_fulfil(client, type="PORTABILITY")
    url = done["downloadUrl"]
    assert url.startswith("/privacy/exports/")
    response = await client.get(url)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/zip"
    assert response.headers["cache-control"] == "no-store"
    document = export_json(response.content)
    assert document["format"] == "mandi.subject-export/1"
    assert document["subject"] == {"kind": "user", "id": person.id}

    fresh = await type(person).get(id=person.id)
    expected = {
        "User": {
            "email": fresh.email,
            "username": fresh.username,
            "full_name": fresh.full_name,
            "phone": fresh.phone,
            "country": fresh.country,
        },
        "LoginEvent": {"ip": "203.0.113.7", "user_agent": "Firefox"},
        "WebSession": {"user_agent": "pytest"},
        "Ticket": {"subject": "Where is my payout?"},
        "TicketMessage": {"body": "Please help."},
        "EmailOutbox": {"to_address": fresh.email},
        "RecoveryCode": {},
        "LoginChallenge": {},
        "PasswordReset": {},
        "SignUpConfirmation": {},
        "EmailChange": {"new_email": "moving@example.test"},
        "AuditEntry": {},
        "ExportFile": {},
        "PrivacyNotice": {},
        "ConsentEvent": {"ip_truncated": "198.51.100.0"},
    }
    _assert_every_declared_field(document, "user", expected)
    user_row = document["records"]["User"][0]
    assert user_row["password_hash"] in WITHHELD_VALUES
    assert user_row["mfa_secret_encrypted"] in WITHHELD_VALUES
    assert "Membership" in document["records"] and "PrivacyRequest" in document["records"]
    assert len(document["records"]["PrivacyRequest"]) == 2

    info = document["information"]
    for key in (
        "purposes",
        "categories",
        "recipients",
        "retention",
        "source",
        "rights",
        "complaint",
        "automated_decision_making",
    ):
        assert info[key], key
    assert "contact.email" in info["retention"] and "contact.email" in info["purposes"]
    assert any("contractual clauses" in r["transfer_safeguard"] for r in info["recipients"])

    files = unzip(response.content)
    assert fresh.email in files["export.html"] and "<script" not in files["export.html"]
    assert "mandi.subject-export/1" in files["README.txt"]

    again = await client.get(url)
    assert again.status_code == 404
    assert again.json()["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    entry = await AuditEntry.filter(action="privacy_export.download").order_by("-seq").first()
    assert entry.subject == f"user:{person.id}" and entry.fields_accessed == ["content_encrypted"]
    assert (
        await ExportFile.filter(subject_id=person.id, content_encrypted__not_isnull=True).count()
        == 1  # the first export, never fetched; the fetched one is gone
    )


async def test_a_buyers_export_is_sent_to_them_and_never_shown_to_the_officer(app, team):
    order = await seed_buyer_everywhere(team.org.id)
    filed = await file_for_buyer(team.clients["owner"], "ACCESS", order.customer_id)
    request_id = filed["request"]["id"]
    owner_try = await gql_data(team.clients["owner"], FULFIL, id=request_id)
    assert owner_try["privacyRequestFulfil"]["errors"] == [{"code": "FORBIDDEN", "field": None}]
    _, officer = await make_platform_user(app, PlatformRole.PRIVACY_OFFICER)
    done = (await gql_data(officer, FULFIL, id=request_id))["privacyRequestFulfil"]
    assert done["errors"] == [] and done["downloadUrl"] is None

    filed = await file_for_buyer(team.clients["owner"], "PORTABILITY", order.customer_id)
    second = filed["request"]["id"]
    assert (await gql_data(officer, FULFIL, id=second))["privacyRequestFulfil"]["errors"] == []
    notice = (
        await PrivacyNotice.filter(
            subject_kind="customer", subject_id=order.customer_id, template="request.completed"
        )
        .order_by("-id")
        .first()
    )
    url = secretbox.decrypt(notice.facts["link_encrypted"], context=NOTICE_LINK_CONTEXT)
    response = await officer.get(url)
    assert response.status_code == 200
    document = export_json(response.content)
    customer = await Customer.get(id=order.customer_id)
    address = await CustomerAddress.get(customer_id=order.customer_id)
    fresh = await Order.get(id=order.id)
    expected = {
        "Customer": {"name": customer.name, "email": customer.email, "phone": customer.phone},
        "CustomerAddress": {
            f: getattr(address, f)
            for f in ("line1", "line2", "city", "state", "postal_code", "country")
        },
        "Order": {f: getattr(fresh, f) for f in declared_fields("customer")["Order"]},
        "Shipment": {"tracking_number": f"DLV{order.id:010d}"},
        "ExportFile": {},
        "PrivacyNotice": {},
    }
    _assert_every_declared_field(document, "customer", expected)
    recipients = [r["recipient"] for r in document["information"]["recipients"]]
    assert "marketplace: amazon" in recipients
    assert document["records"]["Order"][0]["total"] == "300.00"
    await officer.aclose()


async def test_an_export_link_expires_and_its_file_is_removed(app, team):
    client = team.clients["viewer"]
    done = await _request_and_fulfil(client, type="ACCESS")
    await ExportFile.filter(subject_id=team.users["viewer"].id).update(
        expires_at=datetime.now(UTC) - timedelta(seconds=1)
    )
    assert (await client.get(done["downloadUrl"])).status_code == 404
    assert await remove_expired() >= 1
    assert not await ExportFile.filter(
        subject_id=team.users["viewer"].id, content_encrypted__not_isnull=True
    ).exists()
    assert (await client.get("/privacy/exports/not-a-token")).status_code == 404


async def test_the_persons_own_entries_export_what_they_asked_not_what_was_found(app, team):
    """A refused look-up of another organization's order and of an id nobody has export alike,
    and an email change to a taken and to a free address too: the export lists the person's own
    entries as they made them, never the object's organization, subject or id."""
    from tests.support import gid, gql, make_team, make_user, unique

    other = await make_team(app, roles=())
    foreign = await seed_buyer_everywhere(other.org.id)
    holder = await make_user()
    client = team.clients["staff"]
    for order_id in (foreign.id, 2**31 - 1):
        await gql(client, "query($id: ID!) { node(id: $id) { id } }", id=gid("Order", order_id))
    await _request_and_fulfil(client, type="ACCESS")  # a recent sign-in for the email change
    correct = """mutation($e: String!) { viewerProfileCorrect(input: {email: $e}) {
      errors { code } } }"""
    await gql_data(client, correct, e=holder.email)
    await gql_data(client, correct, e=f"{unique('free')}@example.test")
    done = await _request_and_fulfil(client, type="ACCESS")
    document = export_json((await client.get(done["downloadUrl"])).content)
    mine = document["records"]["AuditEntry"]
    assert all(set(row) == set(ACTOR_COLUMNS) for row in mine)
    looked_up = [r for r in mine if r["resource_type"] == "Order" and r["outcome"] == "denied"]
    changes = [r for r in mine if r["action"] == "user.email_change_request"]
    moment = ("seq", "occurred_at", "request_id")
    for pair in (looked_up[-2:], changes[-2:]):
        assert len(pair) == 2
        first, second = ({k: v for k, v in r.items() if k not in moment} for r in pair)
        assert first == second
    # the rows of the change are alike too: a link mailed to each address it named
    mailed = [r for r in document["records"]["EmailOutbox"] if r["template"].startswith("email")]
    assert sorted(r["template"] for r in mailed) == ["email_change_confirm"] * 2
    assert holder.email in {r["to_address"] for r in mailed}
    # no service-wide row counters: the ids of one's own mails before and after a reset for
    # someone's address showed whether that address had an account (a mail was queued between)
    for name in NO_ROW_IDS & document["records"].keys():
        assert all("id" not in row for row in document["records"][name]), name
    assert "EmailOutbox" in document["records"] and all("seq" not in row for row in mine)
