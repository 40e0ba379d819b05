"""Signing in: password, then (when enrolled) a second factor; every attempt is recorded.

"No such user" and "wrong password" take the same time (one argon2 verification each) and give
the same answer. Failures count per account name and per IP; locked keys get no verification.
"""

from __future__ import annotations

import secrets
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from domain.accounts import mfa
from domain.accounts.auth_models import LoginChallenge, LoginEvent, LoginOutcome
from domain.accounts.models import User, UserStatus
from domain.accounts.passwords import hash_password, needs_rehash, verify_password
from domain.accounts.sessions import NewSession, create_session, token_hash
from domain.accounts.throttle import LoginThrottle
from domain.crypto.fields import lookup

CHALLENGE_TTL = timedelta(minutes=5)
USERNAME_LENGTH = 40  # domain.validation.username's limit (the column is sealed: no length)


@dataclass(frozen=True)
class Client:
    ip: str | None
    user_agent: str | None


@dataclass(frozen=True)
class LoginResult:
    """``user`` is set whenever the account is known (for the audit log; never shown)."""

    outcome: LoginOutcome
    user: User | None = None
    session: NewSession | None = None
    challenge: str | None = None
    retry_after: int = 0


async def _record(user: User | None, outcome: LoginOutcome, client: Client) -> None:
    await LoginEvent.create(
        user=user,
        outcome=outcome,
        ip=client.ip,
        user_agent=(client.user_agent or "")[:300] or None,
    )


def account_name(username: str) -> str:
    """The name as stored: NFKC-normalized, trimmed, lower case; cut just past the longest
    possible, so an over-long name is unknown (not an error) and keys stay short."""
    return unicodedata.normalize("NFKC", username).strip().lower()[: USERNAME_LENGTH + 1]


def account_address(email: str) -> str:
    """An email as stored, for a look-up by its blind index: NFKC-normalized, trimmed, lower
    case, cut to the longest address (an over-long one is just unknown)."""
    return unicodedata.normalize("NFKC", email).strip().lower()[:254]


async def _find(name: str) -> User | None:
    if len(name) > USERNAME_LENGTH:
        return None
    return await User.filter(username_index=lookup(User, "username", name)).first()


async def sign_in(
    *, username: str, password: str, client: Client, throttle: LoginThrottle
) -> LoginResult:
    name = account_name(username)
    wait = await throttle.locked_for(name, client.ip)
    if wait:
        known = await _find(name)
        await _record(known, LoginOutcome.LOCKED, client)
        return LoginResult(LoginOutcome.LOCKED, user=known, retry_after=wait)
    user = await _find(name)
    ok = await verify_password(user.password_hash if user else None, password[:1024])
    if user is None or not ok or user.status != UserStatus.ACTIVE:
        await throttle.failed(name, client.ip)
        await _record(user, LoginOutcome.BAD_CREDENTIALS, client)
        return LoginResult(LoginOutcome.BAD_CREDENTIALS, user=user)
    if user.password_hash and needs_rehash(user.password_hash):
        user.password_hash = await hash_password(password)
        await user.save(update_fields=["password_hash"])
    if user.mfa_enabled_at is not None:
        token = secrets.token_urlsafe(32)
        await LoginChallenge.create(
            user=user,
            token_hash=token_hash(token),
            expires_at=datetime.now(UTC) + CHALLENGE_TTL,
        )
        await _record(user, LoginOutcome.MFA_REQUIRED, client)
        return LoginResult(LoginOutcome.MFA_REQUIRED, user=user, challenge=token)
    await throttle.succeeded(name)
    return await _open_session(user, client)


async def _open_session(user: User, client: Client) -> LoginResult:
    session = await create_session(user=user, ip=client.ip, user_agent=client.user_agent)
    await _record(user, LoginOutcome.SUCCESS, client)
    return LoginResult(LoginOutcome.SUCCESS, user=user, session=session)


async def complete_mfa(
    *, challenge: str, code: str, client: Client, throttle: LoginThrottle
) -> LoginResult:
    """Second step of signing in: a TOTP code or a recovery code for a live challenge."""
    now = datetime.now(UTC)
    pending = (
        await LoginChallenge.filter(token_hash=token_hash(challenge), used_at=None)
        .select_related("user")
        .first()
    )
    if pending is None or pending.expires_at <= now:
        return LoginResult(LoginOutcome.MFA_FAILED)
    user = pending.user
    wait = await throttle.mfa_locked_for(user.username, client.ip)
    if wait:
        await _record(user, LoginOutcome.LOCKED, client)
        return LoginResult(LoginOutcome.LOCKED, user=user, retry_after=wait)
    if not await mfa.verify_second_factor(user, code[:64]):
        await throttle.mfa_failed(user.username, client.ip)
        await _record(user, LoginOutcome.MFA_FAILED, client)
        return LoginResult(LoginOutcome.MFA_FAILED, user=user)
    claimed = await LoginChallenge.filter(id=pending.id, used_at=None).update(used_at=now)
    if not claimed:
        return LoginResult(LoginOutcome.MFA_FAILED)
    await throttle.succeeded(user.username)
    return await _open_session(user, client)


async def reauthenticate(*, user: User, password: str, code: str | None) -> bool:
    """Check the password (and the second factor when enrolled) for a step-up."""
    if not await verify_password(user.password_hash, password[:1024]):
        return False
    if user.mfa_enabled_at is None:
        return True
    return bool(code) and await mfa.verify_second_factor(user, code or "")
