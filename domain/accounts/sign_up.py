"""Sign-up that does not tell whether an email address has an account ("check your email").

``request_sign_up`` answers the same for a new address and for one that has an account:

- a new address gets a PENDING account and a mail with a single-use link; the account cannot
  sign in, and the username and address are held, until ``confirm_sign_up`` uses the link;
- an address with an account gets a notice ("someone tried to sign up with your address; sign
  in or reset your password") and nothing else changes;
- an address with a pending, unconfirmed sign-up gets that sign-up replaced by the new one and
  a new link (the old one stops working): whoever reads the mailbox decides, so a stranger who
  signs up first with someone else's address holds nothing.

A taken username is still refused ("this username is taken"): usernames are public handles
(shown to teammates, on tickets), so saying one is taken tells nothing that is not public, and
the answer depends only on the username, never on the address. Only an account's username is
taken, never a pending sign-up's: with its own address the sign-up is renewed, with any other
the new sign-up takes the name over (the pending one is deleted, its link stops working), and
both answer ok. Were a pending sign-up's name "taken", it would tell who has an account: a
sign-up of a new address holds the name it gave, one of a registered address holds nothing, so
the same name tried again (from any address) would answer "taken" for the new one only.

Both paths hash the password (the dominant cost), seal and queue one mail, so their timing
does not tell them apart either (measured in tests/api/test_enumeration.py). Mails to one
address are limited per hour like reset mails; past the limit nothing is mailed or changed and
the answer is the same.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TypeGuard

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from domain import secretbox
from domain.accounts.auth_models import EmailOutbox, SignUpConfirmation
from domain.accounts.models import User, UserStatus
from domain.accounts.passwords import hash_password, verify_password
from domain.accounts.passwords_flow import mails_sent_lately, outbox_context
from domain.accounts.services import user_values
from domain.accounts.sessions import token_hash
from domain.crypto.fields import lookup
from domain.errors import Conflict, ValidationFailed

CONFIRM_TTL = timedelta(hours=24)
CONFIRM_TEMPLATE = "sign_up_confirm"
NOTICE_TEMPLATE = "sign_up_attempt"
SIGN_UP_TEMPLATES = (CONFIRM_TEMPLATE, NOTICE_TEMPLATE)
USERNAME_TAKEN = "this username is taken"


@dataclass(frozen=True)
class SignUpRequest:
    """For the audit log only: the caller answers the same whatever it holds."""

    user: User  # the pending account made (or renewed), or the existing account told
    pending: bool  # True: a pending account; False: an existing account was told
    mailed: bool  # False: the address reached its per-hour mail limit


def _stale(user: User | None, now: datetime) -> TypeGuard[User]:
    return (
        user is not None
        and user.status == UserStatus.PENDING
        and user.created_at <= now - CONFIRM_TTL
    )


async def request_sign_up(
    *,
    username: str,
    email: str,
    full_name: str,
    password: str,
    country: str,
    adult_attested: bool,
    phone: str | None,
    locale: str,
    confirm_url: str,
    sign_in_url: str,
    mails_per_hour: int,
) -> SignUpRequest:
    """Start a sign-up; see the module docstring. Raises only for invalid input or a username
    an account holds (never because of the address)."""
    now = datetime.now(UTC)
    values = user_values(
        username=username,
        email=email,
        full_name=full_name,
        country=country,
        adult_attested=adult_attested,
        phone=phone,
        locale=locale,
        now=now,
    )
    holder = await User.filter(username_index=lookup(User, "username", values["username"])).first()
    owner = await User.filter(email_index=lookup(User, "email", values["email"])).first()
    for stale in {u.id: u for u in (holder, owner) if _stale(u, now)}.values():
        await stale.delete()  # an unconfirmed sign-up past its link frees name and address
        holder = None if holder is not None and holder.id == stale.id else holder
        owner = None if owner is not None and owner.id == stale.id else owner
    renewing = owner is not None and owner.status == UserStatus.PENDING
    password_hash = await hash_password(password)  # on every path: it is most of the time
    own_name = holder is not None and owner is not None and holder.id == owner.id
    if holder is not None and not own_name and holder.status != UserStatus.PENDING:
        raise Conflict(USERNAME_TAKEN, field="username")
    # Another address's unconfirmed sign-up: taken over on every path (see the docstring).
    taken_over = holder if holder is not None and not own_name else None
    token = secrets.token_urlsafe(32)
    if owner is not None and await mails_sent_lately(owner.id, SIGN_UP_TEMPLATES) >= mails_per_hour:
        return SignUpRequest(user=owner, pending=renewing, mailed=False)
    try:
        async with in_transaction():
            if taken_over is not None:
                await taken_over.delete()
            if owner is None:
                user = await User.create(
                    **values, password_hash=password_hash, status=UserStatus.PENDING
                )
            elif renewing:
                user = owner
                user.update_from_dict({**values, "password_hash": password_hash})
                await user.save()
                await User.filter(id=user.id).update(created_at=now)  # its hold starts again
                await SignUpConfirmation.filter(user_id=user.id, used_at=None).update(used_at=now)
            else:
                user = owner
            if owner is None or renewing:
                await SignUpConfirmation.create(
                    user=user, token_hash=token_hash(token), expires_at=now + CONFIRM_TTL
                )
                template = CONFIRM_TEMPLATE
                body = {"link": f"{confirm_url}?token={token}", "expires_in_hours": 24}
            else:
                template = NOTICE_TEMPLATE
                body = {
                    "notice": "someone tried to sign up with this address; it already has an "
                    "account. If it was you, sign in or reset your password.",
                    "sign_in": sign_in_url,
                }
            sealed = secretbox.encrypt(json.dumps(body), context=outbox_context(user.id))
            await EmailOutbox.create(
                user=user, to_address=user.email, template=template, body_encrypted=sealed
            )
    except IntegrityError:  # a concurrent sign-up took the username (or the address) first
        raise Conflict(USERNAME_TAKEN, field="username") from None
    return SignUpRequest(user=user, pending=owner is None or renewing, mailed=True)


async def confirm_sign_up(*, token: str, password: str) -> User:
    """Use a sign-up link once, with the password the sign-up was made with: the pending account
    becomes active.

    The link alone is not enough. Anyone may sign up with someone else's address; if its owner
    then clicked the link, the account would open under the stranger's password, and the
    stranger could sign in to what its owner takes for their own account (pre-account takeover).
    Asking for the password here means only whoever chose it can open the account; the
    mailbox's owner who did not sign up signs up again, which replaces the stranger's sign-up.
    A wrong password leaves the link usable (the sign-in rate limits apply to this field).
    """
    now = datetime.now(UTC)
    found = (
        await SignUpConfirmation.filter(token_hash=token_hash(token[:128]), used_at=None)
        .select_related("user")
        .first()
    )
    invalid = ValidationFailed("this sign-up link is invalid or has expired", code="INVALID_TOKEN")
    usable = (
        found is not None and found.expires_at > now and found.user.status == UserStatus.PENDING
    )
    # One verification on every path, so timing does not tell a live link from a dead one.
    hashed = found.user.password_hash if usable and found is not None else None
    matches = await verify_password(hashed, password)
    if found is None or not usable:
        raise invalid
    if not matches:
        raise ValidationFailed(
            "this is not the password this sign-up was made with; if you did not sign up, "
            "ignore the mail or sign up again with this address",
            field="password",
            code="UNAUTHENTICATED",
        )
    async with in_transaction():
        if not await SignUpConfirmation.filter(id=found.id, used_at=None).update(used_at=now):
            raise invalid
        if not await User.filter(id=found.user_id, status=UserStatus.PENDING).update(
            status=UserStatus.ACTIVE
        ):
            raise invalid
    user = found.user
    user.status = UserStatus.ACTIVE
    return user
