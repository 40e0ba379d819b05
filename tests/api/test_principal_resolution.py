"""Who is calling, read in one statement: a session with its user's access, a token with its
creator's role. Every change to those facts shows on the very next request (nothing cached)."""

from __future__ import annotations

from datetime import timedelta

from authz.principal import load_user_principal, user_principal
from domain.accounts import tokens
from domain.accounts.auth_models import PartnerToken
from domain.accounts.models import (
    Membership,
    OrgRole,
    PlatformRole,
    PlatformRoleGrant,
    User,
    UserStatus,
    WebSession,
)
from domain.accounts.services import add_member, create_organization
from domain.accounts.sessions import create_session, now, resolve_session
from domain.db import count_statements
from domain.privacy.models import AccessGrant, GrantSubject
from tests.support import (
    bearer_client,
    gql,
    gql_data,
    issue_token,
    make_user,
    random_gstin,
    unique,
)

VIEWER = "{ viewer { user { username } } }"
PRODUCTS = "{ products { totalCount } }"


async def _resolved(token: str):
    with count_statements() as count:
        found = await resolve_session(token)
    return found, count.value


async def test_a_session_and_its_users_access_are_one_statement(team):
    user = team.users["manager"]
    other = await create_organization(legal_name=unique("Org "), gstin=random_gstin())
    await add_member(user=user, organization=other, role=OrgRole.VIEWER)
    await PlatformRoleGrant.create(user=user, role=PlatformRole.SECURITY_REVIEWER)
    token = (await create_session(user=user, ip=None, user_agent=None)).token

    found, statements = await _resolved(token)
    assert statements == 1  # last seen just now: no write
    assert found is not None
    session, access = found
    assert session.user_id == user.id and session.reauthenticated_at is not None
    assert access.org_roles == {team.org.id: OrgRole.MANAGER, other.id: OrgRole.VIEWER}
    assert access.platform_roles == {PlatformRole.SECURITY_REVIEWER}
    assert user_principal(user.id, access) == await load_user_principal(user)

    await WebSession.filter(id=session.id).update(last_seen_at=now() - timedelta(minutes=6))
    assert (await _resolved(token))[1] == 2  # the throttled last-seen write
    assert (await WebSession.get(id=session.id)).last_seen_at > now() - timedelta(minutes=1)
    assert (await _resolved(token))[1] == 1

    await Membership.filter(user_id=user.id, organization_id=other.id).delete()
    await Membership.filter(user_id=user.id, organization_id=team.org.id).update(role=OrgRole.STAFF)
    await PlatformRoleGrant.filter(user_id=user.id).delete()
    found, _ = await _resolved(token)
    assert found is not None
    assert found[1].org_roles == {team.org.id: OrgRole.STAFF}
    assert found[1].platform_roles == frozenset()


async def test_a_support_agents_open_grants_are_read_afresh(app):
    agent = await make_user()
    await PlatformRoleGrant.create(user=agent, role=PlatformRole.SUPPORT_AGENT)
    token = (await create_session(user=agent, ip=None, user_agent=None)).token
    soon = now() + timedelta(hours=1)

    async def grant(subject_id: int, why: str, **extra) -> AccessGrant:
        return await AccessGrant.create(
            grantee=agent,
            subject_kind=GrantSubject.CUSTOMER,
            subject_id=subject_id,
            justification=why,
            expires_at=extra.pop("expires_at", soon),
            **extra,
        )

    first = await grant(7, 'ticket "42", asked by the buyer; ünïcode \\ too')
    await grant(8, "expired", expires_at=now() - timedelta(seconds=1))
    await grant(9, "revoked", revoked_at=now())
    await grant(7, "a later grant on the same buyer")
    await AccessGrant.create(
        grantee=agent,
        subject_kind=GrantSubject.USER,
        subject_id=7,
        justification="a person",
        expires_at=soon,
    )
    found, statements = await _resolved(token)
    assert statements == 1 and found is not None
    reasons = found[1].grant_reasons
    assert reasons == {("customer", 7): "a later grant on the same buyer", ("user", 7): "a person"}
    assert user_principal(agent.id, found[1]) == await load_user_principal(agent)

    await AccessGrant.filter(subject_id=7, subject_kind=GrantSubject.USER).update(revoked_at=now())
    await AccessGrant.filter(justification="a later grant on the same buyer").delete()
    found, _ = await _resolved(token)
    assert found is not None
    assert found[1].grant_reasons == {("customer", 7): first.justification}

    # grants count only for a support agent: without the role, none is open to them
    await PlatformRoleGrant.filter(user_id=agent.id).delete()
    found, _ = await _resolved(token)
    assert found is not None
    assert found[1].grant_reasons == {} and found[1].platform_roles == frozenset()


async def test_a_suspended_or_erased_user_is_anonymous_and_their_tokens_refused_at_once(app, team):
    owner = team.users["owner"]
    secret = await issue_token(team, "owner", ["catalog:read"])
    browser = team.clients["owner"]
    async with bearer_client(app, secret) as partner:
        for status in (UserStatus.SUSPENDED, UserStatus.ERASED, UserStatus.PENDING):
            assert (await gql_data(browser, VIEWER))["viewer"] is not None
            assert (await partner.post("/graphql", json={"query": PRODUCTS})).status_code == 200
            await User.filter(id=owner.id).update(status=status)
            assert (await gql_data(browser, VIEWER))["viewer"] is None
            assert (await partner.post("/graphql", json={"query": PRODUCTS})).status_code == 401
            await User.filter(id=owner.id).update(status=UserStatus.ACTIVE)


async def test_a_token_and_its_creators_role_are_one_statement(app, team):
    secret = await issue_token(team, "admin", ["catalog:read"])
    with count_statements() as first:
        identity = await tokens.resolve(secret)
    assert first.value == 2  # never used: the last-used write
    assert identity is not None
    stored = await PartnerToken.get(id=identity.token_id)
    assert stored.last_used_at is not None
    assert (identity.organization_id, identity.created_by_id) == (
        team.org.id,
        team.users["admin"].id,
    )
    assert identity.scopes == {"catalog:read"} and identity.creator_role is OrgRole.ADMIN
    with count_statements() as again:
        assert await tokens.resolve(secret) == identity
    assert again.value == 1
    await PartnerToken.filter(id=identity.token_id).update(
        last_used_at=now() - timedelta(minutes=6)
    )
    with count_statements() as stale:
        await tokens.resolve(secret)
    assert stale.value == 2
    await Membership.filter(user_id=team.users["admin"].id).update(role=OrgRole.VIEWER)
    demoted = await tokens.resolve(secret)
    assert demoted is not None and demoted.creator_role is OrgRole.VIEWER
    await Membership.filter(user_id=team.users["admin"].id).delete()
    assert await tokens.resolve(secret) is None
    assert await tokens.resolve(secret[:-2] + "xx") is None


async def test_a_removed_member_loses_the_organization_on_the_next_request(app, team):
    client = team.clients["staff"]
    query = "query($id: ID!) { node(id: $id) { id } }"
    assert (await gql_data(client, query, id=team.org_id))["node"] is not None
    await Membership.filter(user_id=team.users["staff"].id).delete()
    body = await gql(client, query, id=team.org_id)
    assert body["data"]["node"] is None
