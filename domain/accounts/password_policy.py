"""What a password must be: long enough, not too long, and not a common password."""

from __future__ import annotations

from functools import lru_cache

from domain.errors import ValidationFailed

MIN_LENGTH = 10
MAX_LENGTH = 256


@lru_cache(maxsize=1)
def _common() -> frozenset[str]:
    # zxcvbn ships the 30,000 most common passwords from real leaks.
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def check_password(
    password: str, *, personal: tuple[str, ...] = (), field: str = "password"
) -> str:
    """Return ``password`` if acceptable, else raise ``ValidationFailed`` saying why."""
    if len(password) < MIN_LENGTH:
        raise ValidationFailed(f"must be at least {MIN_LENGTH} characters", field=field)
    if len(password) > MAX_LENGTH:
        raise ValidationFailed(f"must be at most {MAX_LENGTH} characters", field=field)
    lowered = password.lower()
    if lowered in _common() or len(set(lowered)) < 4:
        raise ValidationFailed("is too common; choose a passphrase of your own", field=field)
    if any(part and len(part) >= 4 and part.lower() in lowered for part in personal):
        raise ValidationFailed("must not contain your username or email", field=field)
    return password
