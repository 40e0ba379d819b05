"""Password reset: single-use, expiring tokens delivered through the encrypted outbox."""

from __future__ import annotations

import json
from datetime import timedelta
from urllib.parse import parse_qs, urlparse

from domain.accounts.auth_models import EmailOutbox, PasswordReset
from domain.accounts.passwords_flow import read_outbox_body
from domain.accounts.sessions import now
from tests.support import client_for, gql_data, make_user, unique

PASSWORD = "a long passphrase of mine"
REQUEST = "mutation($e: String!) { passwordResetRequest(email: $e) { ok errors { code } } }"
COMPLETE = """
mutation($t: String!, $p: String!) {
  passwordResetComplete(token: $t, newPassword: $p) { ok errors { code field } }
}"""
SIGN_IN = """
mutation($u: String!, $p: String!) {
  sessionCreate(input: {username: $u, password: $p}) { user { username } errors { code } }
}"""


async def _mailed_token(user_id: int) -> str:
    message = await EmailOutbox.filter(user_id=user_id).order_by("-id").first()
    assert message.template == "password_reset"
    link = json.loads(read_outbox_body(message))["link"]
    return parse_qs(urlparse(link).query)["token"][0]


async def test_reset_sets_a_new_password_once(app, anon):
    user = await make_user(password=PASSWORD)
    signed_in = client_for(app, None)
    await gql_data(signed_in, SIGN_IN, u=user.username, p=PASSWORD)
    data = await gql_data(anon, REQUEST, e=user.email.upper())
    assert data["passwordResetRequest"] == {"ok": True, "errors": []}
    token = await _mailed_token(user.id)
    message = await EmailOutbox.filter(user_id=user.id).first()
    assert token not in message.body_encrypted
    stored = await PasswordReset.get(user_id=user.id)
    assert token not in stored.token_hash

    weak = await gql_data(anon, COMPLETE, t=token, p="password1")
    assert weak["passwordResetComplete"]["errors"] == [
        {"code": "VALIDATION", "field": "newPassword"}
    ]
    done = await gql_data(anon, COMPLETE, t=token, p="my brand new passphrase")
    assert done["passwordResetComplete"] == {"ok": True, "errors": []}
    again = await gql_data(anon, COMPLETE, t=token, p="yet another passphrase")
    assert again["passwordResetComplete"]["errors"] == [{"code": "INVALID_TOKEN", "field": None}]

    viewer = await gql_data(signed_in, "{ viewer { user { username } } }")
    assert viewer["viewer"] is None, "a reset signs out every session"
    await signed_in.aclose()
    data = await gql_data(anon, SIGN_IN, u=user.username, p="my brand new passphrase")
    assert data["sessionCreate"]["user"] == {"username": user.username}


async def test_expired_token_is_refused(anon):
    user = await make_user(password=PASSWORD)
    await gql_data(anon, REQUEST, e=user.email)
    token = await _mailed_token(user.id)
    await PasswordReset.filter(user_id=user.id).update(expires_at=now() - timedelta(seconds=1))
    data = await gql_data(anon, COMPLETE, t=token, p="my brand new passphrase")
    assert data["passwordResetComplete"]["errors"][0]["code"] == "INVALID_TOKEN"


async def test_unknown_email_answers_the_same_and_mails_nothing(anon):
    before = await EmailOutbox.all().count()
    data = await gql_data(anon, REQUEST, e=f"{unique()}@example.test")
    assert data["passwordResetRequest"] == {"ok": True, "errors": []}
    assert await EmailOutbox.all().count() == before


async def test_a_newer_request_voids_the_older_token(anon):
    user = await make_user(password=PASSWORD)
    await gql_data(anon, REQUEST, e=user.email)
    first = await _mailed_token(user.id)
    await gql_data(anon, REQUEST, e=user.email)
    data = await gql_data(anon, COMPLETE, t=first, p="my brand new passphrase")
    assert data["passwordResetComplete"]["errors"][0]["code"] == "INVALID_TOKEN"
