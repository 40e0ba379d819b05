"""Mutations that name a person (``subjectKind`` + ``subjectId``): a malformed id, an id of
another type, one no person has and one of a person the caller may not read all answer alike,
NOT_FOUND at ``subjectId``, and each leaves exactly one denied entry. A caller who may read the
person but not act on them is told FORBIDDEN."""

from __future__ import annotations

from audit.models import AuditEntry
from domain.accounts.models import OrgRole, PlatformRole
from tests.privacy.helpers import seed_buyer_everywhere
from tests.support import audit_head, error_codes, gid, gql, gql_data, make_platform_user, make_team

RESTRICT = """mutation($input: ProcessingRestrictionCreateInput!) {
  processingRestrictionCreate(input: $input) { restriction { id } errors { code field message } }
}"""
HOLD = """mutation($kind: AccessGrantSubject!, $id: ID!, $reason: String!) {
  legalHoldSet(subjectKind: $kind, subjectId: $id, reason: $reason) {
    hold { id } errors { code field message } } }"""
FILE = """mutation($input: PrivacyRequestCreateInput!) {
  privacyRequestCreate(input: $input) { request { id } errors { code field message } } }"""
GRANT = """mutation($input: AccessGrantCreateInput!) {
  accessGrantCreate(input: $input) { grant { id } errors { code field message } } }"""
BREACH = """mutation($input: BreachIncidentRecordInput!) {
  breachIncidentRecord(input: $input) { incident { id } errors { code field message } } }"""
WHY = "litigation: the buyer disputes order payments in court"


async def _answer(client, query: str, root: str, **variables) -> tuple[dict, list[AuditEntry]]:
    """The payload's errors and the denied entries the call left."""
    start = await audit_head()
    payload = (await gql_data(client, query, **variables))[root]
    denied = await AuditEntry.filter(seq__gt=start, outcome="denied").order_by("seq")
    return payload["errors"], denied


def _mutations(customer_id: str):
    """Each mutation that names a buyer, as (root, query, variables for that buyer)."""
    return {
        "processingRestrictionCreate": (
            RESTRICT,
            {"input": {"kind": "RESTRICTION", "subjectKind": "CUSTOMER", "subjectId": customer_id}},
        ),
        "legalHoldSet": (HOLD, {"kind": "CUSTOMER", "id": customer_id, "reason": WHY}),
        "privacyRequestCreate": (
            FILE,
            {
                "input": {
                    "type": "ACCESS",
                    "subjectKind": "CUSTOMER",
                    "subjectId": customer_id,
                    "verifiedChannel": "EMAIL",
                }
            },
        ),
    }


async def test_a_buyer_one_may_not_name_is_not_found_alike_and_recorded_once(app, team):
    other = await make_team(app, roles=(OrgRole.OWNER,))
    try:
        theirs = (await seed_buyer_everywhere(other.org.id)).customer_id
        order = await seed_buyer_everywhere(team.org.id)
        cases = {
            "garbage": "garbage",
            "another type": gid("Order", order.id),
            "missing": gid("Customer", theirs + 10**6),
            "foreign": gid("Customer", theirs),
        }
        for root in _mutations("x"):
            said = {}
            for name, customer_id in cases.items():
                query, variables = _mutations(customer_id)[root]
                errors, denied = await _answer(team.clients["owner"], query, root, **variables)
                said[name] = errors
                assert len(denied) == 1, (root, name, denied)
                assert denied[0].actor_id == team.users["owner"].id
                if name == "foreign":  # the buyer's seller can see the attempt
                    assert denied[0].organization_id == other.org.id, (root, denied[0])
                    assert denied[0].subject == f"customer:{theirs}"
                elif name == "missing":
                    assert (denied[0].resource_type, denied[0].resource_id) == (
                        "Customer",
                        str(theirs + 10**6),
                    )
                # what the caller's own export shows of the entry is alike in every case (a
                # foreign buyer's was a denied "create" of the planned row)
                assert (denied[0].action, denied[0].resource_type) == ("read", "Customer"), name
            alike = [{"code": "NOT_FOUND", "field": "subjectId", "message": "Customer not found"}]
            assert all(errors == alike for errors in said.values()), (root, said)
    finally:
        await other.close()


async def test_one_who_may_read_the_buyer_but_not_act_is_forbidden(app, team):
    """A manager sees the organization's buyers but may not restrict or file for them; only
    privacy officers set legal holds, though the owner sees the buyer."""
    buyer = gid("Customer", (await seed_buyer_everywhere(team.org.id)).customer_id)
    mutations = _mutations(buyer)
    for role, root in (
        ("manager", "processingRestrictionCreate"),
        ("manager", "privacyRequestCreate"),
        ("owner", "legalHoldSet"),
    ):
        query, variables = mutations[root]
        errors, denied = await _answer(team.clients[role], query, root, **variables)
        assert [e["code"] for e in errors] == ["FORBIDDEN"], (role, root, errors)
        assert len(denied) == 1 and denied[0].organization_id == team.org.id


async def test_an_access_grant_for_a_malformed_or_missing_person_is_recorded(app, team):
    order = await seed_buyer_everywhere(team.org.id)
    _, agent = await make_platform_user(app, PlatformRole.SUPPORT_AGENT)
    try:
        answers = []
        for subject_id in ("garbage", gid("Order", order.id), gid("Customer", 2**31 - 1)):
            given = {"subjectKind": "CUSTOMER", "subjectId": subject_id, "justification": WHY}
            errors, denied = await _answer(agent, GRANT, "accessGrantCreate", input=given)
            answers.append([(e["code"], e["field"]) for e in errors])
            assert [(e.action, e.resource_type) for e in denied] == [("read", "Customer")]
        assert answers[0] == answers[1] and answers[0][0][0] == answers[2][0][0] == "NOT_FOUND"
    finally:
        await agent.aclose()


async def test_a_breach_naming_a_malformed_or_missing_person_is_refused_and_recorded(app, team):
    order = await seed_buyer_everywhere(team.org.id)
    _, officer = await make_platform_user(app, PlatformRole.PRIVACY_OFFICER)
    base = {
        "nature": "a misconfigured export bucket was readable for two hours",
        "categories": ["contact.email"],
        "approximatePeople": 2,
        "likelyConsequences": "phishing mails",
        "measures": "bucket closed",
    }
    real = {"subjectKind": "CUSTOMER", "subjectId": gid("Customer", order.customer_id)}
    try:
        start = await audit_head()
        for wrong in ("garbage", gid("User", 2**31 - 1)):
            kind = "USER" if wrong != "garbage" else "CUSTOMER"
            given = {**base, "affected": [real, {"subjectKind": kind, "subjectId": wrong}]}
            errors, denied = await _answer(officer, BREACH, "breachIncidentRecord", input=given)
            assert [(e["code"], e["field"]) for e in errors] == [
                ("NOT_FOUND", "affected.1.subjectId")
            ]
            assert [(e.action, e.outcome) for e in denied] == [("read", "denied")]
        assert not await AuditEntry.filter(seq__gt=start, action="breach.record").exists()
        made = await gql_data(officer, BREACH, input={**base, "affected": [real]})
        assert made["breachIncidentRecord"]["errors"] == []
    finally:
        await officer.aclose()


async def test_a_refusal_keeps_its_entry_when_another_field_rolls_the_operation_back(
    app, team, monkeypatch
):
    """Any unexpected failure rolls the whole mutation back; its refusals still happened, so
    their entries are written on their own, like sign-in attempts."""
    from api.privacy import restriction_mutations

    async def broken(**_):
        raise RuntimeError("a resolver bug")

    monkeypatch.setattr(restriction_mutations.restrictions, "restrict", broken)
    buyer = gid("Customer", (await seed_buyer_everywhere(team.org.id)).customer_id)
    start = await audit_head()
    body = await gql(
        team.clients["owner"],
        """mutation($buyer: ID!, $reason: String!) {
          a: legalHoldSet(subjectKind: CUSTOMER, subjectId: "garbage", reason: $reason) {
            errors { code } }
          b: processingRestrictionCreate(input: {kind: RESTRICTION, subjectKind: CUSTOMER,
            subjectId: $buyer}) { errors { code } } }""",
        buyer=buyer,
        reason=WHY,
    )
    assert error_codes(body) == ["INTERNAL_SERVER_ERROR"]
    entries = await AuditEntry.filter(seq__gt=start).order_by("seq")
    assert [(e.action, e.resource_type, e.outcome) for e in entries] == [
        ("read", "Customer", "denied")
    ]
    assert entries[0].actor_id == team.users["owner"].id


async def test_refusals_alike_in_one_request_are_one_entry_that_counts_them(team):
    aliases = " ".join(
        f'a{n}: legalHoldSet(subjectKind: CUSTOMER, subjectId: "junk{n}", reason: "{WHY}") '
        "{ errors { code } }"
        for n in range(3)
    )
    start = await audit_head()
    body = await gql(team.clients["owner"], f"mutation {{ {aliases} }}")
    assert [body["data"][f"a{n}"]["errors"] for n in range(3)] == [[{"code": "NOT_FOUND"}]] * 3
    entries = await AuditEntry.filter(seq__gt=start).order_by("seq")
    assert [(e.action, e.resource_type, e.outcome, e.detail) for e in entries] == [
        ("read", "Customer", "denied", {"attempts": 3})
    ]


async def test_a_grant_refused_to_a_non_agent_reaches_the_buyers_seller(app, team):
    """Only support agents open grants: anyone else is FORBIDDEN before any miss is told, and
    the seller holding the buyer sees the attempt."""
    other = await make_team(app, roles=(OrgRole.OWNER,))
    try:
        theirs = (await seed_buyer_everywhere(other.org.id)).customer_id
        answers = []
        for customer in (theirs, theirs + 10**6):
            given = {
                "subjectKind": "CUSTOMER",
                "subjectId": gid("Customer", customer),
                "justification": WHY,
            }
            errors, denied = await _answer(
                team.clients["owner"], GRANT, "accessGrantCreate", input=given
            )
            answers.append(errors)
            assert [(e.action, e.resource_type) for e in denied] == [("create", "AccessGrant")]
            home = other.org.id if customer == theirs else None
            assert denied[0].organization_id == home
        assert answers[0] == answers[1] and answers[0][0]["code"] == "FORBIDDEN"
    finally:
        await other.close()
