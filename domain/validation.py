"""Validators for the values Mandi accepts. Each raises ``ValidationFailed`` naming the field."""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation

from domain.errors import ValidationFailed

_GSTIN_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_GSTIN_RE = re.compile(r"^[0-9]{2}[A-Z]{5}[0-9]{4}[A-Z][1-9A-Z]Z[0-9A-Z]$")
_EMAIL_RE = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
_PHONE_RE = re.compile(r"^\+[1-9][0-9]{6,14}$")
_COUNTRY_RE = re.compile(r"^[A-Z]{2}$")
_CURRENCY_RE = re.compile(r"^[A-Z]{3}$")
_HSN_RE = re.compile(r"^[0-9]{4}([0-9]{2}){0,2}$")
_SKU_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]*$")
_USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{2,39}$")
_LOCALE_RE = re.compile(r"^[a-z]{2,3}(-[A-Z]{2})?$")
GST_RATES = frozenset(Decimal(r) for r in ("0", "0.25", "3", "5", "12", "18", "28"))
MAX_MONEY = Decimal("99999999.99")
# The earliest time an order or a breach may be dated: earlier is a typo or a client's zero value
# (0001-01-01), and the deadlines counted from it would be off by centuries.
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)


def gstin_check_char(first14: str) -> str:
    """The GSTIN check character for the first 14 characters (mod-36, alternating weights)."""
    total = 0
    for index, char in enumerate(first14):
        product = _GSTIN_ALPHABET.index(char) * (2 if index % 2 else 1)
        total += product // 36 + product % 36
    return _GSTIN_ALPHABET[(36 - total % 36) % 36]


def gstin(value: str, *, field: str = "gstin") -> str:
    value = value.strip().upper()
    if not _GSTIN_RE.match(value) or gstin_check_char(value[:14]) != value[14]:
        raise ValidationFailed("not a valid GSTIN", field=field)
    return value


def text(value: str, *, field: str, max_length: int, min_length: int = 1) -> str:
    value = unicodedata.normalize("NFC", value).strip()
    if len(value) < min_length:
        raise ValidationFailed("must not be empty", field=field)
    if len(value) > max_length:
        raise ValidationFailed(f"must be at most {max_length} characters", field=field)
    if any(ord(c) < 32 and c not in "\n\t" for c in value):
        raise ValidationFailed("must not contain control characters", field=field)
    return value


def reason(value: str | None, *, field: str, min_length: int, max_length: int, ask: str) -> str:
    """A stated reason (an extension, a denial, a lift): whitespace collapsed, invisible
    characters (format marks such as U+202E or zero-width spaces) dropped, and at least
    ``min_length`` visible characters, so a reason cannot be made of nothing the person can read.
    ``ask`` starts the error ("give the reason"); the limits are appended."""
    visible = "".join(c for c in value or "" if unicodedata.category(c) not in ("Cf", "Cc", "Co"))
    cleaned = " ".join(unicodedata.normalize("NFC", visible).split())
    if not min_length <= len(cleaned) <= max_length:
        raise ValidationFailed(f"{ask} in {min_length} to {max_length} characters", field=field)
    return cleaned


def optional_text(value: str | None, *, field: str, max_length: int) -> str | None:
    if value is None or not value.strip():
        return None
    return text(value, field=field, max_length=max_length)


def email(value: str, *, field: str = "email") -> str:
    value = value.strip()
    if len(value) > 254 or not _EMAIL_RE.match(value):
        raise ValidationFailed("not a valid email address", field=field)
    local, _, domain = value.rpartition("@")
    return f"{local}@{domain.lower()}"


def phone(value: str, *, field: str = "phone") -> str:
    compact = re.sub(r"[\s()-]", "", value)
    if not _PHONE_RE.match(compact):
        raise ValidationFailed(
            "phone must be in international format, e.g. +919812345678", field=field
        )
    return compact


def country(value: str, *, field: str = "country") -> str:
    value = value.strip().upper()
    if not _COUNTRY_RE.match(value):
        raise ValidationFailed("country must be an ISO 3166-1 alpha-2 code", field=field)
    return value


def currency(value: str, *, field: str = "currency") -> str:
    value = value.strip().upper()
    if not _CURRENCY_RE.match(value):
        raise ValidationFailed("currency must be an ISO 4217 code", field=field)
    return value


def locale(value: str, *, field: str = "locale") -> str:
    if not _LOCALE_RE.match(value):
        raise ValidationFailed("locale must look like 'en' or 'en-IN'", field=field)
    return value


def username(value: str, *, field: str = "username") -> str:
    value = value.strip().lower()
    if not _USERNAME_RE.match(value):
        raise ValidationFailed(
            "username: 3-40 of a-z, 0-9, '.', '_', '-', starting with a letter or digit",
            field=field,
        )
    return value


def sku(value: str, *, field: str = "sku", max_length: int = 64) -> str:
    value = value.strip()
    if not 1 <= len(value) <= max_length or not _SKU_RE.match(value):
        raise ValidationFailed(
            f"{field}: 1-{max_length} of letters, digits, '.', '_', '/', '-'", field=field
        )
    return value


def hsn_code(value: str, *, field: str = "hsnCode") -> str:
    value = value.strip()
    if not _HSN_RE.match(value):
        raise ValidationFailed("HSN code must have 4, 6 or 8 digits", field=field)
    return value


def decimal_text(text: str) -> Decimal:
    """The decimal ``text`` spells in ASCII; ``InvalidOperation`` (a ``ValueError``) otherwise.
    Python's ``Decimal`` also reads any Unicode digit ("١٢" is 12) and underscores ("1_0" is
    10). The words NaN and Infinity pass as what they are, for ``number`` to refuse by name."""
    if not text.isascii() or "_" in text:
        raise InvalidOperation(f"not an ASCII decimal: {text!r}")
    return Decimal(text)


def number(value: Decimal | str, *, field: str) -> Decimal:
    """A finite decimal, negative zero made zero (it would be stored and shown as "-0.00")."""
    try:
        amount = decimal_text(value) if isinstance(value, str) else Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationFailed("not a number", field=field) from None
    if not amount.is_finite():  # NaN, sNaN, Infinity: Decimals, but no numbers
        raise ValidationFailed("not a number", field=field)
    return amount.copy_abs() if amount.is_zero() else amount


def gst_rate(value: Decimal | str, *, field: str = "gstRate") -> Decimal:
    rate = number(value, field=field)
    if rate not in GST_RATES:
        rates = ", ".join(str(r) for r in sorted(GST_RATES))
        raise ValidationFailed(f"GST rate must be one of {rates}", field=field)
    return rate.quantize(Decimal("0.01"))


def money(value: Decimal | str, *, field: str, allow_zero: bool = True) -> Decimal:
    amount = number(value, field=field)
    if amount.as_tuple().exponent < -2:  # type: ignore[operator]  # an int once finite
        raise ValidationFailed("must have at most two decimal places", field=field)
    if amount < 0 or (amount == 0 and not allow_zero) or amount > MAX_MONEY:
        raise ValidationFailed(f"must be between 0 and {MAX_MONEY}", field=field)
    return amount.quantize(Decimal("0.01"))


def quantity(value: int, *, field: str = "quantity", low: int = 1, high: int = 100_000) -> int:
    if not low <= value <= high:
        raise ValidationFailed(f"must be between {low} and {high}", field=field)
    return value


def moment(value: datetime, *, field: str, earliest: datetime, latest_ahead: timedelta) -> datetime:
    """An aware time between ``earliest`` and ``latest_ahead`` from now; naive means UTC."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    if not earliest <= value <= datetime.now(UTC) + latest_ahead:
        raise ValidationFailed(
            f"must be after {earliest:%Y-%m-%d} and not in the future", field=field
        )
    return value
