"""Role administration through mutations: up to your own role, never your own, one owner stays."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from audit.models import AuditEntry
from domain.accounts import roles
from domain.accounts.models import Membership, OrgRole, PlatformRole, PlatformRoleGrant
from domain.errors import Conflict
from tests.support import (
    audit_head,
    bearer_client,
    gid,
    gql,
    gql_data,
    issue_token,
    make_platform_user,
    make_team,
    make_user,
    signed_in,
)

GRANT = """mutation($input: OrganizationRoleGrantInput!) {
  organizationRoleGrant(input: $input) { member { role userId } errors { code field } } }"""
REVOKE = """mutation($input: OrganizationRoleRevokeInput!) {
  organizationRoleRevoke(input: $input) { member { role } errors { code field } } }"""
P_GRANT = """mutation($input: PlatformRoleInput!) {
  platformRoleGrant(input: $input) { assignment { role userId } errors { code field } } }"""
P_REVOKE = """mutation($input: PlatformRoleInput!) {
  platformRoleRevoke(input: $input) { assignment { role } errors { code field } } }"""
MEMBERS = """query($org: ID!) { organizationMembers(organizationId: $org) {
  totalCount edges { node { role userId } } } }"""


async def _grant(client, team, role: str, **who) -> dict:
    payload = {"organizationId": team.org_id, "role": role.upper(), **who}
    return (await gql_data(client, GRANT, input=payload))["organizationRoleGrant"]


async def _role(team, user) -> str | None:
    found = await Membership.filter(organization_id=team.org.id, user_id=user.id).first()
    return found.role.value if found else None


async def test_owners_and_admins_give_roles_up_to_their_own(team):
    newcomer = await make_user()
    result = await _grant(team.clients["owner"], team, "admin", username=newcomer.username)
    assert result == {"member": {"role": "ADMIN", "userId": gid("User", newcomer.id)}, "errors": []}
    other = await make_user()
    result = await _grant(team.clients["admin"], team, "manager", userId=gid("User", other.id))
    assert result["errors"] == [] and await _role(team, other) == "manager"
    result = await _grant(team.clients["admin"], team, "owner", userId=gid("User", other.id))
    assert result["errors"] == [{"code": "FORBIDDEN", "field": "role"}]
    assert await _role(team, other) == "manager"


async def test_admins_cannot_touch_an_owner_and_nobody_their_own_role(team):
    owner = team.users["owner"]
    result = await _grant(team.clients["admin"], team, "viewer", userId=gid("User", owner.id))
    assert result["errors"] == [{"code": "FORBIDDEN", "field": "userId"}]
    body = await gql_data(
        team.clients["admin"],
        REVOKE,
        input={"organizationId": team.org_id, "userId": gid("User", owner.id)},
    )
    assert body["organizationRoleRevoke"]["errors"] == [{"code": "FORBIDDEN", "field": "userId"}]
    for role in ("owner", "admin"):
        me = team.users[role]
        result = await _grant(team.clients[role], team, "viewer", userId=gid("User", me.id))
        assert result["errors"] == [{"code": "FORBIDDEN", "field": "userId"}]
        assert await _role(team, me) == role


async def test_managers_and_below_cannot_administer_roles_and_outsiders_find_nothing(app, team):
    newcomer = await make_user()
    for role in ("manager", "staff", "viewer"):
        result = await _grant(team.clients[role], team, "viewer", username=newcomer.username)
        assert result["errors"] == [{"code": "FORBIDDEN", "field": None}]
    outsider = await make_team(app, roles=(OrgRole.OWNER,))
    result = await _grant(outsider.clients["owner"], team, "viewer", username=newcomer.username)
    assert result["errors"] == [{"code": "NOT_FOUND", "field": "organizationId"}]
    await outsider.close()
    assert await _role(team, newcomer) is None


async def test_revoking_removes_the_membership_and_the_access(app, team):
    staff = team.users["staff"]
    body = await gql_data(
        team.clients["admin"],
        REVOKE,
        input={"organizationId": team.org_id, "username": staff.username},
    )
    assert body["organizationRoleRevoke"] == {"member": {"role": "STAFF"}, "errors": []}
    body = await gql(
        team.clients["staff"], "query($id: ID!) { organization(id: $id) { id } }", id=team.org_id
    )
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_a_removed_members_tokens_stay_revoked_when_the_role_is_given_back(app, team):
    manager = team.users["manager"]
    secret = await issue_token(team, "manager", ["catalog:read"])
    products = {"query": "{ products(first: 1) { totalCount } }"}
    async with bearer_client(app, secret) as partner:
        assert (await partner.post("/graphql", json=products)).status_code == 200
        start = await audit_head()
        body = await gql_data(
            team.clients["admin"],
            REVOKE,
            input={"organizationId": team.org_id, "userId": gid("User", manager.id)},
        )
        assert body["organizationRoleRevoke"]["errors"] == []
        assert (await partner.post("/graphql", json=products)).status_code == 401
        result = await _grant(
            team.clients["admin"], team, "manager", userId=gid("User", manager.id)
        )
        assert result["errors"] == [] and await _role(team, manager) == "manager"
        assert (await partner.post("/graphql", json=products)).status_code == 401
    [entry] = await AuditEntry.filter(seq__gt=start, action="token.revoke")
    assert (entry.organization_id, entry.subject) == (team.org.id, f"user:{manager.id}")
    assert entry.detail == {"reason": "organizationRoleRevoke"}
    assert entry.actor_id == team.users["admin"].id


async def test_members_list_roles_of_their_organization(team):
    data = await gql_data(team.clients["viewer"], MEMBERS, org=team.org_id)
    roles_seen = sorted(edge["node"]["role"] for edge in data["organizationMembers"]["edges"])
    assert roles_seen == ["ADMIN", "MANAGER", "OWNER", "STAFF", "VIEWER"]


async def test_naming_the_user_twice_or_not_at_all_is_a_validation_error(team):
    newcomer = await make_user()
    for who in ({}, {"username": newcomer.username, "userId": gid("User", newcomer.id)}):
        result = await _grant(team.clients["owner"], team, "viewer", **who)
        assert result["errors"][0]["code"] == "VALIDATION"
    result = await _grant(team.clients["owner"], team, "viewer", username="nobody-such-user")
    assert result["errors"] == [{"code": "NOT_FOUND", "field": "username"}]


async def test_the_last_owner_stays(team):
    owner = await Membership.get(organization_id=team.org.id, user_id=team.users["owner"].id)
    with pytest.raises(Conflict):
        await roles.remove_org_role(membership=owner)
    with pytest.raises(Conflict):
        await roles.set_org_role(
            organization_id=team.org.id, user=team.users["owner"], role=OrgRole.ADMIN
        )
    second = await make_user()
    await roles.set_org_role(organization_id=team.org.id, user=second, role=OrgRole.OWNER)
    await roles.remove_org_role(membership=owner)  # another owner remains
    assert await _role(team, team.users["owner"]) is None


async def test_platform_admins_give_and_take_platform_roles(app):
    admin, client = await make_platform_user(app, PlatformRole.PLATFORM_ADMIN)
    target = await make_user()
    who = {"userId": gid("User", target.id), "role": "SUPPORT_AGENT"}
    data = await gql_data(client, P_GRANT, input=who)
    assert data["platformRoleGrant"]["errors"] == []
    assert await PlatformRoleGrant.filter(user_id=target.id, granted_by_id=admin.id).exists()
    data = await gql_data(client, P_GRANT, input=who)
    assert data["platformRoleGrant"]["errors"] == [{"code": "CONFLICT", "field": "role"}]
    data = await gql_data(client, P_REVOKE, input=who)
    assert data["platformRoleRevoke"] == {"assignment": {"role": "SUPPORT_AGENT"}, "errors": []}
    mine = {"userId": gid("User", admin.id), "role": "PLATFORM_ADMIN"}
    data = await gql_data(client, P_REVOKE, input=mine)
    assert data["platformRoleRevoke"]["errors"] == [{"code": "FORBIDDEN", "field": "userId"}]
    await client.aclose()


async def test_only_platform_admins_administer_platform_roles(app, team):
    target = await make_user()
    _, agent = await make_platform_user(app, PlatformRole.SUPPORT_AGENT)
    for client in (team.clients["owner"], agent):
        who = {"username": target.username, "role": "SUPPORT_AGENT"}
        data = await gql_data(client, P_GRANT, input=who)
        assert data["platformRoleGrant"]["errors"] == [{"code": "FORBIDDEN", "field": "role"}]
    await agent.aclose()
    assert not await PlatformRoleGrant.filter(user_id=target.id).exists()


async def test_a_granted_role_counts_from_the_next_request(app, team):
    newcomer = await make_user()
    client = await signed_in(app, newcomer)
    query = "query($id: ID!) { organization(id: $id) { legalName } }"
    assert (await gql(client, query, id=team.org_id))["errors"][0]["extensions"]["code"] == (
        "NOT_FOUND"
    )
    await _grant(team.clients["owner"], team, "viewer", username=newcomer.username)
    data = await gql_data(client, query, id=team.org_id)
    assert data["organization"]["legalName"] == team.org.legal_name
    await client.aclose()


async def test_a_token_left_from_an_earlier_membership_is_revoked_when_the_user_joins_again(
    app, team
):
    """A token its creator's removal did not revoke (made meanwhile, or before removals revoked
    tokens) never comes back to life: joining again revokes it."""
    manager = team.users["manager"]
    secret = await issue_token(team, "manager", ["catalog:read"])
    await Membership.filter(organization_id=team.org.id, user_id=manager.id).delete()
    start = await audit_head()
    result = await _grant(team.clients["admin"], team, "manager", userId=gid("User", manager.id))
    assert result["errors"] == []
    async with bearer_client(app, secret) as partner:
        products = {"query": "{ products(first: 1) { totalCount } }"}
        assert (await partner.post("/graphql", json=products)).status_code == 401
    [entry] = await AuditEntry.filter(seq__gt=start, action="token.revoke")
    assert entry.detail == {"reason": "organizationRoleGrant"}


async def test_a_token_is_refused_when_the_role_or_session_it_was_asked_with_is_gone(team):
    """What partnerTokenCreate was authorized with, checked again with the rows locked."""
    from domain.accounts import tokens
    from domain.accounts.auth_models import PartnerToken
    from domain.accounts.models import User, WebSession
    from domain.accounts.sessions import create_session, resolve_session

    admin = team.users["admin"]
    ask = dict(
        organization_id=team.org.id,
        creator=admin,
        name="race",
        scopes=["catalog:read"],
        known_scopes={"catalog:read"},
        days=1,
    )

    async def live_session():
        new = await create_session(user=admin, ip="127.0.0.1", user_agent="pytest")
        found = await resolve_session(new.token)
        assert found is not None
        return found[0]

    with pytest.raises(Conflict):  # demoted (or removed) while the request ran
        await tokens.issue(**ask, expected_role=OrgRole.OWNER)
    ended = await live_session()
    await WebSession.filter(id=ended.id).update(revoked_at=datetime.now(UTC))
    with pytest.raises(Conflict):  # signed out (another session changed the password)
        await tokens.issue(**ask, expected_role=OrgRole.ADMIN, session=ended)
    changed = await live_session()
    await User.filter(id=admin.id).update(password_changed_at=datetime.now(UTC))
    with pytest.raises(Conflict):  # this very session changed the password meanwhile
        await tokens.issue(**ask, expected_role=OrgRole.ADMIN, session=changed)
    assert not await PartnerToken.filter(created_by_id=admin.id).exists()
    issued = await tokens.issue(**ask, expected_role=OrgRole.ADMIN, session=await live_session())
    assert issued.token.created_by_id == admin.id


async def test_a_role_change_lost_to_a_concurrent_one_is_a_denied_entry(team, monkeypatch):
    """Two removals (or two grants) of one membership at once: the loser's NOT_FOUND (or
    CONFLICT) is a refusal like any other, with its denied entry."""
    from domain.errors import NotFound

    staff = team.users["staff"]

    async def already_gone(*, membership):
        raise NotFound("Membership", field="userId")

    async def just_joined(**_kwargs):
        raise Conflict("this user just joined; try again", field="userId")

    monkeypatch.setattr(roles, "remove_org_role", already_gone)
    monkeypatch.setattr(roles, "set_org_role", just_joined)
    start = await audit_head()
    body = await gql_data(
        team.clients["admin"],
        REVOKE,
        input={"organizationId": team.org_id, "userId": gid("User", staff.id)},
    )
    assert body["organizationRoleRevoke"]["errors"] == [{"code": "NOT_FOUND", "field": "userId"}]
    newcomer = await make_user()
    result = await _grant(team.clients["admin"], team, "viewer", userId=gid("User", newcomer.id))
    assert result["errors"] == [{"code": "CONFLICT", "field": "userId"}]
    denied = await AuditEntry.filter(seq__gt=start, outcome="denied").order_by("seq")
    assert [(e.action, e.resource_type) for e in denied] == [
        ("delete", "Membership"),
        ("create", "Membership"),
    ]
