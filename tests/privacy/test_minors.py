"""Anyone may report that a child's data is held; a privacy officer gets it within three days."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from domain.accounts.models import PlatformRole
from domain.privacy.request_models import PrivacyRequest
from tests.support import gql_data, make_platform_user, make_user

REPORT = """mutation($input: MinorDataReportInput!) { minorDataReport(input: $input) {
  ok errors { code field } } }"""
QUEUE = "{ privacyRequestQueue(first: 100) { nodes { id type subjectId dueAt identityCheck } } }"


async def test_anyone_reports_a_minor_and_the_officer_sees_it_due_in_three_days(app, anon):
    child = await make_user()
    for input_ in ({"username": child.username}, {"email": child.email.upper()}):
        body = await gql_data(anon, REPORT, input=input_)
        assert body["minorDataReport"] == {"ok": True, "errors": []}
    unknown = await gql_data(anon, REPORT, input={"username": "nobody-by-this-name"})
    assert unknown["minorDataReport"] == {"ok": True, "errors": []}  # no hint either way
    requests = await PrivacyRequest.filter(type="minor_data", subject_id=child.id)
    assert len(requests) == 1  # the second report joined the open one
    due = requests[0].due_at - requests[0].received_at
    assert due == timedelta(days=3) and requests[0].due_at < datetime.now(UTC) + timedelta(days=3)

    _, officer = await make_platform_user(app, PlatformRole.PRIVACY_OFFICER)
    queue = (await gql_data(officer, QUEUE))["privacyRequestQueue"]["nodes"]
    mine = [row for row in queue if row["type"] == "MINOR_DATA"]
    assert mine and mine[0]["dueAt"] <= queue[-1]["dueAt"]
    assert any(row["identityCheck"] == "NOT_REQUIRED" for row in mine)
    too_long = await gql_data(anon, REPORT, input={"email": "x" * 300})
    assert too_long["minorDataReport"]["errors"] == [{"code": "VALIDATION", "field": "email"}]
    await officer.aclose()
