"""A new email address for an account: confirmed from its own mailbox before it replaces the old
one, and nothing the requester can see tells whether another account has it.

Were the address changed at once, any signed-in person could learn whether an address has an
account (a taken one was refused) and take one that has none without owning it: its owner's
sign-up would then find it "registered", and reset links for it would reach the taker. So
``request_change`` does one thing whatever the address: it records the change and mails the new
address a single-use link (24 hours; a newer request replaces it). It does not even look the
address up: the answer, the entry, the rows in the person's data export and the work done are
the same for a free and a taken address. ``confirm_change`` with the link makes it the
account's address, tells the old address and ends the reset links sent there; an address that
has an account by then is CONFLICT at the link, told to whoever holds that mailbox (who knows).

Mails are limited per hour, past which nothing is mailed and the answer is the same: the changes
one account asks for, and the links one address receives (``new_email_index``), whoever asks
(``MANDI_ACCOUNT_MAILS_PER_HOUR``, as reset mails).
"""

from __future__ import annotations

import json
import secrets
from datetime import UTC, datetime, timedelta

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from domain import secretbox
from domain import validation as v
from domain.accounts.auth_models import EmailChange, EmailOutbox, PasswordReset
from domain.accounts.models import User, UserStatus
from domain.accounts.passwords_flow import MAIL_WINDOW, outbox_context
from domain.accounts.sessions import token_hash
from domain.crypto.fields import lookup
from domain.errors import Conflict, ValidationFailed

CHANGE_TTL = timedelta(hours=24)
CONFIRM_TEMPLATE = "email_change_confirm"
CHANGED_TEMPLATE = "email_changed"  # to the old address, once the new one is confirmed


def new_address(value: str) -> str:
    return v.email(value).lower()


async def request_change(*, user: User, email: str, confirm_url: str, mails_per_hour: int) -> bool:
    """Start changing ``user``'s address to ``email``; see the module docstring. True when a
    link was mailed (False: the account's own address, or a per-hour limit reached), for the
    audit log only."""
    address = new_address(email)
    if address == user.email:
        return False
    now = datetime.now(UTC)
    since = now - MAIL_WINDOW
    index = lookup(EmailChange, "new_email", address)
    asked = await EmailChange.filter(user_id=user.id, created_at__gte=since).count()
    received = await EmailChange.filter(new_email_index=index, created_at__gte=since).count()
    if asked >= mails_per_hour or received >= mails_per_hour:
        return False
    token = secrets.token_urlsafe(32)
    body = {
        "link": f"{confirm_url}?token={token}",
        "expires_in_hours": 24,
        "notice": "someone asked to make this the email address of a Mandi account. If it was "
        "you, open the link; if not, ignore this mail. If this address has an account already, "
        "nothing will change.",
    }
    async with in_transaction():
        await EmailChange.filter(user_id=user.id, used_at=None).update(used_at=now)
        await EmailChange.create(
            user=user, new_email=address, token_hash=token_hash(token), expires_at=now + CHANGE_TTL
        )
        await _mail(user, address, CONFIRM_TEMPLATE, body)
    return True


async def _mail(recipient: User, to: str, template: str, body: dict) -> None:
    sealed = secretbox.encrypt(json.dumps(body), context=outbox_context(recipient.id))
    await EmailOutbox.create(
        user=recipient, to_address=to, template=template, body_encrypted=sealed
    )


async def confirm_change(*, token: str) -> User:
    """Use a change link once: the account's address becomes the new one (the old address is
    told). INVALID_TOKEN for a used, replaced or expired link; CONFLICT when another account
    took the address meanwhile."""
    now = datetime.now(UTC)
    invalid = ValidationFailed(
        "this confirmation link is invalid or has expired", code="INVALID_TOKEN"
    )
    found = (
        await EmailChange.filter(token_hash=token_hash(token[:128]), used_at=None)
        .select_related("user")
        .first()
    )
    if found is None or found.expires_at <= now or found.user.status != UserStatus.ACTIVE:
        raise invalid
    user = found.user
    old = user.email
    try:
        async with in_transaction():
            if not await EmailChange.filter(id=found.id, used_at=None).update(used_at=now):
                raise invalid
            user.email = found.new_email
            await user.save(update_fields=["email"])
            # a reset link mailed to the old address no longer opens the account
            await PasswordReset.filter(user_id=user.id, used_at=None).update(used_at=now)
            body = {
                "notice": "the email address of your Mandi account was changed. If you did not "
                "do this, reset your password from the new address's mailbox or contact support.",
            }
            await _mail(user, old, CHANGED_TEMPLATE, body)
    except IntegrityError:
        raise Conflict(
            "this address has an account now; sign in to that account instead", field="token"
        ) from None
    return user
