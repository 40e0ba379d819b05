"""Opaque global ids ("Product:42" in URL-safe base64) so clients never build ids themselves."""

from __future__ import annotations

import base64
import binascii

from domain.errors import NotFound


def encode(type_name: str, pk: int) -> str:
    return base64.urlsafe_b64encode(f"{type_name}:{pk}".encode()).decode().rstrip("=")


def decode(global_id: str, type_name: str, *, field: str = "id") -> int:
    """The primary key inside ``global_id``; an id of another type or garbage is "not found"."""
    try:
        raw = base64.urlsafe_b64decode(global_id + "=" * (-len(global_id) % 4)).decode()
        kind, _, pk = raw.partition(":")
        value = int(pk)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise NotFound(type_name, field=field) from None
    if kind != type_name or not 0 < value < 2**63:
        raise NotFound(type_name, field=field)
    return value
