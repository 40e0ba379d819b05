"""Correction (GDPR Art. 16): a person's own fields, or a buyer's through their seller.

Only the fields given change; the caller learns which did (the audit entry names them, never
their values). A correction closes the person's open correction request, if any.
"""

from __future__ import annotations

from typing import Any

from tortoise.exceptions import IntegrityError

from domain import validation as v
from domain.accounts.models import User
from domain.errors import Conflict
from domain.orders.models import Customer
from domain.privacy.models import GrantSubject
from domain.privacy.request_models import RequestType
from domain.privacy.requests import complete, find_open

_USER_FIELDS = {
    "full_name": lambda value: v.text(value, field="fullName", max_length=200),
    "phone": lambda value: v.phone(value) if value else None,
    "country": lambda value: v.country(value),
    "locale": lambda value: v.locale(value),
}
_CUSTOMER_FIELDS = {
    "name": lambda value: v.text(value, field="name", max_length=200),
    "email": lambda value: v.email(value).lower() if value else None,
    "phone": lambda value: v.phone(value) if value else None,
}


def _changes(obj: Any, given: dict[str, Any], rules: dict[str, Any]) -> dict[str, Any]:
    """The validated new values of the fields that actually change."""
    cleaned = {name: rules[name](value) for name, value in given.items()}
    return {name: value for name, value in cleaned.items() if getattr(obj, name) != value}


def user_changes(user: User, given: dict[str, Any]) -> dict[str, Any]:
    return _changes(user, given, _USER_FIELDS)


def customer_changes(customer: Customer, given: dict[str, Any]) -> dict[str, Any]:
    return _changes(customer, given, _CUSTOMER_FIELDS)


async def apply(
    obj: User | Customer, changes: dict[str, Any], *, actor_id: int | None
) -> list[str]:
    """Write ``changes`` (from ``user_changes``/``customer_changes``); returns the field names."""
    if not changes:
        return []
    for name, value in changes.items():
        setattr(obj, name, value)
    try:
        await obj.save(update_fields=list(changes))
    except IntegrityError:
        raise Conflict("that email address is taken", field="email") from None
    await close_request(obj, list(changes), actor_id=actor_id)
    return sorted(changes)


async def close_request(obj: User | Customer, changed: list[str], *, actor_id: int | None) -> None:
    """Complete the person's open correction request, if any, naming the fields ``changed``."""
    kind = GrantSubject.USER if isinstance(obj, User) else GrantSubject.CUSTOMER
    request = await find_open(
        kind=RequestType.CORRECTION, subject_kind=kind, subject_id=obj.id, purpose=None
    )
    if request is not None:
        await complete(
            request=request, actor_id=actor_id, note="corrected: " + ", ".join(sorted(changed))
        )
