"""Where a person's data lives, derived from the personal-data declaration (no second list).

Three kinds of row are a person's:
- rows of every model whose declaration names the person's kind as subject (their personal
  fields are the declared ones),
- privacy records about them (models with ``subject_kind`` / ``subject_id`` columns),
- rows linking them to something (a foreign key named after their kind: memberships, roles).
Export, erasure and the test that proves both cover the declaration walk this one map.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from tortoise.models import Model

from domain import db
from domain.crypto.fields import BlindIndexField, RowUidField
from domain.personal import Category, declaration


@dataclass(frozen=True)
class Holding:
    name: str
    model: type[Model]
    where: Mapping[str, Any]
    personal: Mapping[str, Category] = field(default_factory=dict)
    role: str = "declared"  # "declared", "privacy_record" or "link"

    def rows(self) -> Any:
        return self.model.filter(**self.where)


def _columns(model: type[Model]) -> set[str]:
    return set(model._meta.fields_db_projection)


def holdings(kind: str, subject_id: int) -> Iterator[Holding]:
    """Every place that holds data of the person (``kind`` "user" or "customer")."""
    for name, model in sorted(db.models().items()):
        decl = declaration(model)
        subject = decl.subject if decl is not None else None
        columns = _columns(model)
        if decl is not None and subject is not None and decl.is_personal and subject.holds(kind):
            where: dict[str, Any] = {subject.via: subject_id, **subject.when}
            if subject.kind_via is not None:
                where[subject.kind_via] = kind
            yield Holding(name, model, where, decl.fields)
        elif {"subject_kind", "subject_id"} <= columns:
            yield Holding(
                name, model, {"subject_kind": kind, "subject_id": subject_id}, role="privacy_record"
            )
        elif f"{kind}_id" in columns and kind in model._meta.fk_fields:
            yield Holding(name, model, {f"{kind}_id": subject_id}, role="link")


def columns_of(model: type[Model]) -> list[str]:
    """The model's stored attributes in declaration order (foreign keys as ``*_id``), without
    the machinery of encryption at rest (row ids for sealing, blind indexes), which holds
    nothing the person gave or could read."""
    fields_map = model._meta.fields_map
    return [
        name
        for name in model._meta.fields_db_projection
        if not isinstance(fields_map.get(name), RowUidField | BlindIndexField)
    ]
