"""Breach incidents: recorded by privacy officers, the 72-hour clock, people told once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from audit.models import AuditEntry
from domain.accounts.models import PlatformRole
from domain.privacy.breach import BreachIncident
from domain.privacy.models import PrivacyNotice
from tests.support import gid, gql_data, make_platform_user, make_user

RECORD = """mutation($input: BreachIncidentRecordInput!) { breachIncidentRecord(input: $input) {
  incident { id authorityDueAt authorityHoursLeft categories approximatePeople }
  errors { code field } } }"""
NOTIFY = """mutation($id: ID!) { breachIncidentNotifyPeople(id: $id) {
  notified incident { peopleNotifiedAt } errors { code field } } }"""
AUTHORITY = """mutation($id: ID!) { breachIncidentAuthorityNotified(id: $id) {
  incident { authorityNotifiedAt } errors { code } } }"""
LIST = "{ breachIncidents { totalCount nodes { id } } }"


async def test_an_officer_records_a_breach_and_tells_the_people_affected_once(app, team):
    people = [await make_user(), await make_user()]
    detected = datetime.now(UTC) - timedelta(hours=10)
    input_ = {
        "nature": "a misconfigured export bucket was readable for two hours",
        "categories": ["contact.email", "name"],
        "approximatePeople": 2,
        "likelyConsequences": "phishing mails to the people whose address leaked",
        "measures": "bucket closed, keys rotated, access logs reviewed",
        "detectedAt": detected.isoformat(),
        "affected": [{"subjectKind": "USER", "subjectId": gid("User", p.id)} for p in people],
    }
    refused = await gql_data(team.clients["owner"], RECORD, input=input_)
    assert refused["breachIncidentRecord"]["errors"] == [{"code": "NOT_FOUND", "field": None}]
    _, officer = await make_platform_user(app, PlatformRole.PRIVACY_OFFICER)
    bad = await gql_data(officer, RECORD, input={**input_, "categories": ["shoe.size"]})
    assert bad["breachIncidentRecord"]["errors"] == [{"code": "VALIDATION", "field": "categories"}]

    made = (await gql_data(officer, RECORD, input=input_))["breachIncidentRecord"]
    assert made["errors"] == []
    incident = made["incident"]
    assert datetime.fromisoformat(incident["authorityDueAt"]) == detected + timedelta(hours=72)
    assert 61.5 < incident["authorityHoursLeft"] <= 62.0

    told = (await gql_data(officer, NOTIFY, id=incident["id"]))["breachIncidentNotifyPeople"]
    assert told["notified"] == 2 and told["incident"]["peopleNotifiedAt"] is not None
    for person in people:
        notice = await PrivacyNotice.get(subject_id=person.id, template="breach.notice")
        assert notice.facts["measures"] == input_["measures"]
    again = (await gql_data(officer, NOTIFY, id=incident["id"]))["breachIncidentNotifyPeople"]
    assert again["errors"] == [{"code": "CONFLICT", "field": "id"}]
    reported = await gql_data(officer, AUTHORITY, id=incident["id"])
    assert reported["breachIncidentAuthorityNotified"]["incident"]["authorityNotifiedAt"]

    _, reviewer = await make_platform_user(app, PlatformRole.SECURITY_REVIEWER)
    assert (await gql_data(reviewer, LIST))["breachIncidents"]["totalCount"] >= 1
    assert (await gql_data(team.clients["owner"], LIST))["breachIncidents"]["totalCount"] == 0
    actions = await AuditEntry.filter(resource_type="BreachIncident").values_list(
        "action", flat=True
    )
    assert {"breach.record", "breach.notify_people", "breach.authority_notified"} <= set(actions)
    await officer.aclose()
    await reviewer.aclose()


async def test_a_detection_time_before_2000_or_ahead_of_the_clock_is_refused(app):
    """0001-01-01 (a client's zero value) was recorded and answered about -17.7 million hours
    left; the bound is orderImport's placedAt's, with a few minutes for a fast clock."""
    _, officer = await make_platform_user(app, PlatformRole.PRIVACY_OFFICER)
    input_ = {
        "nature": "a laptop holding an export was stolen",
        "categories": ["contact.email"],
        "approximatePeople": 1,
        "likelyConsequences": "phishing mails to the people in the export",
        "measures": "remote wipe, passwords reset",
    }
    now = datetime.now(UTC)
    before = await BreachIncident.all().count()
    for at in (
        "0001-01-01T00:00:00Z",
        "1999-12-31T23:59:59Z",
        "2000-01-01T04:00:00+05:30",  # 1999-12-31T22:30Z
        (now + timedelta(hours=1)).isoformat(),
    ):
        refused = await gql_data(officer, RECORD, input={**input_, "detectedAt": at})
        assert refused["breachIncidentRecord"]["errors"] == [
            {"code": "VALIDATION", "field": "detectedAt"}
        ], at
    assert await BreachIncident.all().count() == before
    for at in ("2000-01-01T00:00:00Z", (now + timedelta(minutes=1)).isoformat()):
        made = await gql_data(officer, RECORD, input={**input_, "detectedAt": at})
        assert made["breachIncidentRecord"]["errors"] == [], at
    await officer.aclose()
