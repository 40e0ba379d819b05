"""Privacy policy versions: a material one tells every user and asks each to accept it."""

from __future__ import annotations

from audit.models import AuditEntry
from domain.accounts.models import PlatformRole
from domain.privacy.models import PrivacyNotice
from domain.privacy.policy_versions import PolicyAcceptance
from tests.support import gql_data, make_platform_user, make_user, signed_in, unique

PUBLISH = """mutation($input: PrivacyPolicyPublishInput!) { privacyPolicyPublish(input: $input) {
  notified policy { version material textDigest } errors { code field } } }"""
ACCEPT = """mutation($v: String!) { privacyPolicyAccept(version: $v) {
  policy { version } errors { code field } } }"""
REQUIRED = "{ privacyPolicyAcceptanceRequired { version } privacyPolicy { version } }"


async def test_a_material_version_is_announced_and_accepted_once(app):
    person = await make_user()
    client = await signed_in(app, person)
    version = unique("v")
    refused = await gql_data(
        client, PUBLISH, input={"version": version, "material": True, "text": "New terms."}
    )
    assert refused["privacyPolicyPublish"]["errors"][0]["code"] == "FORBIDDEN"
    _, officer = await make_platform_user(app, PlatformRole.PRIVACY_OFFICER)
    minor = await gql_data(
        officer, PUBLISH, input={"version": unique("m"), "material": False, "text": "Typo fix."}
    )
    assert minor["privacyPolicyPublish"]["notified"] == 0

    body = await gql_data(
        officer, PUBLISH, input={"version": version, "material": True, "text": "New terms."}
    )
    published = body["privacyPolicyPublish"]
    assert published["errors"] == [] and published["notified"] >= 1
    assert await PrivacyNotice.filter(
        subject_id=person.id, subject_kind="user", template="policy.material_change"
    ).exists()
    again = await gql_data(
        officer, PUBLISH, input={"version": version, "material": True, "text": "x"}
    )
    assert again["privacyPolicyPublish"]["errors"] == [{"code": "CONFLICT", "field": "version"}]

    asked = await gql_data(client, REQUIRED)
    assert asked["privacyPolicyAcceptanceRequired"] == {"version": version}
    assert asked["privacyPolicy"] == {"version": version}
    for _ in range(2):
        done = await gql_data(client, ACCEPT, v=version)
        assert done["privacyPolicyAccept"] == {"policy": {"version": version}, "errors": []}
    assert await PolicyAcceptance.filter(user_id=person.id).count() == 1
    assert (await gql_data(client, REQUIRED))["privacyPolicyAcceptanceRequired"] is None
    unknown = await gql_data(client, ACCEPT, v="no-such-version")
    assert unknown["privacyPolicyAccept"]["errors"] == [{"code": "NOT_FOUND", "field": "version"}]
    assert await AuditEntry.filter(
        action="privacy_policy.accept", subject=f"user:{person.id}"
    ).exists()
    await client.aclose()
    await officer.aclose()
