"""The audit log names who acted at that moment and keeps every attempt: sign-in attempts that
roll back, refused tokens and cross-site requests (with request id and organization), and
repeated refusals summarised per address and minute."""

from __future__ import annotations

from datetime import timedelta

import pytest

import audit.recorder
from audit.models import AuditEntry
from domain.accounts.auth_models import PartnerToken
from domain.accounts.models import OrgRole, WebSession
from domain.accounts.sessions import now
from tests.support import (
    audit_head,
    bearer_client,
    client_for,
    error_codes,
    gid,
    gql,
    gql_data,
    issue_token,
    make_team,
    make_user,
    signed_in,
)

PASSWORD = "a long passphrase of mine"
SIGN_IN = """mutation($u: String!, $p: String!) {
  sessionCreate(input: {username: $u, password: $p}) { user { username } errors { code } } }"""
PRODUCTS = "{ products(first: 1) { totalCount } }"


async def _post(client, query: str, **variables):
    return await client.post("/graphql", json={"query": query, "variables": variables})


async def _after(seq: int, **conditions) -> list[AuditEntry]:
    return await AuditEntry.filter(seq__gt=seq, **conditions).order_by("seq")


@pytest.fixture
def audit_fails_once(monkeypatch):
    """The next audit insert fails (the database refuses it); later ones go through."""
    real = audit.recorder.append
    calls = {"n": 0}

    async def flaky(entries):
        calls["n"] += 1
        if calls["n"] == 1:
            raise ConnectionError("injected audit failure")
        return await real(entries)

    monkeypatch.setattr(audit.recorder, "append", flaky)
    return calls


async def test_signing_out_is_recorded_as_the_person_who_signed_out(app):
    user = await make_user()
    start = await audit_head()
    async with await signed_in(app, user) as client:
        data = await gql_data(client, "mutation { sessionRevoke }")
    assert data["sessionRevoke"] is True
    [entry] = await _after(start, action="session.revoke")
    assert (entry.actor_type, entry.actor_id) == ("user", user.id)


async def test_each_read_names_the_actor_of_its_moment(world):
    """A read before signing out in the same operation stays the signed-in person's (unless the
    operation is refused outright for mixing sign-out with other fields)."""
    manager = world.team.users["manager"]
    start = await audit_head()
    body = await gql(
        world.team.clients["manager"],
        """mutation($id: ID!) {
          a: orderTransition(id: $id, toStatus: PAID) { order { customer { email } } }
          b: sessionRevoke }""",
        id=gid("Order", world.order.id),
    )
    reads = await _after(start, action="read", resource_type="Customer")
    if body.get("data") is None:  # refused before running: nothing was read by anyone
        assert error_codes(body) and not reads
        return
    assert body["data"]["a"]["order"]["customer"]["email"]
    assert reads and {(e.actor_type, e.actor_id) for e in reads} == {("user", manager.id)}
    [revoke] = await _after(start, action="session.revoke")
    assert revoke.actor_id == manager.id


async def test_a_failed_sign_in_is_recorded_even_when_its_transaction_rolls_back(
    app, audit_fails_once
):
    user = await make_user(password=PASSWORD)
    start = await audit_head()
    async with client_for(app, None) as client:
        response = await _post(client, SIGN_IN, u=user.username, p="a wrong guess here")
    assert response.status_code == 503 and response.headers["retry-after"]
    assert error_codes(response.json()) == ["AUDIT_UNAVAILABLE"]
    [entry] = await _after(start, subject=f"user:{user.id}")
    assert (entry.action, entry.outcome, entry.actor_type) == ("login", "denied", "anonymous")
    assert entry.request_id and entry.ip


async def test_a_rolled_back_sign_in_keeps_its_attempt_but_not_its_session(app, audit_fails_once):
    user = await make_user(password=PASSWORD)
    start = await audit_head()
    async with client_for(app, None) as client:
        response = await _post(client, SIGN_IN, u=user.username, p=PASSWORD)
    assert error_codes(response.json()) == ["AUDIT_UNAVAILABLE"]
    assert "set-cookie" not in response.headers  # no cookie for a session that does not exist
    assert "mandi_session" not in client.cookies
    assert not await WebSession.filter(user_id=user.id).exists()
    entries = await _after(start, subject=f"user:{user.id}")
    assert [(e.action, e.outcome) for e in entries] == [("login", "allowed")]
    assert (entries[0].actor_type, entries[0].actor_id) == ("user", user.id)


async def test_token_refusals_carry_request_id_and_organization(app, team):
    secret = await issue_token(team, "owner", ["catalog:read"])
    prefix = secret.split("_")[2]
    await PartnerToken.filter(prefix=prefix).update(revoked_at=now() - timedelta(seconds=1))
    start = await audit_head()
    async with bearer_client(app, secret) as partner:
        response = await partner.post("/graphql", json={"query": PRODUCTS})
    assert response.status_code == 401
    request_id = response.headers["x-request-id"]
    [error] = response.json()["errors"]
    assert error["extensions"] == {"code": "UNAUTHENTICATED", "requestId": request_id}
    [entry] = await _after(start, action="token.rejected")
    assert entry.request_id == request_id
    assert entry.organization_id == team.org.id
    assert entry.resource_id == prefix and entry.outcome == "denied"


async def test_cross_site_refusals_are_recorded(app):
    user = await make_user()
    start = await audit_head()
    async with await signed_in(app, user) as client:
        response = await client.post(
            "/graphql",
            json={"query": PRODUCTS},
            headers={"Origin": "https://evil.example", "X-Requested-With": ""},
        )
    assert response.status_code == 403
    request_id = response.headers["x-request-id"]
    assert response.json()["errors"][0]["extensions"]["requestId"] == request_id
    [entry] = await _after(start, action="csrf.rejected")
    assert (entry.actor_type, entry.actor_id, entry.request_id) == ("user", user.id, request_id)
    assert entry.subject == f"user:{user.id}"


async def test_repeated_refusals_from_one_address_are_summarised(app):
    refusals = app.state.refusals
    moment = [1_900_000_000.0]  # a fixed minute, whatever the wall clock says
    refusals.clock = lambda: moment[0]
    start = await audit_head()
    for n in range(25):
        async with bearer_client(app, f"mandi_pt_garbage{n}_x") as partner:
            response = await partner.post("/graphql", json={"query": PRODUCTS})
            assert response.status_code == 401
    first = await _after(start, action__startswith="token.rejected")
    assert [e.action for e in first] == ["token.rejected"]
    moment[0] += 60
    async with bearer_client(app, "mandi_pt_next_x") as partner:
        await partner.post("/graphql", json={"query": PRODUCTS})
    entries = await _after(start, action__startswith="token.rejected")
    assert [e.action for e in entries] == [
        "token.rejected",
        "token.rejected.repeated",
        "token.rejected",
    ]
    summary = entries[1]
    assert summary.detail == {"count": 24, "minute": "2030-03-17T17:46Z"}
    assert summary.ip == entries[0].ip and summary.outcome == "denied"


async def test_sign_in_first_is_a_recorded_refusal_summarised_per_address(app):
    refusals = app.state.refusals
    moment = [1_900_000_000.0]
    refusals.clock = lambda: moment[0]
    start = await audit_head()
    async with client_for(app, None) as anonymous:
        responses = [await _post(anonymous, PRODUCTS) for _ in range(3)]
    assert {error_codes(r.json())[0] for r in responses} == {"UNAUTHENTICATED"}
    [entry] = await _after(start, action__startswith="authentication.required")
    assert (entry.actor_type, entry.actor_id, entry.outcome) == ("anonymous", None, "denied")
    assert entry.request_id == responses[0].headers["x-request-id"]
    assert entry.resource_type == "Operation" and entry.ip is not None
    moment[0] += 60
    await refusals.flush(before=refusals._minute())
    summary = (await _after(entry.seq, action="authentication.required.repeated"))[0]
    assert summary.detail == {"count": 2, "minute": "2030-03-17T17:46Z"}


async def test_summaries_of_two_organizations_and_two_minutes_stay_apart(app):
    """Repeated refusals of tokens naming two organizations, over two minutes, from one address:
    one summary per organization and minute, each with its own count."""
    refusals = app.state.refusals
    moment = [1_900_000_020.0]
    refusals.clock = lambda: moment[0]
    teams = [await make_team(app, (OrgRole.OWNER,)) for _ in range(2)]
    refused = [(await issue_token(team, "owner", ["catalog:read"]))[:-4] + "nope" for team in teams]
    start = await audit_head()
    for minute, repeats in enumerate(((3, 2), (4, 5))):
        moment[0] = 1_900_000_020.0 + 60 * minute
        for secret, times in zip(refused, repeats, strict=True):
            for _ in range(times):
                async with bearer_client(app, secret) as partner:
                    assert (
                        await partner.post("/graphql", json={"query": PRODUCTS})
                    ).status_code == 401
    await refusals.close()
    summaries = await _after(start, action="token.rejected.repeated")
    found = sorted((e.organization_id, e.detail["minute"], e.detail["count"]) for e in summaries)
    orgs = [team.org.id for team in teams]
    assert found == sorted(
        [
            (orgs[0], "2030-03-17T17:47Z", 2),  # the first of each minute is an entry of its own
            (orgs[1], "2030-03-17T17:47Z", 1),
            (orgs[0], "2030-03-17T17:48Z", 3),
            (orgs[1], "2030-03-17T17:48Z", 4),
        ]
    )
    for team in teams:
        await team.close()
