"""Sign-up, sign-in, sessions, step-up and cross-site protection, over GraphQL."""

from __future__ import annotations

import json
from datetime import timedelta
from urllib.parse import parse_qs, urlparse

import httpx
import pytest_asyncio

from domain.accounts.auth_models import EmailOutbox, LoginEvent, SignUpConfirmation
from domain.accounts.models import User, UserStatus, WebSession
from domain.accounts.passwords_flow import read_outbox_body
from domain.accounts.sessions import now, token_hash
from domain.crypto.fields import lookup
from tests.support import client_for, error_codes, gql, gql_data, make_user, unique

SIGN_UP = """
mutation($input: UserSignUpInput!) { userSignUp(input: $input) { ok errors { code field } } }"""
CONFIRM = """
mutation($t: String!, $p: String!) {
  userSignUpConfirm(token: $t, password: $p) { user { username email } errors { code field } }
}"""
SIGN_IN = """
mutation($u: String!, $p: String!) {
  sessionCreate(input: {username: $u, password: $p}) {
    user { username } mfaRequired mfaChallenge retryAfterSeconds errors { code message }
  }
}"""
VIEWER = "{ viewer { user { username email } sessions { id current ip } } }"
PASSWORD = "a long passphrase of mine"


def sign_up_input(**overrides):
    name = unique("s")
    return {
        "username": name,
        "email": f"{name}@example.test",
        "password": PASSWORD,
        "fullName": "Asha Rao",
        "country": "IN",
        "adultAttested": True,
        **overrides,
    }


async def sign_up_link_token(email: str) -> str:
    """The token of the newest sign-up link mailed to ``email``."""
    user = await User.get(email_index=lookup(User, "email", email.lower()))
    message = await EmailOutbox.filter(user_id=user.id).order_by("-id").first()
    assert message.template == "sign_up_confirm"
    link = json.loads(read_outbox_body(message))["link"]
    return parse_qs(urlparse(link).query)["token"][0]


async def test_sign_up_mails_a_link_that_confirms_signs_in_and_shows_own_data(app):
    values = sign_up_input()
    async with client_for(app, None) as client:
        data = await gql_data(client, SIGN_UP, input=values)
        assert data["userSignUp"] == {"ok": True, "errors": []}
        assert "mandi_session" not in client.cookies
        pending = await User.get(username_index=lookup(User, "username", values["username"]))
        assert pending.status == UserStatus.PENDING
        signed_in = await gql_data(client, SIGN_IN, u=values["username"], p=PASSWORD)
        assert signed_in["sessionCreate"]["user"] is None, "pending accounts cannot sign in"
        token = await sign_up_link_token(values["email"])
        data = await gql_data(client, CONFIRM, t=token, p=PASSWORD)
        payload = data["userSignUpConfirm"]
        assert payload["errors"] == []
        assert payload["user"] == {"username": values["username"], "email": values["email"]}
        assert "mandi_session" in client.cookies
        viewer = (await gql_data(client, VIEWER))["viewer"]
        assert viewer["user"]["username"] == values["username"]
        assert [s["current"] for s in viewer["sessions"]] == [True]
        again = await gql_data(client, CONFIRM, t=token, p=PASSWORD)
        assert again["userSignUpConfirm"]["errors"] == [{"code": "INVALID_TOKEN", "field": None}]
    assert (await User.get(id=pending.id)).status == UserStatus.ACTIVE


async def test_a_sign_up_link_expires(app, anon):
    values = sign_up_input()
    await gql_data(anon, SIGN_UP, input=values)
    token = await sign_up_link_token(values["email"])
    await SignUpConfirmation.filter(token_hash=token_hash(token)).update(
        expires_at=now() - timedelta(seconds=1)
    )
    data = await gql_data(anon, CONFIRM, t=token, p=PASSWORD)
    assert data["userSignUpConfirm"]["errors"] == [{"code": "INVALID_TOKEN", "field": None}]
    assert "mandi_session" not in anon.cookies


async def test_a_second_sign_up_of_a_pending_address_replaces_the_first(app, anon):
    """A stranger who signs up first with someone's address holds nothing: the mailbox's owner
    signs up again, the first link dies, and the first username is free again."""
    squatter = sign_up_input()
    await gql_data(anon, SIGN_UP, input=squatter)
    first = await sign_up_link_token(squatter["email"])
    owner = sign_up_input(email=squatter["email"])
    assert (await gql_data(anon, SIGN_UP, input=owner))["userSignUp"]["ok"] is True
    second = await sign_up_link_token(squatter["email"])
    stale = await gql_data(anon, CONFIRM, t=first, p=PASSWORD)
    assert stale["userSignUpConfirm"]["errors"] == [{"code": "INVALID_TOKEN", "field": None}]
    done = await gql_data(anon, CONFIRM, t=second, p=PASSWORD)
    assert done["userSignUpConfirm"]["user"]["username"] == owner["username"]
    reuse = sign_up_input(username=squatter["username"])
    async with client_for(app, None) as other:
        assert (await gql_data(other, SIGN_UP, input=reuse))["userSignUp"]["ok"] is True


async def test_a_taken_username_is_refused_whatever_the_address(app, anon):
    user = await make_user()
    fresh = await gql_data(anon, SIGN_UP, input=sign_up_input(username=user.username))
    known = await gql_data(
        anon, SIGN_UP, input=sign_up_input(username=user.username, email=unique("o") + "@x.test")
    )
    assert fresh == known
    assert fresh["userSignUp"]["errors"] == [{"code": "CONFLICT", "field": "username"}]


async def test_sign_up_refuses_minors_and_weak_passwords_storing_nothing(app):
    cases = [
        ({"adultAttested": False}, "adultAttested"),
        ({"password": "password123"}, "password"),
        ({"password": "short"}, "password"),
        ({"email": "not-an-email"}, "email"),
    ]
    async with client_for(app, None) as client:
        for overrides, field in cases:
            values = sign_up_input(**overrides)
            data = await gql_data(client, SIGN_UP, input=values)
            assert data["userSignUp"]["errors"] == [{"code": "VALIDATION", "field": field}]
            index = lookup(User, "username", values["username"])
            assert not await User.filter(username_index=index).exists()
        assert "mandi_session" not in client.cookies


async def test_wrong_password_and_unknown_user_look_the_same(app):
    user = await make_user(password=PASSWORD)
    async with client_for(app, None) as client:
        wrong = await gql_data(client, SIGN_IN, u=user.username, p="not the password!")
        unknown = await gql_data(client, SIGN_IN, u=unique("nobody"), p="not the password!")
    assert wrong == unknown
    assert wrong["sessionCreate"]["errors"] == [
        {"code": "UNAUTHENTICATED", "message": "username or password is wrong"}
    ]
    outcomes = await LoginEvent.filter(user_id=user.id).values_list("outcome", flat=True)
    assert outcomes == ["bad_credentials"]


async def test_sign_in_sets_a_hashed_http_only_cookie(app):
    user = await make_user(password=PASSWORD)
    async with client_for(app, None) as client:
        response = await client.post(
            "/graphql", json={"query": SIGN_IN, "variables": {"u": user.username, "p": PASSWORD}}
        )
        cookie = response.headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=lax" in cookie
        token = client.cookies["mandi_session"]
    stored = await WebSession.get(user_id=user.id)
    assert stored.token_hash == token_hash(token) and token not in stored.token_hash
    history = await LoginEvent.filter(user_id=user.id).values_list("outcome", flat=True)
    assert history == ["success"]


@pytest_asyncio.fixture
async def sign_in(app):
    """Sign a user in with a fresh client; returns (client, its WebSession)."""
    opened = []

    async def open_for(user):
        client = client_for(app, None)
        opened.append(client)
        await gql_data(client, SIGN_IN, u=user.username, p=PASSWORD)
        return client, await WebSession.filter(user_id=user.id).order_by("-id").first()

    yield open_for
    for client in opened:
        await client.aclose()


async def test_expired_and_idle_sessions_are_anonymous(sign_in):
    user = await make_user(password=PASSWORD)
    client, session = await sign_in(user)
    assert (await gql_data(client, VIEWER))["viewer"] is not None
    await WebSession.filter(id=session.id).update(last_seen_at=now() - timedelta(hours=13))
    assert (await gql_data(client, VIEWER))["viewer"] is None
    await WebSession.filter(id=session.id).update(
        last_seen_at=now(), expires_at=now() - timedelta(seconds=1)
    )
    assert (await gql_data(client, VIEWER))["viewer"] is None


async def test_sign_out_revokes_the_session(app, sign_in):
    user = await make_user(password=PASSWORD)
    client, session = await sign_in(user)
    token = client.cookies["mandi_session"]
    assert (await gql_data(client, "mutation { sessionRevoke }"))["sessionRevoke"] is True
    async with client_for(app, token) as replay:
        assert (await gql_data(replay, VIEWER))["viewer"] is None
    assert (await WebSession.get(id=session.id)).revoked_at is not None


async def test_a_user_lists_and_revokes_their_other_sessions(sign_in):
    user = await make_user(password=PASSWORD)
    first, _ = await sign_in(user)
    second, _ = await sign_in(user)
    sessions = (await gql_data(first, VIEWER))["viewer"]["sessions"]
    other = next(s for s in sessions if not s["current"])
    revoke = "mutation($id: ID!) { sessionRevoke(id: $id) }"
    assert (await gql_data(first, revoke, id=other["id"]))["sessionRevoke"] is True
    assert (await gql_data(second, VIEWER))["viewer"] is None
    stranger = await make_user(password=PASSWORD)
    third, _ = await sign_in(stranger)
    mine = (await gql_data(first, VIEWER))["viewer"]["sessions"][0]["id"]
    assert (await gql_data(third, revoke, id=mine))["sessionRevoke"] is False
    assert (await gql_data(first, VIEWER))["viewer"] is not None


async def test_password_change_needs_step_up_and_signs_out_other_sessions(app, sign_in):
    user = await make_user(password=PASSWORD)
    first, session = await sign_in(user)
    second, _ = await sign_in(user)
    change = """mutation($p: String!) { passwordChange(newPassword: $p) { ok errors { code } } }"""
    reauth = """mutation($p: String!) { sessionReauthenticate(password: $p) {
        user { username } errors { code } } }"""
    await WebSession.filter(id=session.id).update(reauthenticated_at=now() - timedelta(hours=1))
    data = await gql_data(first, change, p="another long passphrase")
    assert data["passwordChange"]["errors"] == [{"code": "STEP_UP_REQUIRED"}]
    data = await gql_data(first, reauth, p="wrong password here")
    assert data["sessionReauthenticate"]["errors"] == [{"code": "UNAUTHENTICATED"}]
    data = await gql_data(first, reauth, p=PASSWORD)
    assert data["sessionReauthenticate"]["errors"] == []
    data = await gql_data(first, change, p="another long passphrase")
    assert data["passwordChange"] == {"ok": True, "errors": []}
    assert (await gql_data(first, VIEWER))["viewer"] is not None
    assert (await gql_data(second, VIEWER))["viewer"] is None
    async with client_for(app, None) as fresh:
        data = await gql_data(fresh, SIGN_IN, u=user.username, p="another long passphrase")
        assert data["sessionCreate"]["user"] == {"username": user.username}


async def test_cookie_mutations_must_prove_they_are_same_site(app, sign_in):
    user = await make_user(password=PASSWORD)
    client, _ = await sign_in(user)
    token = client.cookies["mandi_session"]
    query = {"query": "mutation { sessionRevoke }"}

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://mandi.test") as bare:
        bare.cookies.set("mandi_session", token)
        refused = await bare.post("/graphql", json=query)
        assert refused.status_code == 403
        assert error_codes(refused.json()) == ["CSRF_REJECTED"]
        evil = await bare.post("/graphql", json=query, headers={"Origin": "https://evil.test"})
        assert evil.status_code == 403
        cross = await bare.post(
            "/graphql",
            json=query,
            headers={"X-Requested-With": "x", "Sec-Fetch-Site": "cross-site"},
        )
        assert cross.status_code == 403
        assert (await WebSession.get(token_hash=token_hash(token))).revoked_at is None
        reads = await bare.get("/graphql", params={"query": "{ viewer { user { username } } }"})
        assert reads.json()["data"]["viewer"]["user"]["username"] == user.username
        same = await bare.post("/graphql", json=query, headers={"Origin": "http://mandi.test"})
        assert same.json()["data"] == {"sessionRevoke": True}


async def test_anonymous_queries_need_no_csrf_proof(anon):
    body = await gql(anon, "{ viewer { user { username } } }")
    assert body["data"] == {"viewer": None}
    assert "errors" not in body


async def test_login_history_pages_through_every_attempt(app):
    user = await make_user(password=PASSWORD)
    async with client_for(app, None) as client:
        for password in ("not the passphrase", PASSWORD):
            await gql_data(client, SIGN_IN, u=user.username, p=password)
        query = """query($after: String) { viewer { loginHistory(first: 1, after: $after) {
          totalCount pageInfo { hasNextPage endCursor } nodes { outcome } } } }"""
        first = (await gql_data(client, query))["viewer"]["loginHistory"]
        rest = await gql_data(client, query, after=first["pageInfo"]["endCursor"])
    rest = rest["viewer"]["loginHistory"]
    assert first["totalCount"] == 2 and first["pageInfo"]["hasNextPage"] is True
    assert [n["outcome"] for n in first["nodes"] + rest["nodes"]] == ["SUCCESS", "BAD_CREDENTIALS"]
    assert rest["pageInfo"]["hasNextPage"] is False


async def test_a_sign_up_link_opens_the_account_only_with_its_password(app, anon):
    """Someone signs up with another person's address: that person's click on the mailed link
    does not open an account whose password the stranger knows (pre-account takeover)."""
    stranger = sign_up_input(password="the strangers own passphrase")
    await gql_data(anon, SIGN_UP, input=stranger)
    token = await sign_up_link_token(stranger["email"])
    clicked = await gql_data(anon, CONFIRM, t=token, p="the mailbox owners passphrase")
    assert clicked["userSignUpConfirm"] == {
        "user": None,
        "errors": [{"code": "UNAUTHENTICATED", "field": "password"}],
    }
    assert "mandi_session" not in anon.cookies
    pending = await User.get(email_index=lookup(User, "email", stranger["email"]))
    assert pending.status == UserStatus.PENDING
    # A dead link answers as before, whatever the password, and after one verification too.
    dead = await gql_data(anon, CONFIRM, t="not-a-link", p=stranger["password"])
    assert dead["userSignUpConfirm"]["errors"] == [{"code": "INVALID_TOKEN", "field": None}]
    # The mailbox's owner signs up again: the stranger's sign-up and link are gone.
    owner = sign_up_input(email=stranger["email"])
    await gql_data(anon, SIGN_UP, input=owner)
    stale = await gql_data(anon, CONFIRM, t=token, p=stranger["password"])
    assert stale["userSignUpConfirm"]["errors"] == [{"code": "INVALID_TOKEN", "field": None}]
    mine = await gql_data(anon, CONFIRM, t=await sign_up_link_token(owner["email"]), p=PASSWORD)
    assert mine["userSignUpConfirm"]["user"]["username"] == owner["username"]
