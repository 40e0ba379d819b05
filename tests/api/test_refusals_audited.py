"""Every refusal the API gives is an audit entry with a denied outcome (one test per kind)."""

from __future__ import annotations

from audit.models import AuditEntry
from domain.accounts.models import OrgRole, PlatformRole
from domain.accounts.sessions import mark_reauthenticated
from tests.support import (
    audit_head,
    error_codes,
    gid,
    gql,
    gql_data,
    make_platform_user,
    make_team,
    make_user,
    product_input,
    seed_order,
    seed_product,
    signed_in,
)

PRODUCT = "query($id: ID!) { product(id: $id) { id sku } }"
CREATE = """mutation($input: ProductCreateInput!) {
  productCreate(input: $input) { product { id } errors { code } } }"""
GRANT = """mutation($input: OrganizationRoleGrantInput!) {
  organizationRoleGrant(input: $input) { member { role } errors { code field } } }"""
REVOKE = """mutation($input: OrganizationRoleRevokeInput!) {
  organizationRoleRevoke(input: $input) { member { role } errors { code field } } }"""
P_GRANT = """mutation($input: PlatformRoleInput!) {
  platformRoleGrant(input: $input) { assignment { role } errors { code field } } }"""
ACCESS = """mutation($input: AccessGrantCreateInput!) {
  accessGrantCreate(input: $input) { grant { id } errors { code } } }"""
ORG_CREATE = """mutation { organizationCreate(input: {legalName: "Token Traders"}) {
  organization { id } errors { code } } }"""


async def _denied_since(seq: int, **match: object) -> list[AuditEntry]:
    return await AuditEntry.filter(seq__gt=seq, outcome="denied", **match).order_by("seq")


async def _step_up(team, *roles: str) -> None:
    from domain.accounts.models import WebSession

    for role in roles:
        session = await WebSession.filter(user_id=team.users[role].id).order_by("-id").first()
        await mark_reauthenticated(session_id=session.id)


async def test_a_lookup_of_another_organizations_object_is_denied_and_recorded(app, team):
    other = await make_team(app, roles=(OrgRole.OWNER,))
    try:
        product = await seed_product(other.org.id, "THEIRS-1")
        start = await audit_head()
        body = await gql(team.clients["owner"], PRODUCT, id=gid("Product", product.id))
        missing = await gql(team.clients["owner"], PRODUCT, id=gid("Product", product.id + 10**6))
        assert error_codes(body) == error_codes(missing) == ["NOT_FOUND"]
        assert body["errors"][0]["message"] == missing["errors"][0]["message"]
        entries = await _denied_since(start, resource_type="Product", action="read")
        assert [e.resource_id for e in entries] == [str(product.id), str(product.id + 10**6)]
        assert entries[0].organization_id == other.org.id  # its owner can see the attempt
        assert entries[0].actor_id == team.users["owner"].id
    finally:
        await other.close()


async def test_a_refused_action_is_recorded(team):
    start = await audit_head()
    body = await gql_data(team.clients["viewer"], CREATE, input=product_input(team.org_id))
    assert body["productCreate"]["errors"] == [{"code": "FORBIDDEN"}]
    [entry] = await _denied_since(start, action="create_product")
    assert entry.actor_id == team.users["viewer"].id and entry.organization_id == team.org.id


async def test_a_refused_field_is_recorded(team):
    await seed_product(team.org.id, "SKU-F")
    seeded = await seed_order(team.org.id, [("SKU-F", 1, "10.00")])
    start = await audit_head()
    query = "query($id: ID!) { customer(id: $id) { email } }"
    body = await gql(team.clients["staff"], query, id=gid("Customer", seeded.customer_id))
    assert error_codes(body) == ["FORBIDDEN"]
    [entry] = await _denied_since(start, resource_type="Customer")
    assert entry.fields_accessed == ["email"] and entry.subject == f"customer:{seeded.customer_id}"


async def test_role_changes_above_ones_own_of_oneself_and_of_the_last_owner_are_recorded(team):
    await _step_up(team, "admin", "owner")
    start = await audit_head()
    newcomer = await make_user()
    above = {"organizationId": team.org_id, "role": "OWNER", "username": newcomer.username}
    body = await gql_data(team.clients["admin"], GRANT, input=above)
    assert body["organizationRoleGrant"]["errors"] == [{"code": "FORBIDDEN", "field": "role"}]
    me = team.users["admin"]
    own = {"organizationId": team.org_id, "role": "VIEWER", "userId": gid("User", me.id)}
    body = await gql_data(team.clients["admin"], GRANT, input=own)
    assert body["organizationRoleGrant"]["errors"] == [{"code": "FORBIDDEN", "field": "userId"}]
    denied = await _denied_since(start, resource_type="Membership")
    assert [(e.action, e.subject) for e in denied] == [
        ("create", f"user:{newcomer.id}"),
        ("delete", f"user:{me.id}"),
    ]


async def test_removing_the_last_owner_is_refused_and_recorded(app, monkeypatch):
    """Two owners take each other's role at the same moment: one must stay, and the refused
    attempt is an entry (the policy allows each alone; only the count refuses). Both requests
    are let past sign-in together, so each acts as an owner."""
    import asyncio

    import api.auth
    from domain.accounts.services import add_member

    team = await make_team(app, roles=(OrgRole.OWNER,))
    second = await make_user()
    await add_member(user=second, organization=team.org, role=OrgRole.OWNER)
    first = team.users["owner"]
    both_in = asyncio.Barrier(2)
    resolve = api.auth.resolve_session

    async def together(token):
        found = await resolve(token)  # the session and its principal's roles, read
        await both_in.wait()
        return found

    try:
        async with await signed_in(app, second) as other:
            await _step_up(team, "owner")
            from domain.accounts.models import WebSession

            session = await WebSession.filter(user_id=second.id).order_by("-id").first()
            await mark_reauthenticated(session_id=session.id)
            start = await audit_head()
            monkeypatch.setattr(api.auth, "resolve_session", together)
            results = await asyncio.gather(
                gql_data(
                    team.clients["owner"],
                    REVOKE,
                    input={"organizationId": team.org_id, "userId": gid("User", second.id)},
                ),
                gql_data(
                    other,
                    REVOKE,
                    input={"organizationId": team.org_id, "userId": gid("User", first.id)},
                ),
            )
        errors = sorted(str(r["organizationRoleRevoke"]["errors"]) for r in results)
        assert errors == ["[]", "[{'code': 'CONFLICT', 'field': 'userId'}]"]
        [entry] = await _denied_since(start, resource_type="Membership", action="delete")
        assert entry.subject in {f"user:{first.id}", f"user:{second.id}"}
    finally:
        await team.close()


async def test_platform_roles_and_access_grants_refused_to_a_viewer_are_recorded(team):
    await _step_up(team, "viewer")
    viewer = team.users["viewer"]
    start = await audit_head()
    target = await make_user()
    body = await gql_data(
        team.clients["viewer"],
        P_GRANT,
        input={"role": "SUPPORT_AGENT", "userId": gid("User", target.id)},
    )
    assert body["platformRoleGrant"]["errors"] == [{"code": "FORBIDDEN", "field": "role"}]
    body = await gql_data(
        team.clients["viewer"],
        ACCESS,
        input={
            "subjectKind": "USER",
            "subjectId": gid("User", target.id),
            "justification": "ticket 4711: the customer asked us to check their account",
        },
    )
    assert body["accessGrantCreate"]["errors"] == [{"code": "FORBIDDEN"}]
    denied = await _denied_since(start, actor_id=viewer.id)
    assert [(e.action, e.resource_type) for e in denied] == [
        ("create", "PlatformRoleGrant"),
        ("create", "AccessGrant"),
    ]


async def test_a_partner_token_cannot_create_an_organization(app, team):
    from domain.accounts import tokens
    from domain.accounts.models import User

    issued = await tokens.issue(
        organization_id=team.org.id,
        creator=await User.get(id=team.users["owner"].id),
        name="integration",
        scopes=["catalog:write", "orders:write"],
        known_scopes={"catalog:write", "orders:write"},
        days=1,
    )
    import httpx

    start = await audit_head()
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://mandi.test",
        headers={"Authorization": f"Bearer {issued.secret}"},
    ) as client:
        body = await gql_data(client, ORG_CREATE)
    assert body["organizationCreate"] == {"organization": None, "errors": [{"code": "FORBIDDEN"}]}
    [entry] = await _denied_since(start, action="create_organization")
    assert entry.actor_type == "token" and entry.on_behalf_of == team.users["owner"].id


async def test_a_privacy_officer_searches_one_subject_whatever_roles_they_hold(app, team):
    officer_user, officer = await make_platform_user(app, PlatformRole.PRIVACY_OFFICER)
    query = "query($f: AuditFilter) { auditEntries(filter: $f) { totalCount } }"
    async with officer:
        start = await audit_head()
        body = await gql(officer, query, f={})
        assert error_codes(body) == ["FORBIDDEN"]
        [entry] = await _denied_since(start, actor_id=officer_user.id, resource_type="AuditSearch")
        assert entry.action == "run"
        # owning an organization (anyone may create one) changes nothing: still one subject
        made = await gql_data(officer, ORG_CREATE)
        assert made["organizationCreate"]["errors"] == []
        assert error_codes(await gql(officer, query, f={})) == ["FORBIDDEN"]
        org = made["organizationCreate"]["organization"]["id"]
        assert error_codes(await gql(officer, query, f={"organizationId": org})) == ["FORBIDDEN"]
        # one data subject: every entry about them, whichever organization
        subject = f"user:{team.users['owner'].id}"
        await gql_data(team.clients["owner"], "{ viewer { user { email } } }")
        about = await AuditEntry.filter(subject=subject).count()
        data = await gql_data(officer, query, f={"subject": gid("User", team.users["owner"].id)})
        assert data["auditEntries"]["totalCount"] == about > 0
    # the person sees the officer's search as Mandi staff, not as a colleague
    log = (
        await gql_data(
            team.clients["owner"], "{ viewer { dataAccessLog { nodes { actorRole action } } } }"
        )
    )["viewer"]["dataAccessLog"]["nodes"]
    assert {"actorRole": "Mandi staff", "action": "audit.read"} in log


async def test_a_stale_session_and_a_token_refused_before_any_object_are_recorded(app, team):
    from datetime import UTC, datetime, timedelta

    from domain.accounts.models import WebSession

    an_hour_ago = datetime.now(UTC) - timedelta(hours=1)
    await WebSession.filter(user_id=team.users["admin"].id).update(
        created_at=an_hour_ago, reauthenticated_at=None
    )
    start = await audit_head()
    newcomer = await make_user()
    grant = {"organizationId": team.org_id, "role": "OWNER", "username": newcomer.username}
    body = await gql_data(team.clients["admin"], GRANT, input=grant)  # no recent sign-in
    assert body["organizationRoleGrant"]["errors"] == [{"code": "STEP_UP_REQUIRED", "field": None}]
    [entry] = await _denied_since(start, action="step_up")
    assert entry.actor_id == team.users["admin"].id
    from domain.accounts import tokens
    from domain.accounts.models import User

    issued = await tokens.issue(
        organization_id=team.org.id,
        creator=await User.get(id=team.users["owner"].id),
        name="integration",
        scopes=["catalog:read"],
        known_scopes={"catalog:read"},
        days=1,
    )
    import httpx

    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://mandi.test",
        headers={"Authorization": f"Bearer {issued.secret}"},
    ) as partner:
        body = await gql_data(partner, GRANT, input=grant)
    assert body["organizationRoleGrant"]["errors"][0]["code"] == "FORBIDDEN"
    [entry] = await _denied_since(start, action="session_required")
    assert entry.actor_type == "token" and entry.resource_id == str(issued.token.id)
    assert entry.organization_id == team.org.id  # in the token's organization's log


async def test_a_list_of_another_organization_is_empty_and_recorded(app, team):
    other = await make_team(app, roles=(OrgRole.OWNER,))
    try:
        await seed_product(other.org.id, "THEIRS-2")
        start = await audit_head()
        query = "query($org: ID!) { products(organizationId: $org) { totalCount } }"
        data = await gql_data(team.clients["owner"], query, org=other.org_id)
        assert data["products"]["totalCount"] == 0
        [entry] = await _denied_since(start, resource_type="Organization")
        assert entry.organization_id == other.org.id
    finally:
        await other.close()


async def test_taking_a_role_tells_no_one_which_usernames_exist(team):
    await _step_up(team, "owner")
    outsider = await make_user()
    start = await audit_head()
    answers = []
    for name in (outsider.username, "no-such-user-anywhere"):
        body = await gql_data(
            team.clients["owner"], REVOKE, input={"organizationId": team.org_id, "username": name}
        )
        answers.append(body["organizationRoleRevoke"])
    assert (
        answers[0]
        == answers[1]
        == {"member": None, "errors": [{"code": "NOT_FOUND", "field": "userId"}]}
    )
    assert len(await _denied_since(start)) == 2


async def test_support_reading_a_ticket_is_shown_as_support(app, team):
    from tests.support import seed_ticket

    ticket = await seed_ticket(team.org.id, team.users["manager"].id)
    _, agent = await make_platform_user(app, PlatformRole.SUPPORT_AGENT)
    async with agent:
        query = "query($id: ID!) { ticket(id: $id) { subject messages { nodes { body } } } }"
        data = await gql_data(agent, query, id=gid("Ticket", ticket.id))
        assert data["ticket"]["subject"] == "Help"
    log = (
        await gql_data(
            team.clients["manager"],
            "{ viewer { dataAccessLog { nodes { actorRole action fields } } } }",
        )
    )["viewer"]["dataAccessLog"]["nodes"]
    assert {"actorRole": "support", "action": "read", "fields": ["body"]} in log


async def _orgs_owned_by(user_id: int) -> list[int]:
    from domain.accounts.models import Membership

    return await Membership.filter(user_id=user_id, role=OrgRole.OWNER).values_list(
        "organization_id", flat=True
    )


async def test_signed_out_look_ups_are_sign_in_first_whatever_the_id(app, anon):
    """A malformed id, an id of no type, a well-formed one: signed out, each is UNAUTHENTICATED
    (one "sign in first" refusal through the refusal log), never a NOT_FOUND with an entry per
    request that anyone could write by the thousand."""
    # One minute for the five requests, whatever the wall clock says: across a minute's end the
    # refusals of the next minute are an entry of their own.
    app.state.refusals.clock = lambda: 1_900_000_000.0
    start = await audit_head()
    looks = [
        ("query($id: ID!) { order(id: $id) { id } }", "garbage"),
        ("query($id: ID!) { order(id: $id) { id } }", gid("Order", 1)),
        ("query($id: ID!) { node(id: $id) { id } }", "zzz"),
        ("query($id: ID!) { customer(id: $id) { id } }", gid("Order", -1)),
    ]
    for query, given in looks:
        assert error_codes(await gql(anon, query, id=given)) == ["UNAUTHENTICATED"], (query, given)
    body = await gql(anon, "query($ids: [ID!]!) { nodes(ids: $ids) { id } }", ids=["x", "y"])
    assert set(error_codes(body)) == {"UNAUTHENTICATED"}
    entries = await AuditEntry.filter(seq__gt=start).order_by("seq")
    assert [(e.action, e.actor_type) for e in entries] == [("authentication.required", "anonymous")]


async def test_refusals_before_any_object_name_the_mutation_refused(app, team):
    """A token tries two mutations that need a person's session, one of them twice: two
    entries, each naming its mutation, the repeated one counted (the request id alone could
    not tell them apart)."""
    from tests.support import bearer_client, issue_token

    secret = await issue_token(team, "owner", ["catalog:read"])
    start = await audit_head()
    async with bearer_client(app, secret) as partner:
        body = await gql_data(
            partner,
            """mutation($grant: OrganizationRoleGrantInput!) {
              a: partnerTokenRevoke(id: "x") { errors { code } }
              b: partnerTokenRevoke(id: "y") { errors { code } }
              c: organizationRoleGrant(input: $grant) { errors { code } } }""",
            grant={"organizationId": team.org_id, "role": "STAFF", "username": "nobody"},
        )
    assert {key: value["errors"][0]["code"] for key, value in body.items()} == {
        "a": "FORBIDDEN",
        "b": "FORBIDDEN",
        "c": "FORBIDDEN",
    }
    entries = await _denied_since(start, action="session_required")
    assert [e.detail for e in entries] == [
        {"mutation": "partnerTokenRevoke", "attempts": 2},
        {"mutation": "organizationRoleGrant"},
    ]
