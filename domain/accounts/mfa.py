"""TOTP second factor (pyotp): enrolment, verification without replays, recovery codes."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
import unicodedata
from datetime import UTC, datetime

import pyotp
from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from domain import secretbox
from domain.accounts.auth_models import RecoveryCode
from domain.accounts.models import User
from domain.errors import Conflict, ValidationFailed

ISSUER = "Mandi"
RECOVERY_CODES = 10
_STEP = 30
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def _context(user: User) -> str:
    return f"user:{user.id}:mfa"


def _secret(user: User) -> str:
    if not user.mfa_secret_encrypted:
        raise ValidationFailed(
            "no authenticator is enrolled", field="code", code="MFA_NOT_ENROLLED"
        )
    return secretbox.decrypt(user.mfa_secret_encrypted, context=_context(user))


def _code_hash(code: str) -> str:
    return hashlib.sha256(code.replace("-", "").strip().lower().encode()).hexdigest()


def totp_code(code: str) -> str | None:
    """``code`` as six ASCII digits (full-width digits folded by NFKC), else None."""
    code = unicodedata.normalize("NFKC", code).strip()
    return code if len(code) == 6 and code.isascii() and code.isdigit() else None


def _matching_step(secret: str, code: str, now: float) -> int | None:
    """The time step (current, previous or next) whose code equals ``code``."""
    ascii_code = totp_code(code)
    if ascii_code is None:
        return None
    code = ascii_code
    totp = pyotp.TOTP(secret)
    current = int(now // _STEP)
    for step in (current, current - 1, current + 1):
        if hmac.compare_digest(totp.at(step * _STEP), code):
            return step
    return None


async def begin_enrolment(user: User) -> tuple[str, str]:
    """A new secret (pending until confirmed) and its provisioning URI for authenticator apps."""
    if user.mfa_enabled_at is not None:
        raise Conflict("an authenticator is already enrolled", field="code")
    secret = pyotp.random_base32()
    user.mfa_secret_encrypted = secretbox.encrypt(secret, context=_context(user))
    await user.save(update_fields=["mfa_secret_encrypted"])
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=ISSUER)
    return secret, uri


async def confirm_enrolment(user: User, code: str) -> list[str]:
    """Turn MFA on once the first code is right; returns the recovery codes, shown once."""
    if user.mfa_enabled_at is not None:
        raise Conflict("an authenticator is already enrolled", field="code")
    step = _matching_step(_secret(user), code.strip(), time.time())
    if step is None:
        raise ValidationFailed("the code is not right", field="code", code="MFA_INVALID")
    async with in_transaction():
        user.mfa_enabled_at = datetime.now(UTC)
        user.mfa_last_step = step
        await user.save(update_fields=["mfa_enabled_at", "mfa_last_step"])
        codes = await _replace_recovery_codes(user)
    return codes


async def _replace_recovery_codes(user: User) -> list[str]:
    await RecoveryCode.filter(user_id=user.id).delete()
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(_ALPHABET) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    await RecoveryCode.bulk_create(
        [RecoveryCode(user_id=user.id, code_hash=_code_hash(code)) for code in codes]
    )
    return codes


async def regenerate_recovery_codes(user: User) -> list[str]:
    if user.mfa_enabled_at is None:
        raise ValidationFailed("no authenticator is enrolled", code="MFA_NOT_ENROLLED")
    async with in_transaction():
        return await _replace_recovery_codes(user)


async def verify_totp(user: User, code: str, *, now: float | None = None) -> bool:
    """True for a right code not used before: each time step is accepted once (no replays)."""
    step = _matching_step(_secret(user), code.strip(), time.time() if now is None else now)
    if step is None:
        return False
    fresh = Q(mfa_last_step__isnull=True) | Q(mfa_last_step__lt=step)
    claimed = await User.filter(Q(id=user.id) & fresh).update(mfa_last_step=step)
    return claimed == 1


async def use_recovery_code(user: User, code: str) -> bool:
    """True once per recovery code."""
    used = await RecoveryCode.filter(
        user_id=user.id, code_hash=_code_hash(code), used_at=None
    ).update(used_at=datetime.now(UTC))
    return used == 1


async def verify_second_factor(user: User, code: str) -> bool:
    totp = totp_code(code)
    if totp is not None:
        return await verify_totp(user, totp)
    return await use_recovery_code(user, unicodedata.normalize("NFKC", code).strip())


async def disable(user: User, code: str) -> None:
    """Turn MFA off; needs a current code (or a recovery code)."""
    if user.mfa_enabled_at is None:
        raise ValidationFailed("no authenticator is enrolled", code="MFA_NOT_ENROLLED")
    if not await verify_second_factor(user, code):
        raise ValidationFailed("the code is not right", field="code", code="MFA_INVALID")
    async with in_transaction():
        await User.filter(id=user.id).update(
            mfa_secret_encrypted=None, mfa_enabled_at=None, mfa_last_step=None
        )
        await RecoveryCode.filter(user_id=user.id).delete()
    user.mfa_secret_encrypted = user.mfa_enabled_at = user.mfa_last_step = None
