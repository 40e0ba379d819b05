"""Opaque global ids ("Product:42" in URL-safe base64) so clients never build ids themselves."""

from __future__ import annotations

import base64
import binascii

from tortoise import fields

from domain import db
from domain.errors import NotFound

_PK_LIMITS = ((fields.BigIntField, 2**63 - 1), (fields.SmallIntField, 2**15 - 1))
_INT_LIMIT = 2**31 - 1


def encode(type_name: str, pk: int) -> str:
    return wrap(f"{type_name}:{pk}")


def wrap(text: str) -> str:
    """``text`` as an opaque token: URL-safe base64 without padding (ids, cursors)."""
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def unwrap(token: str) -> str | None:
    """The text inside a token ``wrap`` made, or None. Only ``wrap``'s own spelling opens: the
    base64 decoder skips characters outside its alphabet, ignores padding and the unused bits
    of the last character, so "T3JkZXI6Nw!!" and "T3JkZXI6Nx" would name Order:7 too."""
    try:
        text = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    return text if wrap(text) == token else None


def largest_pk(type_name: str) -> int:
    """The largest key the model's primary-key column can hold; beyond it the database errs."""
    model = db.models().get(type_name)
    pk_field = model._meta.pk if model is not None else None
    for field_class, limit in _PK_LIMITS:
        if isinstance(pk_field, field_class):
            return limit
    return _INT_LIMIT


def canonical_key(pk: str) -> bool:
    """Whether ``pk`` is a key as ``encode`` spells it: one spelling per object ("Order:07" is
    not "Order:7"), positive, at most 19 digits."""
    return pk.isascii() and pk.isdigit() and len(pk) <= 19 and not pk.startswith("0")


def decode(global_id: str, type_name: str, *, field: str = "id") -> int:
    """The primary key inside ``global_id``; an id of another type or garbage is "not found"."""
    raw = unwrap(global_id)
    if raw is None:
        raise NotFound(type_name, field=field)
    kind, _, pk = raw.partition(":")
    if kind != type_name or not canonical_key(pk) or int(pk) > largest_pk(type_name):
        raise NotFound(type_name, field=field)
    return int(pk)
