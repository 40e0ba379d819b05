"""The guard inside graphql-core's executor: every object is decided where it is completed.

graphql-core completes every object value the same way, whichever field returned it (a root
look-up, a nested relation, a list item, an interface, a mutation's payload): it collects the
selected fields of the object's type and runs ``execute_fields`` on the object. That one step is
the gate (``GuardedExecutor.execute_fields``), for every type over a model (``api/type_map.py``):

- the object is decided as a row of the type's model (once per object and request,
  ``api/guard.py``); one that may not be read is "not found": NOT_FOUND at the path of the field
  that returned it, and a denied entry;
- the personal fields selected on it are checked together against that decision; the allowed
  ones are noted for the audit in one step, and each denied one is answered ``null`` with
  FORBIDDEN at its path and a denied entry (the object's fields run on a copy of its type whose
  denied fields refuse: ``_Gate.shadow``).

Before a list of such objects is completed, the objects that may not be read are dropped from it
(``complete_list_value``) with their denied entries; items still to be awaited (``nodes(ids:)``)
reach the gate one by one, so an unreadable one is an error at its index.

So no object of a model-backed type reaches a client without its decision, nor a personal value
without its check and audit note, and a field of an object that may be read, personal or not,
runs its own resolver with no wrapper around it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Mapping
from dataclasses import dataclass, field
from types import CoroutineType
from typing import Any, TypeGuard

from graphql import (
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
)
from strawberry.execution import optimized_is_awaitable
from tortoise.models import Model

from api.error_phases import PhasedExecutor
from api.errors import ForbiddenError, NotFoundError
from audit.models import Outcome

GATES = "mandi-gates"  # the schema's extensions key: GraphQL type -> its _Gate
LIST_GATES = "mandi-list-gates"  # item type -> the model its items are decided as (None: own)


@dataclass
class _Gate:
    """What completing an object of one GraphQL type over ``model`` checks: ``personal`` maps
    each personal field (GraphQL name) to the model's columns it reads."""

    gql_type: GraphQLObjectType
    model: type
    personal: Mapping[str, tuple[str, ...]]
    # (selected personal fields, allowed fields) -> (columns to note, fields refused)
    _outcomes: dict[tuple[tuple[str, ...], Any], tuple[tuple[str, ...], frozenset[str]]] = field(
        default_factory=dict
    )
    _shadows: dict[frozenset[str], GraphQLObjectType] = field(default_factory=dict)

    def outcome(
        self, selected: tuple[str, ...], allowed: frozenset[str] | None
    ) -> tuple[tuple[str, ...], frozenset[str]]:
        """The columns read by the allowed fields of ``selected``, and the fields refused."""
        key = (selected, allowed)
        found = self._outcomes.get(key)
        if found is None:
            columns: set[str] = set()
            refused = set()
            for name in selected:
                reads = self.personal[name]
                if allowed is None or all(column in allowed for column in reads):
                    columns.update(reads)
                else:
                    refused.add(name)
            found = self._outcomes[key] = (tuple(sorted(columns)), frozenset(refused))
        return found

    def shadow(self, refused: frozenset[str]) -> GraphQLObjectType:
        """A copy of the type whose ``refused`` fields answer FORBIDDEN (made once per set)."""
        found = self._shadows.get(refused)
        if found is None:
            fields = dict(self.gql_type.fields)
            for name in refused:
                kwargs = fields[name].to_kwargs()
                kwargs["resolve"] = _refuse(self.model, self.personal[name])
                fields[name] = GraphQLField(**kwargs)
            kwargs = self.gql_type.to_kwargs()
            kwargs["fields"] = fields
            found = self._shadows[refused] = GraphQLObjectType(**kwargs)
        return found


def _refuse(model: type, columns: tuple[str, ...]) -> Any:
    def refuse(root: Any, info: Any, **_: Any) -> Any:
        context = info.context
        guard = context.guard
        context.audit.note(
            "read", **guard.describe(root, model), fields=columns, outcome=Outcome.DENIED
        )
        raise ForbiddenError(f"not allowed to read {info.field_name}")

    return refuse


def install_gates(
    schema: GraphQLSchema,
    models: Mapping[str, type],
    personal: Mapping[str, Mapping[str, tuple[str, ...]]],
) -> None:
    """Give the executor the gate of each type over a model (``models``: type name -> model;
    ``personal``: type name -> personal field -> the columns it reads)."""
    gates: dict[GraphQLObjectType, _Gate] = {}
    for name, model in models.items():
        gql_type = schema.type_map[name]
        assert isinstance(gql_type, GraphQLObjectType)
        gates[gql_type] = _Gate(gql_type, model, dict(personal.get(name, {})))
    lists: dict[Any, type | None] = {gql_type: gate.model for gql_type, gate in gates.items()}
    for gql_type in schema.type_map.values():
        if isinstance(gql_type, GraphQLInterfaceType):
            possible = schema.get_possible_types(gql_type)
            if possible and all(p in gates for p in possible):
                lists[gql_type] = None  # each item decided as a row of its own model
    schema.extensions = {**(schema.extensions or {}), GATES: gates, LIST_GATES: lists}


_PLAIN = frozenset({type(None), bool, int, float, str, bytes, list, tuple, dict, set, frozenset})


def is_awaitable(value: Any) -> TypeGuard[Awaitable[Any]]:
    """Strawberry's test, except that a row is a value: a Tortoise model defines ``__await__``
    (awaiting a row returns the row), so every row a resolver returned, and every row of a
    list, was completed as a coroutine of its own."""
    if type(value) in _PLAIN:
        return False
    if type(value) is CoroutineType:
        return True
    return not isinstance(value, Model) and optimized_is_awaitable(value)


class GuardedExecutor(PhasedExecutor):
    """graphql-core's execution with the guard at the one step every object goes through."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.is_awaitable = is_awaitable
        extensions = self.schema.extensions or {}
        self._gates: dict[GraphQLObjectType, _Gate] = extensions.get(GATES, {})
        self._list_gates: dict[Any, type | None] = extensions.get(LIST_GATES, {})
        # id(grouped field set) -> (the set, kept alive so its id is not reused; its personal
        # fields of the gate's type, by GraphQL name)
        self._selected: dict[int, tuple[Any, tuple[str, ...]]] = {}

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Any,
        grouped_field_set: Any,
        position_context: Any,
    ) -> Any:
        gate = self._gates.get(parent_type)
        if gate is not None:
            parent_type = self._admit(gate, source_value, grouped_field_set)
        return super().execute_fields(
            parent_type, source_value, path, grouped_field_set, position_context
        )

    def _admit(self, gate: _Gate, obj: Any, grouped_field_set: Any) -> GraphQLObjectType:
        """Decide ``obj``; note its selected personal fields; the type to run its fields on."""
        context = self.context_value
        guard = context.guard
        decision = guard.decision(obj, gate.model)
        if not decision.readable:
            context.audit.note("read", **guard.describe(obj, gate.model), outcome=Outcome.DENIED)
            if context.written.get(id(obj)) is obj:  # the caller's own write: no secret
                raise ForbiddenError(
                    f"the change was applied, but you may not read this {gate.model.__name__}"
                )
            raise NotFoundError(gate.model.__name__)
        if not gate.personal:
            return gate.gql_type
        held = self._selected.get(id(grouped_field_set))
        if held is None or held[0] is not grouped_field_set:
            names = {details[0].node.name.value for details in grouped_field_set.values()}
            selected = tuple(sorted(names & gate.personal.keys()))
            held = self._selected[id(grouped_field_set)] = (grouped_field_set, selected)
        if not held[1]:
            return gate.gql_type
        columns, refused = gate.outcome(held[1], decision.fields)
        if columns:
            context.audit.read(obj, columns, guard.describe, gate.model)
        return gate.shadow(refused) if refused else gate.gql_type

    def complete_list_value(
        self,
        return_type: GraphQLList,
        field_details_list: Any,
        info: Any,
        path: Any,
        result: Any,
        position_context: Any,
    ) -> Any:
        item_type = return_type.of_type
        if isinstance(item_type, GraphQLNonNull):
            item_type = item_type.of_type
        if item_type in self._list_gates and isinstance(result, (list, tuple)):
            result = self._readable(self._list_gates[item_type], result)
        return super().complete_list_value(
            return_type, field_details_list, info, path, result, position_context
        )

    def _readable(self, model: type | None, items: list[Any] | tuple[Any, ...]) -> list[Any]:
        """The items that may be read (and those still to be awaited: the gate decides them)."""
        context = self.context_value
        guard = context.guard
        kept = []
        for obj in items:
            if obj is None or is_awaitable(obj) or guard.decision(obj, model).readable:
                kept.append(obj)
            else:
                context.audit.note("read", **guard.describe(obj, model), outcome=Outcome.DENIED)
        return kept
