"""Oso's data filtering for Tortoise: a policy's answer for a model, as Q objects.

Oso hands ``build_query`` a filter whose ``conditions`` are an OR of ANDs of
``Condition(left, cmp, right)``, each side a ``Projection(model, attribute)`` (attribute None
is the primary key) or a literal. Attributes are the decision inputs of authz/resources.py and
map to their columns. Literal-vs-literal conditions are evaluated here ("nothing allowed"
arrives as ``True Eq False``); a conjunction left empty means "every row".
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce
from typing import Any

from polar.data import DataFilter, Projection
from polar.data.adapter import DataAdapter
from tortoise.expressions import Q
from tortoise.models import Model
from tortoise.queryset import QuerySet

from authz.resources import INPUTS

_NO_ROWS = Q(pk__in=[])


def _literal_holds(left: Any, cmp: str, right: Any) -> bool:
    if cmp == "Eq":
        return bool(left == right)
    if cmp == "Neq":
        return bool(left != right)
    if cmp == "In":
        return left in right
    if cmp == "Nin":
        return left not in right
    raise ValueError(f"unsupported comparison {cmp}")


def _q(lookup: str, value: Any) -> Q:
    return Q(**{lookup: value})


def _column_q(model: type[Model], projection: Projection, cmp: str, value: Any) -> Q:
    if projection.source is not model:
        raise NotImplementedError("the policy compares another model's field: no relations here")
    column = INPUTS[model].column(model, projection.field)
    if isinstance(value, Projection):
        raise NotImplementedError("the policy compares two fields of a row")
    if cmp == "Eq":
        return _q(f"{column}__isnull", True) if value is None else _q(column, value)
    if cmp == "Neq":
        if value is None:
            return _q(f"{column}__isnull", False)
        return _q(f"{column}__not", value) | _q(f"{column}__isnull", True)
    if cmp == "In":
        return _q(f"{column}__in", list(value))
    if cmp == "Nin":
        return _q(f"{column}__not_in", list(value)) | _q(f"{column}__isnull", True)
    raise ValueError(f"unsupported comparison {cmp}")


def conjunction_q(model: type[Model], conditions: list[Any]) -> Q | None:
    """The AND of ``conditions`` as a Q; None when a literal condition is false.

    An empty Q (every condition a true literal) means every row.
    """
    parts: list[Q] = []
    for condition in conditions:
        left, cmp, right = condition.left, condition.cmp, condition.right
        if not isinstance(left, Projection) and not isinstance(right, Projection):
            if not _literal_holds(left, cmp, right):
                return None
            continue
        if not isinstance(left, Projection):
            if cmp not in ("Eq", "Neq"):
                raise NotImplementedError("a literal tested for membership in a field")
            left, right = right, left
        parts.append(_column_q(model, left, cmp, right))
    return Q(*parts, join_type="AND") if parts else Q()


def filter_q(model: type[Model], disjunction: list[list[Any]]) -> Q | None:
    """The OR of the conjunctions; None means every row (no WHERE at all)."""
    alternatives: list[Q] = []
    for conditions in disjunction:
        q = conjunction_q(model, conditions)
        if q is None:
            continue
        if not q.children and not q.filters:
            return None
        alternatives.append(q)
    if not alternatives:
        return _NO_ROWS
    return reduce(lambda a, b: a | b, alternatives)


@dataclass(frozen=True)
class RowFilter:
    """The rows of ``model`` a policy allows: ``q`` None means every row. Reusable, immutable."""

    model: type[Model]
    q: Q | None

    def queryset(self) -> QuerySet[Any]:
        """A fresh lazy QuerySet; the caller adds its filters, counts, pages and awaits it."""
        return self.model.all() if self.q is None else self.model.filter(self.q)


class TortoiseAdapter(DataAdapter):
    """``build_query`` answers a RowFilter, which makes lazy QuerySets (cacheable, unlike them)."""

    def build_query(self, data_filter: DataFilter) -> RowFilter:
        if data_filter.relations:
            raise NotImplementedError("the policy uses relations; Mandi's declares none")
        return RowFilter(data_filter.model, filter_q(data_filter.model, data_filter.conditions))

    def execute_query(self, query: RowFilter) -> list[Any]:
        raise NotImplementedError("Tortoise is asynchronous: await query.queryset() instead")
