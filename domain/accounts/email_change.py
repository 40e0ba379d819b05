"""A new email address for an account: confirmed from its own mailbox before it replaces the old
one, and answered alike whether another account has it.

Were the address changed at once, any signed-in person could learn whether an address has an
account (a taken one was refused) and take one that has none without owning it: its owner's
sign-up would then find it "registered", and reset links for it would reach the taker. So
``request_change`` answers the same in every case and only mails:

- an address no account has gets a single-use link (24 hours); ``confirm_change`` with it makes
  it the account's address, tells the old address, and ends the reset links sent there;
- an address another account has gets that account a notice ("someone tried to add your address
  to another account; nothing changed"), and nothing else happens;
- the account's own address changes nothing.

A newer request replaces an older one (its link stops working). The changes one account asks
for are limited per hour like reset mails (a notice to the address's account counts for the
account that asked); past the limit nothing is mailed and the answer is the same. An address
taken between the request and the link is refused at the link, to whoever holds the new
mailbox: they know it has an account.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
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
ATTEMPT_TEMPLATE = "email_change_attempt"  # to the account that has the address
CHANGED_TEMPLATE = "email_changed"  # to the old address, once the new one is confirmed


@dataclass(frozen=True)
class ChangeRequest:
    """For the audit log only: the caller is answered the same whatever it holds."""

    mailed: bool  # False: the account's own address, or its per-hour mail limit reached
    holder_id: int | None  # another account that has the address (it was sent the notice)


def new_address(value: str) -> str:
    return v.email(value).lower()


async def request_change(
    *, user: User, email: str, confirm_url: str, mails_per_hour: int
) -> ChangeRequest:
    """Start changing ``user``'s address to ``email``; see the module docstring. Both paths
    write a change (the one for a taken address gets no link) and queue one mail, so the work
    done does not tell them apart; the changes a user asked for in the last hour are the limit."""
    address = new_address(email)
    if address == user.email:
        return ChangeRequest(mailed=False, holder_id=None)
    holder = await User.filter(email_index=lookup(User, "email", address)).first()
    now = datetime.now(UTC)
    asked = await EmailChange.filter(user_id=user.id, created_at__gte=now - MAIL_WINDOW).count()
    if asked >= mails_per_hour:
        return ChangeRequest(mailed=False, holder_id=None)
    token = secrets.token_urlsafe(32)
    async with in_transaction():
        await EmailChange.filter(user_id=user.id, used_at=None).update(used_at=now)
        await EmailChange.create(
            user=user,
            new_email=address,
            token_hash=token_hash(token),
            expires_at=now + CHANGE_TTL,
            used_at=None if holder is None else now,  # no link for a taken address
        )
        if holder is None:
            body = {"link": f"{confirm_url}?token={token}", "expires_in_hours": 24}
            await _mail(user, address, CONFIRM_TEMPLATE, body)
        else:
            body = {
                "notice": "someone tried to add this address to another Mandi account; nothing "
                "changed, and your account is as it was.",
            }
            await _mail(holder, holder.email, ATTEMPT_TEMPLATE, body)
    return ChangeRequest(mailed=True, holder_id=None if holder is None else holder.id)


async def _mail(recipient: User, to: str, template: str, body: dict) -> None:
    sealed = secretbox.encrypt(json.dumps(body), context=outbox_context(recipient.id))
    await EmailOutbox.create(
        user=recipient, to_address=to, template=template, body_encrypted=sealed
    )


async def confirm_change(*, token: str) -> tuple[User, str]:
    """Use a change link once: the account's address becomes the new one (returned with the
    old address, which is told). INVALID_TOKEN for a used, replaced or expired link; CONFLICT
    when another account took the address meanwhile."""
    now = datetime.now(UTC)
    found = (
        await EmailChange.filter(token_hash=token_hash(token[:128]), used_at=None)
        .select_related("user")
        .first()
    )
    if found is None or found.expires_at <= now or found.user.status != UserStatus.ACTIVE:
        raise ValidationFailed(
            "this confirmation link is invalid or has expired", code="INVALID_TOKEN"
        )
    user = found.user
    old = user.email
    try:
        async with in_transaction():
            if not await EmailChange.filter(id=found.id, used_at=None).update(used_at=now):
                raise ValidationFailed(
                    "this confirmation link is invalid or has expired", code="INVALID_TOKEN"
                )
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
    return user, old
