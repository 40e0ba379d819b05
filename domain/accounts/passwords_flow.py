"""Changing and resetting passwords. Reset tokens are single-use, expire, and are mailed
through the outbox (encrypted there); the database keeps only their SHA-256.

A new password signs out the user's other sessions and revokes every partner token they created:
whoever knew the old password may have made one (owners create new tokens after a reset).
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from tortoise.transactions import in_transaction

from domain import secretbox
from domain.accounts.auth_models import EmailOutbox, PasswordReset
from domain.accounts.login import account_address
from domain.accounts.models import User, UserStatus
from domain.accounts.password_policy import check_password
from domain.accounts.passwords import hash_password
from domain.accounts.sessions import revoke_user_sessions, token_hash
from domain.accounts.tokens import revoke_created_by
from domain.crypto.fields import lookup
from domain.errors import ValidationFailed

RESET_TTL = timedelta(hours=1)
MAIL_WINDOW = timedelta(hours=1)
RESET_TEMPLATE = "password_reset"


@dataclass(frozen=True)
class ResetRequest:
    user: User | None  # the account of the address, for the audit log only
    mailed: bool  # False: no account, or its per-recipient limit was reached


def outbox_context(user_id: int) -> str:
    return f"outbox:{user_id}"


async def change_password(
    *, user: User, new_password: str, keep_session_id: int | None
) -> list[tuple[int, int]]:
    """Set a new password; every other session of the user is signed out and their partner
    tokens revoked (returned as (id, organization id) for the audit log)."""
    check_password(new_password, personal=(user.username, user.email), field="newPassword")
    new_hash = await hash_password(new_password)  # before the transaction: it may wait a slot
    async with in_transaction():
        await User.filter(id=user.id).update(
            password_hash=new_hash, password_changed_at=datetime.now(UTC)
        )
        await revoke_user_sessions(user_id=user.id, except_id=keep_session_id)
        return await revoke_created_by(user.id)


async def mails_sent_lately(user_id: int, templates: tuple[str, ...]) -> int:
    """How many of these mails were queued for the user in the last hour (0 for no user: the
    same statement runs either way)."""
    since = datetime.now(UTC) - MAIL_WINDOW
    return await EmailOutbox.filter(
        user_id=user_id, template__in=templates, created_at__gte=since
    ).count()


async def request_reset(*, email: str, reset_url: str, mails_per_hour: int) -> ResetRequest:
    """Mail a reset link if an active account has this email and it got fewer than
    ``mails_per_hour`` reset mails in the last hour. The caller must not reveal the answer (it
    is returned for the audit log).

    Every answer does the same work, so timing does not tell either: a token is made and its
    mail encrypted even for an unknown address or one over its limit, and the same statements
    run (on no rows). Over the limit the earlier links stay valid: flooding someone's address
    cannot cancel the reset they asked for.
    """
    address = account_address(email)
    index = lookup(User, "email", address)
    user = await User.filter(email_index=index, status=UserStatus.ACTIVE).first()
    user_id = user.id if user else 0
    limited = await mails_sent_lately(user_id, (RESET_TEMPLATE,)) >= mails_per_hour
    token = secrets.token_urlsafe(32)
    body = json.dumps({"link": f"{reset_url}?token={token}", "expires_in_minutes": 60})
    sealed = secretbox.encrypt(body, context=outbox_context(user_id))
    now = datetime.now(UTC)
    mailed = user is not None and not limited
    async with in_transaction():
        await PasswordReset.filter(user_id=user_id if mailed else 0, used_at=None).update(
            used_at=now
        )
        if not mailed:
            await PasswordReset.filter(token_hash=token_hash(token)).exists()
            await EmailOutbox.filter(user_id=0, sent_at=None).exists()
            return ResetRequest(user=user, mailed=False)
        assert user is not None  # mailed: there is a user
        await PasswordReset.create(
            user=user, token_hash=token_hash(token), expires_at=now + RESET_TTL
        )
        await EmailOutbox.create(
            user=user, to_address=user.email, template=RESET_TEMPLATE, body_encrypted=sealed
        )
    return ResetRequest(user=user, mailed=True)


async def complete_reset(*, token: str, new_password: str) -> tuple[User, list[tuple[int, int]]]:
    """Use a reset token once: set the password, sign out every session and revoke the user's
    partner tokens (returned as (id, organization id) for the audit log)."""
    now = datetime.now(UTC)
    reset = (
        await PasswordReset.filter(token_hash=token_hash(token[:128]), used_at=None)
        .select_related("user")
        .first()
    )
    if reset is None or reset.expires_at <= now:
        raise ValidationFailed("this reset link is invalid or has expired", code="INVALID_TOKEN")
    user = reset.user
    check_password(new_password, personal=(user.username, user.email), field="newPassword")
    new_hash = await hash_password(new_password)
    async with in_transaction():
        if not await PasswordReset.filter(id=reset.id, used_at=None).update(used_at=now):
            raise ValidationFailed("this reset link was already used", code="INVALID_TOKEN")
        await User.filter(id=user.id).update(password_hash=new_hash, password_changed_at=now)
        await revoke_user_sessions(user_id=user.id)
        revoked = await revoke_created_by(user.id)
    return user, revoked


def read_outbox_body(message: EmailOutbox) -> str:
    """Decrypt a queued message's body (for the mail sender)."""
    return secretbox.decrypt(message.body_encrypted, context=outbox_context(message.user_id))
