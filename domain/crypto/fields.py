"""Tortoise fields for encrypted values, blind indexes and the per-row id that binds them.

``SealedField`` stores text (or a moment, as ISO-8601 text) sealed under the row's data-subject
key. Sealing happens in ``to_db_value`` with the key ``domain.crypto.at_rest`` fetched before
the save; opening happens after each select, for a whole page at once. A sealed column cannot
be compared in SQL: look-ups go through a ``BlindIndexField``.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from tortoise import fields

from domain.crypto import sealing


def new_row_uid() -> str:
    return uuid.uuid4().hex


class RowUidField(fields.CharField):
    """A random id given to a row before its INSERT: the row part of every value's associated
    data (an autoincrement id is unknown until after the INSERT)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("default", new_row_uid)
        kwargs["max_length"] = 32
        super().__init__(**kwargs)


class Cleartext(str):
    """A value stored in clear on purpose, and allowed in a bulk update where a personal value
    is refused: what erasure leaves in a field (a placeholder, or a value the law keeps once no
    name is attached to it, which the destroyed key must not take with it)."""


class SealedField(fields.TextField):
    """A personal value encrypted at rest. ``moment=True`` holds a timezone-aware datetime."""

    def __init__(self, moment: bool = False, **kwargs: Any) -> None:
        self.moment = moment
        super().__init__(**kwargs)

    def to_db_value(self, value: Any, instance: Any) -> str | None:
        if value is None or sealing.is_sealed(value):
            return value
        if isinstance(value, Cleartext):
            return str(value)
        if instance is None or isinstance(instance, type):
            raise TypeError(
                f"{self.model_field_name} is encrypted: compare it through its blind index and "
                "change it on an instance, not in a bulk update"
            )
        text = value.isoformat() if isinstance(value, datetime) else str(value)
        key_id, aes = instance.__dict__.get("_mandi_key", (None, None))
        if aes is None:
            raise RuntimeError(f"no data key was prepared for {type(instance).__name__}")
        meta = instance._meta
        associated = sealing.aad(
            meta.db_table, self.source_field or self.model_field_name, instance.row_uid
        )
        return sealing.seal(aes, key_id, text, associated)

    def to_python_value(self, value: Any) -> Any:
        if self.moment and isinstance(value, str) and not sealing.is_sealed(value):
            return datetime.fromisoformat(value)
        return value


class BlindIndexField(fields.CharField):
    """HMAC-SHA-256 of another field's normalised value, computed on every save."""

    def __init__(self, source: str, **kwargs: Any) -> None:
        self.source = source
        kwargs["max_length"] = 64
        super().__init__(**kwargs)

    def to_db_value(self, value: Any, instance: Any) -> str | None:
        if instance is None or isinstance(instance, type):
            return value  # a filter value or a bulk update: already an index (``lookup``)
        meta = instance._meta
        clear = getattr(instance, self.source)
        return sealing.blind_index(
            meta.db_table, self.source, None if clear is None else str(clear)
        )


def lookup(model: type, field: str, value: str | None) -> str | None:
    """The blind index to filter ``model`` by ``field == value`` (e.g. ``email_index=...``)."""
    return sealing.blind_index(model._meta.db_table, field, value)  # type: ignore[attr-defined]
