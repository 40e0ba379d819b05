"""Decisions: may this principal do an action on an object, which fields, which rows.

The rules live in the Oso policy (authz/policies/*.polar, deny by default); these functions ask
it on an object's decision inputs (authz/resources.py), through a request's cached
``authz.decisions.Decisions``. The API reaches them only through ``api/access.py``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from tortoise.models import Model
from tortoise.queryset import QuerySet

from authz import engine
from authz.decisions import READ, Decisions, guarded_fields
from authz.principal import Principal
from authz.resources import INPUTS


class Denied(Exception):
    """The principal may not do this; ``found`` is False when it may not even see the object."""

    def __init__(self, *, found: bool) -> None:
        super().__init__("not found" if not found else "forbidden")
        self.found = found


def check_action(decisions: Decisions, action: str, obj: Any) -> None:
    """Raise ``Denied`` unless allowed; ``found=False`` when the object is not even readable."""
    if decisions.allows(action, obj):
        return
    raise Denied(found=decisions.allows(READ, obj))


def check_fields(decisions: Decisions, action: str, obj: Any, fields: Iterable[str]) -> list[str]:
    """The guarded fields among ``fields`` the principal may not ``action`` on ``obj``."""
    guarded = [name for name in fields if name in guarded_fields(type(obj))]
    if not guarded:
        return []
    allowed = decisions.fields_for(action, obj)
    return [name for name in guarded if allowed is not None and name not in allowed]


def readable_query(
    principal: Principal, model: type[Model], *, action: str = READ
) -> QuerySet[Any]:
    """A lazy QuerySet of only the rows of ``model`` the principal may ``action``.

    Derived from the same policy as the per-object decisions (Oso data filtering); a model that
    is no resource of the policy has no rows for anyone.
    """
    if model not in INPUTS:
        return model.filter(pk__in=[])
    return engine.row_filter(principal, action, model).queryset()
