"""Lists filtered by a person (``disclosures(customerId:)``, ``processingRestrictions(subjectId:)``)
look the person up as the person's own look-up does: a malformed id, an id of another type, one
that does not exist and one of a person the caller may not read are all NOT_FOUND with one denied
entry, and the responses cannot be told apart."""

from __future__ import annotations

from audit.models import AuditEntry
from domain.accounts.models import OrgRole, PlatformRole
from domain.catalog.models import Product
from tests.support import (
    audit_head,
    gid,
    gql,
    make_platform_user,
    make_team,
    make_user,
    seed_order,
    seed_product,
)

DISCLOSURES = "query($id: ID) { disclosures(customerId: $id) { totalCount } }"
RESTRICTIONS = """query($kind: AccessGrantSubject, $id: ID) {
  processingRestrictions(subjectKind: $kind, subjectId: $id) { totalCount } }"""
RESTRICT = """mutation($input: ProcessingRestrictionCreateInput!) {
  processingRestrictionCreate(input: $input) { restriction { id } errors { code field } } }"""


async def _denied_since(seq: int, **match: object) -> list[AuditEntry]:
    return await AuditEntry.filter(seq__gt=seq, outcome="denied", **match).order_by("seq")


async def _order(organization_id: int):
    if not await Product.filter(organization_id=organization_id, sku="SKU-1").exists():
        await seed_product(organization_id, "SKU-1")
    return await seed_order(organization_id, [("SKU-1", 1, "10.00")])


def _listed(body: dict, root: str) -> int:
    assert "errors" not in body, body["errors"]
    return body["data"][root]["totalCount"]


def _refusal(body: dict, root: str) -> list[tuple]:
    """What the response says of the refusal (all a caller can compare)."""
    assert body["data"] == {root: None}
    return [(e["message"], tuple(e["path"]), e["extensions"]["code"]) for e in body["errors"]]


async def _refused_once(client, query: str, root: str, **variables: object) -> tuple:
    """Ask, check the answer is NOT_FOUND with exactly one denied entry (a read of the person),
    and return (what the response said, the entry)."""
    start = await audit_head()
    body = await gql(client, query, **variables)
    said = _refusal(body, root)
    assert [code for _, _, code in said] == ["NOT_FOUND"]
    entries = await _denied_since(start)
    assert [(e.action, e.outcome) for e in entries] == [("read", "denied")], entries
    return said, entries[0]


async def test_disclosures_of_a_customer_one_may_not_name_are_not_found_and_recorded(app, team):
    other = await make_team(app, roles=(OrgRole.OWNER,))
    try:
        theirs = (await _order(other.org.id)).customer_id
        order = await _order(team.org.id)
        owner = team.clients["owner"]
        cases = {
            "garbage": "garbage",
            "another type": gid("Order", order.id),
            "missing": gid("Customer", theirs + 10**6),
            "foreign": gid("Customer", theirs),
        }
        said = {}
        for name, customer_id in cases.items():
            said[name], entry = await _refused_once(
                owner, DISCLOSURES, "disclosures", id=customer_id
            )
            assert entry.resource_type == "Customer" and entry.actor_id == team.users["owner"].id
            if name == "foreign":  # its owners can see the attempt
                assert entry.resource_id == str(theirs) and entry.organization_id == other.org.id
            if name == "missing":
                assert entry.resource_id == str(theirs + 10**6)
        assert len({tuple(answer) for answer in said.values()}) == 1, said
        assert said["foreign"][0][0] == "Customer not found"

        # the organization's own customer is found; the filter still lists only readable shares
        body = await gql(owner, DISCLOSURES, id=gid("Customer", order.customer_id))
        assert _listed(body, "disclosures") == 0
        # and their owner is not refused their own customer
        start = await audit_head()
        body = await gql(other.clients["owner"], DISCLOSURES, id=gid("Customer", theirs))
        assert _listed(body, "disclosures") == 0
        assert await _denied_since(start) == []
    finally:
        await other.close()


async def test_a_privacy_officer_still_filters_disclosures_by_any_customer(app, team):
    customer = (await _order(team.org.id)).customer_id
    _, officer = await make_platform_user(app, PlatformRole.PRIVACY_OFFICER)
    try:
        start = await audit_head()
        body = await gql(officer, DISCLOSURES, id=gid("Customer", customer))
        assert _listed(body, "disclosures") == 0
        assert await _denied_since(start) == []
        # an id that does not exist is still a recorded miss for them
        _, entry = await _refused_once(
            officer, DISCLOSURES, "disclosures", id=gid("Customer", customer + 10**6)
        )
        assert entry.resource_type == "Customer"
    finally:
        await officer.aclose()


async def test_restrictions_of_a_customer_one_may_not_name_are_not_found_and_recorded(app, team):
    other = await make_team(app, roles=(OrgRole.OWNER,))
    try:
        theirs = (await _order(other.org.id)).customer_id
        order = await _order(team.org.id)
        made = await gql(
            other.clients["owner"],
            RESTRICT,
            input={
                "kind": "RESTRICTION",
                "subjectKind": "CUSTOMER",
                "subjectId": gid("Customer", theirs),
            },
        )
        assert made["data"]["processingRestrictionCreate"]["errors"] == []
        owner = team.clients["owner"]
        cases = {
            "garbage": "garbage",
            "another type": gid("Order", order.id),  # e.g. "T3JkZXI6MTg"
            "missing": gid("Customer", theirs + 10**6),
            "foreign": gid("Customer", theirs),  # it has a restriction: none is counted
        }
        said = {}
        for name, subject_id in cases.items():
            said[name], entry = await _refused_once(
                owner, RESTRICTIONS, "processingRestrictions", kind="CUSTOMER", id=subject_id
            )
            assert entry.resource_type == "Customer" and entry.actor_id == team.users["owner"].id
            if name == "foreign":
                assert entry.resource_id == str(theirs) and entry.organization_id == other.org.id
        assert len({tuple(answer) for answer in said.values()}) == 1, said
        assert said["foreign"][0][0] == "Customer not found"

        start = await audit_head()
        mine = await gql(
            owner, RESTRICTIONS, kind="CUSTOMER", id=gid("Customer", order.customer_id)
        )
        assert _listed(mine, "processingRestrictions") == 0
        seen = await gql(
            other.clients["owner"], RESTRICTIONS, kind="CUSTOMER", id=gid("Customer", theirs)
        )
        assert _listed(seen, "processingRestrictions") == 1
        assert await _denied_since(start) == []
    finally:
        await other.close()


async def test_restrictions_of_a_user_follow_the_users_own_look_up(app, team):
    """Any signed-in person may see that a user exists (``user(id:)``), so another user's id is
    found and lists none of their restrictions; a malformed, mistyped or missing id is refused."""
    someone = await make_user()
    made = await gql(team.clients["viewer"], RESTRICT, input={"kind": "RESTRICTION"})
    assert made["data"]["processingRestrictionCreate"]["errors"] == []
    owner = team.clients["owner"]
    said = {}
    cases = {
        "garbage": "garbage",
        "another type": gid("Customer", (await _order(team.org.id)).customer_id),
        "missing": gid("User", someone.id + 10**6),
    }
    for name, subject_id in cases.items():
        said[name], entry = await _refused_once(
            owner, RESTRICTIONS, "processingRestrictions", kind="USER", id=subject_id
        )
        assert entry.resource_type == "User"
    # the kind defaults to USER
    said["default kind"], _ = await _refused_once(
        owner, RESTRICTIONS, "processingRestrictions", id="garbage"
    )
    assert len({tuple(answer) for answer in said.values()}) == 1, said

    start = await audit_head()
    viewer_id = gid("User", team.users["viewer"].id)
    others = await gql(owner, RESTRICTIONS, kind="USER", id=viewer_id)
    assert _listed(others, "processingRestrictions") == 0
    own = await gql(team.clients["viewer"], RESTRICTIONS, kind="USER", id=viewer_id)
    assert _listed(own, "processingRestrictions") == 1
    assert await _denied_since(start) == []


GRANT = """mutation($input: OrganizationRoleGrantInput!) {
  organizationRoleGrant(input: $input) { member { role } errors { code field } } }"""
REVOKE_SESSION = "mutation($id: ID!) { sessionRevoke(id: $id) }"


async def test_a_role_change_for_a_malformed_user_id_is_a_recorded_miss(team):
    from domain.accounts.models import WebSession
    from domain.accounts.sessions import mark_reauthenticated

    session = await WebSession.filter(user_id=team.users["owner"].id).order_by("-id").first()
    await mark_reauthenticated(session_id=session.id)
    answers = []
    for user_id in ("garbage", gid("Order", 1), gid("User", 2**31 - 1)):
        start = await audit_head()
        given = {"organizationId": team.org_id, "role": "VIEWER", "userId": user_id}
        body = await gql(team.clients["owner"], GRANT, input=given)
        answers.append(body["data"]["organizationRoleGrant"])
        entries = await _denied_since(start)
        assert [(e.action, e.resource_type) for e in entries] == [("read", "User")]
    assert answers[0] == answers[1] == answers[2]
    assert answers[0] == {"member": None, "errors": [{"code": "NOT_FOUND", "field": "userId"}]}


async def test_revoking_a_session_by_a_malformed_id_is_recorded(team):
    start = await audit_head()
    body = await gql(team.clients["viewer"], REVOKE_SESSION, id="garbage")
    assert [e["extensions"]["code"] for e in body["errors"]] == ["NOT_FOUND"]
    entries = await _denied_since(start)
    assert [(e.action, e.resource_type, e.actor_id) for e in entries] == [
        ("session.revoke", "WebSession", team.users["viewer"].id)
    ]
    # one that names no session of theirs: false, recorded as before
    start = await audit_head()
    body = await gql(team.clients["viewer"], REVOKE_SESSION, id=gid("Session", 2**31 - 1))
    assert body["data"] == {"sessionRevoke": False}
    assert [e.action for e in await _denied_since(start)] == ["session.revoke"]
