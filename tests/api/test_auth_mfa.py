"""TOTP enrolment, two-step sign-in, replay protection, recovery codes, disabling."""

from __future__ import annotations

import time

import pyotp
import pytest_asyncio

from domain.accounts.auth_models import RecoveryCode
from domain.accounts.models import User
from tests.support import clear_of_totp_step_edge, client_for, gql_data, make_user

PASSWORD = "a long passphrase of mine"
SIGN_IN = """
mutation($u: String!, $p: String!) {
  sessionCreate(input: {username: $u, password: $p}) {
    user { username } mfaRequired mfaChallenge errors { code }
  }
}"""
VERIFY = """
mutation($c: String!, $code: String!) {
  sessionVerifyMfa(challenge: $c, code: $code) { user { username } errors { code } }
}"""
START = "mutation { mfaEnrollStart { enrollment { secret provisioningUri } errors { code } } }"
CONFIRM = """
mutation($code: String!) { mfaEnrollConfirm(code: $code) { recoveryCodes errors { code } } }"""
DISABLE = "mutation($code: String!) { mfaDisable(code: $code) { ok errors { code } } }"


def code_at(secret: str, offset_steps: int = 0) -> str:
    return pyotp.TOTP(secret).at(time.time() + 30 * offset_steps)


def wrong_code(secret: str) -> str:
    """Six digits that are no code the server accepts in the next minutes: none of the codes
    of two steps before this one to four after (it accepts a step either side of its own)."""
    near = {code_at(secret, offset) for offset in range(-2, 5)}
    return next(code for code in ("000000", "111111", "222222", "999999") if code not in near)


@pytest_asyncio.fixture
async def enrolled(app):
    """A user with MFA on: (user, secret, recovery codes)."""
    user = await make_user(password=PASSWORD)
    async with client_for(app, None) as client:
        await gql_data(client, SIGN_IN, u=user.username, p=PASSWORD)
        enrollment = (await gql_data(client, START))["mfaEnrollStart"]["enrollment"]
        secret = enrollment["secret"]
        assert enrollment["provisioningUri"].startswith("otpauth://totp/Mandi:")
        wrong = await gql_data(client, CONFIRM, code=wrong_code(secret))
        assert wrong["mfaEnrollConfirm"]["errors"] == [{"code": "MFA_INVALID"}]
        # The previous step's code, so the tests' current one is not a replay; sent at once, well
        # inside this step (at its end the server would be a step on, and refuse it).
        await clear_of_totp_step_edge()
        confirmed = (await gql_data(client, CONFIRM, code=code_at(secret, -1)))["mfaEnrollConfirm"]
    assert confirmed["errors"] == []
    assert len(confirmed["recoveryCodes"]) == 10
    return user, secret, confirmed["recoveryCodes"]


async def _challenge(client, user) -> str:
    data = (await gql_data(client, SIGN_IN, u=user.username, p=PASSWORD))["sessionCreate"]
    assert data["user"] is None and data["mfaRequired"] is True
    assert "mandi_session" not in client.cookies
    return data["mfaChallenge"]


async def test_secret_is_stored_encrypted_and_codes_hashed(enrolled):
    user, secret, codes = enrolled
    stored = await User.get(id=user.id)
    assert stored.mfa_secret_encrypted and secret not in stored.mfa_secret_encrypted
    hashes = await RecoveryCode.filter(user_id=user.id).values_list("code_hash", flat=True)
    assert len(hashes) == 10
    assert not {c.replace("-", "") for c in codes} & set(hashes)


async def test_sign_in_takes_a_second_step_and_a_code_cannot_be_replayed(app, enrolled):
    user, secret, _ = enrolled
    code = code_at(secret)
    async with client_for(app, None) as client:
        challenge = await _challenge(client, user)
        data = await gql_data(client, VERIFY, c=challenge, code=code)
        assert data["sessionVerifyMfa"]["user"] == {"username": user.username}
    async with client_for(app, None) as client:
        challenge = await _challenge(client, user)
        replay = await gql_data(client, VERIFY, c=challenge, code=code)
        assert replay["sessionVerifyMfa"] == {"user": None, "errors": [{"code": "UNAUTHENTICATED"}]}
        assert "mandi_session" not in client.cookies
        # The next step's code, once: computed again after a step went by, it would be the
        # code of the step after, a fresh one.
        next_code = code_at(secret, 1)
        later = await gql_data(client, VERIFY, c=challenge, code=next_code)
        assert later["sessionVerifyMfa"]["user"] == {"username": user.username}
        spent = await gql_data(client, VERIFY, c=challenge, code=next_code)
        assert spent["sessionVerifyMfa"]["errors"] == [{"code": "UNAUTHENTICATED"}]
    async with client_for(app, None) as client:  # a live challenge: only the code is refused
        challenge = await _challenge(client, user)
        used = await gql_data(client, VERIFY, c=challenge, code=next_code)
        assert used["sessionVerifyMfa"] == {"user": None, "errors": [{"code": "UNAUTHENTICATED"}]}


async def test_a_recovery_code_works_once(app, enrolled):
    user, _, codes = enrolled
    async with client_for(app, None) as client:
        challenge = await _challenge(client, user)
        data = await gql_data(client, VERIFY, c=challenge, code=codes[0])
        assert data["sessionVerifyMfa"]["user"] == {"username": user.username}
    async with client_for(app, None) as client:
        challenge = await _challenge(client, user)
        again = await gql_data(client, VERIFY, c=challenge, code=codes[0])
        assert again["sessionVerifyMfa"]["errors"] == [{"code": "UNAUTHENTICATED"}]
        other = await gql_data(client, VERIFY, c=challenge, code=codes[1].upper())
        assert other["sessionVerifyMfa"]["user"] == {"username": user.username}


async def test_disabling_needs_a_current_code(app, enrolled):
    user, secret, _ = enrolled
    async with client_for(app, None) as client:
        challenge = await _challenge(client, user)
        await gql_data(client, VERIFY, c=challenge, code=code_at(secret))
        bad = await gql_data(client, DISABLE, code="12345x")
        assert bad["mfaDisable"]["errors"] == [{"code": "MFA_INVALID"}]
        ok = await gql_data(client, DISABLE, code=code_at(secret, 1))
        assert ok["mfaDisable"] == {"ok": True, "errors": []}
    async with client_for(app, None) as client:
        data = await gql_data(client, SIGN_IN, u=user.username, p=PASSWORD)
        assert data["sessionCreate"]["user"] == {"username": user.username}
    assert not await RecoveryCode.filter(user_id=user.id).exists()
