"""Privacy requests: regime and deadline, identity check, duplicates, extension, denial, queue."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

from dateutil.relativedelta import relativedelta

from audit.models import AuditEntry
from domain.accounts.models import PlatformRole, User, WebSession
from domain.privacy.models import PrivacyNotice
from domain.privacy.request_models import PrivacyRequest
from tests.privacy.helpers import set_fields
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

FIELDS = """id type regime status identityCheck receivedAt dueAt originalDueAt extendedAt
  daysLeft subjectId handlerId denialReason history { status step note actorId }"""
CREATE = f"""mutation($input: PrivacyRequestCreateInput!) {{
  privacyRequestCreate(input: $input) {{
    created request {{ {FIELDS} }} errors {{ code field }} }} }}"""
TAKE = f"""mutation($id: ID!) {{
  privacyRequestTake(id: $id) {{ request {{ {FIELDS} }} errors {{ code field }} }} }}"""
EXTEND = f"""mutation($id: ID!, $until: DateTime!, $reason: String!) {{
  privacyRequestExtend(id: $id, until: $until, reason: $reason) {{
    request {{ {FIELDS} }} errors {{ code field }} }} }}"""
DENY = f"""mutation($id: ID!, $reason: String!) {{
  privacyRequestDeny(id: $id, reason: $reason) {{
    request {{ {FIELDS} }} errors {{ code field }} }} }}"""
QUEUE = """query($after: String) { privacyRequestQueue(first: 100, after: $after) {
  pageInfo { hasNextPage endCursor } nodes { id dueAt daysLeft type subjectId } } }"""
CSV = "{ privacyRequestQueueCsv }"
WHY = "the export spans six years of orders across three sellers"


def _when(value: str) -> datetime:
    return datetime.fromisoformat(value)


async def _file(client, **input_) -> dict:
    return (await gql_data(client, CREATE, input=input_))["privacyRequestCreate"]


async def _person(app, country: str = "IN"):
    user = await make_user()
    await set_fields(User, {"id": user.id}, country=country)
    return user, await signed_in(app, user)


async def test_a_request_gets_the_deadline_of_the_persons_law(app):
    cases = [
        ("DE", "GDPR", relativedelta(months=1)),
        ("US", "CCPA", relativedelta(days=45)),
        ("IN", "OTHER", relativedelta(days=30)),
    ]
    for country, regime, window in cases:
        user, client = await _person(app, country)
        made = await _file(client, type="ACCESS")
        assert made["errors"] == [] and made["created"] is True
        request = made["request"]
        assert request["regime"] == regime and request["status"] == "RECEIVED"
        assert request["identityCheck"] == "RECENT_REAUTHENTICATION"
        assert request["subjectId"] == gid("User", user.id)
        received = _when(request["receivedAt"])
        assert _when(request["dueAt"]) == received + window == _when(request["originalDueAt"])
        assert [s["step"] for s in request["history"]] == ["received"]
        notice = await PrivacyNotice.get(subject_kind="user", subject_id=user.id)
        assert notice.template == "request.received"
        assert _when(notice.facts["due_at"]) == received + window
        entry = await AuditEntry.filter(action="privacy_request.create").order_by("-seq").first()
        assert entry.subject == f"user:{user.id}" and entry.actor_id == user.id

        again = await _file(client, type="ACCESS")
        assert again["created"] is False and again["request"]["id"] == request["id"]
        other = await _file(client, type="ERASURE")
        assert other["created"] is True and other["request"]["id"] != request["id"]
        await client.aclose()


async def test_a_user_must_have_signed_in_again_recently(app):
    user, client = await _person(app)
    await WebSession.filter(user_id=user.id).update(
        created_at=datetime.now(UTC) - timedelta(minutes=11), reauthenticated_at=None
    )
    made = await _file(client, type="ERASURE")
    assert made["errors"] == [{"code": "STEP_UP_REQUIRED", "field": None}]
    assert not await PrivacyRequest.filter(subject_id=user.id, subject_kind="user").exists()
    await client.aclose()


async def test_a_seller_files_for_a_buyer_reached_at_a_channel_on_file(app, team):
    await seed_product(team.org.id, "SKU-1")
    order = await seed_order(team.org.id, [("SKU-1", 1, "10.00")])
    buyer = gid("Customer", order.customer_id)
    base = {"type": "ACCESS", "subjectKind": "CUSTOMER", "subjectId": buyer}
    admin = team.clients["admin"]
    assert (await _file(admin, **base))["errors"] == [
        {"code": "VALIDATION", "field": "verifiedChannel"}
    ]
    no_phone = await _file(admin, **base, verifiedChannel="PHONE")
    assert no_phone["errors"] == [{"code": "VALIDATION", "field": "verifiedChannel"}]
    for role in ("manager", "staff", "viewer"):  # they see the buyer, so they are told why
        refused = await _file(team.clients[role], **base, verifiedChannel="EMAIL")
        assert refused["errors"] == [{"code": "FORBIDDEN", "field": None}]
    made = await _file(admin, **base, verifiedChannel="EMAIL")
    assert made["errors"] == [] and made["request"]["identityCheck"] == "VERIFIED_EMAIL"
    assert made["request"]["regime"] == "OTHER"  # shipped to India

    objection = {**base, "type": "OBJECTION", "verifiedChannel": "EMAIL"}
    assert (await _file(admin, **objection))["errors"] == [
        {"code": "VALIDATION", "field": "purpose"}
    ]
    marketing = await _file(admin, **objection, purpose="MARKETING")
    analytics = await _file(admin, **objection, purpose="ANALYTICS")
    assert marketing["request"]["id"] != analytics["request"]["id"]
    stranger = await signed_in(app, await make_user())
    assert (await _file(stranger, **base, verifiedChannel="EMAIL"))["errors"] == [
        {"code": "NOT_FOUND", "field": "subjectId"}
    ]
    await stranger.aclose()


async def test_an_officer_extends_once_within_the_limit_and_denies_with_reasons(app):
    user, client = await _person(app, "FR")
    request = (await _file(client, type="ACCESS"))["request"]
    officer_user, officer = await make_platform_user(app, PlatformRole.PRIVACY_OFFICER)

    refused = await gql_data(
        client, EXTEND, id=request["id"], until="2099-01-01T00:00:00Z", reason=WHY
    )
    assert refused["privacyRequestExtend"]["errors"] == [{"code": "FORBIDDEN", "field": None}]

    taken = (await gql_data(officer, TAKE, id=request["id"]))["privacyRequestTake"]["request"]
    assert taken["status"] == "IN_PROGRESS" and taken["handlerId"] == gid("User", officer_user.id)

    due = _when(request["originalDueAt"])
    too_far = (due + relativedelta(months=2) + timedelta(minutes=1)).isoformat()
    body = await gql_data(officer, EXTEND, id=request["id"], until=too_far, reason=WHY)
    assert body["privacyRequestExtend"]["errors"] == [{"code": "VALIDATION", "field": "until"}]
    short = await gql_data(
        officer,
        EXTEND,
        id=request["id"],
        until=(due + timedelta(days=1)).isoformat(),
        reason="busy",
    )
    assert short["privacyRequestExtend"]["errors"] == [{"code": "VALIDATION", "field": "reason"}]
    for unreadable in ("\u202e" * 20, "\u200b" * 12 + "busy", "   \n\t" * 5):
        blank = await gql_data(
            officer,
            EXTEND,
            id=request["id"],
            until=(due + timedelta(days=1)).isoformat(),
            reason=unreadable,
        )
        assert blank["privacyRequestExtend"]["errors"] == [
            {"code": "VALIDATION", "field": "reason"}
        ], repr(unreadable)

    limit = (due + relativedelta(months=2)).isoformat()
    body = await gql_data(officer, EXTEND, id=request["id"], until=limit, reason=WHY)
    extended = body["privacyRequestExtend"]["request"]
    assert _when(extended["dueAt"]) == _when(limit) and extended["extendedAt"] is not None
    assert _when(extended["originalDueAt"]) == due
    notice = await PrivacyNotice.get(subject_id=user.id, template="request.extended")
    assert notice.facts["reason"] == WHY
    twice = await gql_data(officer, EXTEND, id=request["id"], until=limit, reason=WHY)
    assert twice["privacyRequestExtend"]["errors"] == [{"code": "CONFLICT", "field": "id"}]

    body = await gql_data(officer, DENY, id=request["id"], reason=WHY)
    denied = body["privacyRequestDeny"]["request"]
    assert denied["status"] == "DENIED" and denied["denialReason"] == WHY
    assert [s["step"] for s in denied["history"]] == ["received", "taken", "extended", "denied"]
    assert denied["history"][-1]["actorId"] == gid("User", officer_user.id)
    notice = await PrivacyNotice.get(subject_id=user.id, template="request.denied")
    assert "supervisory authority" in notice.facts["complain_to"]
    again = await gql_data(officer, DENY, id=request["id"], reason=WHY)
    assert again["privacyRequestDeny"]["errors"] == [{"code": "CONFLICT", "field": "id"}]
    actions = await AuditEntry.filter(
        resource_id=str(_pk(request["id"])), resource_type="PrivacyRequest"
    ).values_list("action", flat=True)
    assert {"privacy_request.take", "privacy_request.extend", "privacy_request.deny"} <= set(
        actions
    )
    # the person sees who handled the request in which role: Mandi staff, not support (the
    # extension's reason is a justification, but no access grant's)
    log = await gql_data(client, "{ viewer { dataAccessLog { nodes { action actorRole } } } }")
    roles = {
        e["action"]: e["actorRole"]
        for e in log["viewer"]["dataAccessLog"]["nodes"]
        if e["action"].startswith("privacy_request.")
    }
    assert roles == {
        "privacy_request.take": "Mandi staff",
        "privacy_request.extend": "Mandi staff",
        "privacy_request.deny": "Mandi staff",
    }
    await client.aclose()
    await officer.aclose()


def _pk(global_id: str) -> int:
    from api import ids

    return ids.decode(global_id, "PrivacyRequest")


async def test_no_extension_once_the_deadline_has_passed(app):
    _, client = await _person(app, "DE")
    request = (await _file(client, type="CORRECTION"))["request"]
    pk = _pk(request["id"])
    await PrivacyRequest.filter(id=pk).update(due_at=datetime.now(UTC) - timedelta(minutes=1))
    _, officer = await make_platform_user(app, PlatformRole.PRIVACY_OFFICER)
    later = (datetime.now(UTC) + timedelta(days=10)).isoformat()
    body = await gql_data(officer, EXTEND, id=request["id"], until=later, reason=WHY)
    assert body["privacyRequestExtend"]["errors"] == [{"code": "CONFLICT", "field": "id"}]
    await client.aclose()
    await officer.aclose()


async def _whole_queue(client) -> list[dict]:
    """Every page of the queue, in order."""
    rows, after = [], None
    while True:
        page = (await gql_data(client, QUEUE, after=after))["privacyRequestQueue"]
        rows += page["nodes"]
        if not page["pageInfo"]["hasNextPage"]:
            return rows
        after = page["pageInfo"]["endCursor"]


async def test_the_officers_queue_is_oldest_due_first_and_exports_as_csv(app):
    _, officer = await make_platform_user(app, PlatformRole.PRIVACY_OFFICER)
    before = {row["id"] for row in await _whole_queue(officer)}
    mine = []
    for country in ("IN", "US", "DE"):
        _, client = await _person(app, country)
        mine.append((await _file(client, type="ACCESS"))["request"]["id"])
        if country == "IN":
            own = await _whole_queue(client)
            assert [row["id"] for row in own] == [mine[0]]
        await client.aclose()
    queue = await _whole_queue(officer)
    due = [_when(row["dueAt"]) for row in queue]
    assert due == sorted(due)
    ours = [row["id"] for row in queue if row["id"] not in before]
    # DE: one calendar month; IN: 30 days; US: 45 days
    expected = sorted(mine, key=lambda i: next(_when(r["dueAt"]) for r in queue if r["id"] == i))
    assert ours == expected and set(ours) == set(mine)
    assert all(row["daysLeft"] in range(27, 46) for row in queue if row["id"] in mine)

    text = (await gql_data(officer, CSV))["privacyRequestQueueCsv"]
    rows = list(csv.DictReader(io.StringIO(text)))
    # the API's global ids, as in the rest of the API (the queue's own ids)
    assert ours == [r["id"] for r in rows if r["id"] in set(mine)]
    assert set(rows[0]) >= {"due_at", "days_left", "regime", "subject_kind", "subject"}
    shown = {row["id"]: row for row in queue}
    for row in (r for r in rows if r["id"] in set(mine)):
        assert row["subject"] == (shown[row["id"]]["subjectId"] or ""), row
    assert "@" not in text
    assert await AuditEntry.filter(action="privacy_request.export_queue").exists()
    await officer.aclose()


async def test_a_request_changes_hands_a_bounded_number_of_times(app):
    """Its history is whole: taking it again adds no step, and hand-overs are bounded."""
    from domain.privacy.request_models import PrivacyRequestEvent, RequestStatus
    from domain.privacy.requests import MAX_TAKES

    _, client = await _person(app)
    request = (await _file(client, type="ACCESS"))["request"]
    await client.aclose()
    _, first = await make_platform_user(app, PlatformRole.PRIVACY_OFFICER)
    second_user, second = await make_platform_user(app, PlatformRole.PRIVACY_OFFICER)
    await gql_data(first, TAKE, id=request["id"])
    again = (await gql_data(first, TAKE, id=request["id"]))["privacyRequestTake"]
    assert [s["step"] for s in again["request"]["history"]] == ["received", "taken"]
    for _ in range(MAX_TAKES - 1):
        await PrivacyRequestEvent.create(
            request_id=_pk(request["id"]),
            status=RequestStatus.IN_PROGRESS,
            step="taken",
            actor_id=second_user.id,
        )
    refused = (await gql_data(second, TAKE, id=request["id"]))["privacyRequestTake"]
    assert refused["errors"] == [{"code": "CONFLICT", "field": "id"}]
    await first.aclose()
    await second.aclose()


BOTH_LISTS = """query($newest: String, $due: String) {
  privacyRequests(first: 1, after: $newest) { edges { cursor } }
  privacyRequestQueue(first: 1, after: $due) { edges { cursor } } }"""


async def test_the_queue_and_the_list_of_requests_refuse_each_others_cursors(app):
    """Both list privacy requests, newest first and due soonest first: a position in one order
    is no position in the other."""
    _, client = await _person(app)
    await _file(client, type="ACCESS")
    await client.aclose()
    _, officer = await make_platform_user(app, PlatformRole.PRIVACY_OFFICER)
    data = await gql_data(officer, BOTH_LISTS)
    newest = data["privacyRequests"]["edges"][0]["cursor"]
    due = data["privacyRequestQueue"]["edges"][0]["cursor"]
    await gql_data(officer, BOTH_LISTS, newest=newest, due=due)
    swapped = await gql(officer, BOTH_LISTS, newest=due, due=newest)
    assert swapped["data"] == {"privacyRequests": None, "privacyRequestQueue": None}
    assert error_codes(swapped) == ["VALIDATION", "VALIDATION"]
    await officer.aclose()
