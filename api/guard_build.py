"""The guard's plan, built into the schema once at start-up from ``api/type_map.py``.

``plan_schema`` gives every field of every object type its rule, and ``install_guard`` hands
the plan to the executor (``api/guarded_executor.py``), which applies it where each object is
completed; a plain field keeps its own resolver and pays nothing:

- a **personal** field (a personal column of the type's model, or a computed field reading one)
  is checked against its object's decision: allowed, the read is noted for the audit; denied,
  ``null`` with FORBIDDEN at its path and a denied entry;
- an **object** field (returning objects of a model-backed type, or of an interface such as
  ``Node`` whose every implementation is one) has each object it returns decided, as a row of
  its type's model: one that may not be read is "not found" (dropped from a list, or an error at
  its index when the list's items complete one by one, as ``nodes(ids:)``'s do) and a denied
  entry.

So no model-backed object reaches a client without its decision, and no personal value without
its field check and audit note. The schema refuses to build, naming the type or field, when a
type is missing from the map or a field of a type over a model is neither a column of it, nor
an object field, nor a computed field that names the columns it reads.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    GraphQLUnionType,
    get_named_type,
)
from strawberry.schema.schema_converter import GraphQLCoreConverter

from api.guarded_executor import install_gates
from authz.resources import INPUTS, THROUGH_PARENT
from domain.personal import declaration


@dataclass(frozen=True)
class Shows:
    """A GraphQL type over rows of ``model``; ``computed`` names the columns each computed field
    reads (by Python field name)."""

    model: type
    computed: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Holds:
    """A GraphQL type over no model, and why none of its own fields is someone's personal data."""

    reason: str


class GuardBuildError(Exception):
    """The schema exposes something the map does not account for."""


@dataclass(frozen=True)
class FieldRule:
    """What the guard does for one field: ``personal`` (check ``fields`` of the parent's
    ``model``), ``object`` (decide the returned objects of ``model``) or ``plain`` (nothing)."""

    kind: str
    model: type | None = None
    fields: tuple[str, ...] = ()
    why: str = ""


def _definition(gql_type: GraphQLObjectType) -> Any:
    return gql_type.extensions.get("strawberry-definition")


def origin(gql_type: Any) -> type | None:
    """The Python class behind a GraphQL type (a generic's, for ``Connection[Order]``)."""
    definition = _definition(gql_type)
    if definition is None:
        return None
    generic = getattr(definition, "concrete_of", None)
    return generic.origin if generic is not None else getattr(definition, "origin", None)


def type_models(schema: GraphQLSchema, types: Mapping[type, Shows | Holds]) -> dict[str, type]:
    """Each object type over a model, by name, with its model."""
    found: dict[str, type] = {}
    for name, gql_type in schema.type_map.items():
        if isinstance(gql_type, GraphQLObjectType) and not name.startswith("__"):
            shown = types.get(origin(gql_type))  # type: ignore[arg-type]
            if isinstance(shown, Shows):
                found[name] = shown.model
    return found


def _list_depth(gql_type: GraphQLOutputType) -> int:
    depth = 0
    while isinstance(gql_type, (GraphQLNonNull, GraphQLList)):
        if isinstance(gql_type, GraphQLList):
            depth += 1
        gql_type = gql_type.of_type
    return depth


def _columns(model: type) -> set[str]:
    """The model's fields and foreign-key columns (``order`` and ``order_id``), whether or not
    Tortoise has initialized."""
    meta = model._meta  # type: ignore[attr-defined]
    found = set(meta.fields_map) | {meta.pk_attr}
    found |= {f"{name}_id" for name in meta.fk_fields | meta.o2o_fields}
    return found


def _model_of(schema: GraphQLSchema, types: Mapping[type, Shows | Holds], name: str) -> Any:
    gql_type = schema.type_map[name]
    if not isinstance(gql_type, GraphQLObjectType):
        return None
    key = origin(gql_type)
    if name in {"Query", "Mutation", "Subscription"}:
        return Holds("an operation's root")
    found = types.get(key) if key is not None else None
    if found is None:
        raise GuardBuildError(f"GraphQL type {name} is not in api/type_map.py")
    if isinstance(found, Shows) and found.model not in INPUTS and found.model not in THROUGH_PARENT:
        raise GuardBuildError(f"{name} shows {found.model.__name__}: the policy cannot decide it")
    return found


def plan_schema(
    schema: GraphQLSchema, types: Mapping[type, Shows | Holds]
) -> dict[tuple[str, str], FieldRule]:
    """The rule of every field of every object type (raises GuardBuildError on a gap)."""
    plan: dict[tuple[str, str], FieldRule] = {}
    for name, gql_type in schema.type_map.items():
        if name.startswith("__") or not isinstance(gql_type, GraphQLObjectType):
            continue
        owner = _model_of(schema, types, name)
        for field_name, gql_field in gql_type.fields.items():
            plan[(name, field_name)] = _rule(schema, types, name, owner, field_name, gql_field)
    return plan


def _rule(
    schema: GraphQLSchema,
    types: Mapping[type, Shows | Holds],
    type_name: str,
    owner: Shows | Holds,
    field_name: str,
    gql_field: Any,
) -> FieldRule:
    where = f"{type_name}.{field_name}"
    returned = get_named_type(gql_field.type)
    if isinstance(returned, GraphQLObjectType):
        target = _model_of(schema, types, returned.name)
        if isinstance(target, Holds):
            return FieldRule("plain", why=f"returns {returned.name}: {target.reason}")
        if _list_depth(gql_field.type) > 1:
            raise GuardBuildError(f"{where}: lists of lists of objects are not guarded")
        return FieldRule("object", model=target.model)
    if isinstance(returned, GraphQLInterfaceType):
        # Node: each object is decided as a row of its own model (the type it resolves to).
        if _list_depth(gql_field.type) > 1:
            raise GuardBuildError(f"{where}: lists of lists of objects are not guarded")
        for possible in schema.get_possible_types(returned):
            target = _model_of(schema, types, possible.name)
            if not isinstance(target, Shows):
                raise GuardBuildError(
                    f"{where}: {possible.name} implements {returned.name} but shows no model"
                )
        return FieldRule("object", model=None)
    if isinstance(returned, GraphQLUnionType):
        raise GuardBuildError(f"{where}: unions are not guarded yet")
    if isinstance(owner, Holds):
        return FieldRule("plain", why=owner.reason)
    python_name = gql_field.extensions[GraphQLCoreConverter.DEFINITION_BACKREF].python_name
    if python_name in owner.computed:
        reads = owner.computed[python_name]
        unknown = set(reads) - _columns(owner.model)
        if unknown:
            raise GuardBuildError(f"{where} reads {sorted(unknown)}: not columns of the model")
    elif python_name in _columns(owner.model):
        reads = (python_name,)
    else:
        raise GuardBuildError(
            f"{where} is no column of {owner.model.__name__}: declare the columns it reads "
            "in api/type_map.py (computed=...)"
        )
    decl = declaration(owner.model)
    personal = tuple(name for name in reads if decl is not None and name in decl.fields)
    if personal:
        if owner.model in THROUGH_PARENT:
            raise GuardBuildError(f"{where}: personal data of a model the policy cannot decide")
        return FieldRule("personal", model=owner.model, fields=personal)
    return FieldRule("plain", why=f"reads {', '.join(reads)}: not personal data")


def install_guard(
    schema: GraphQLSchema, types: Mapping[type, Shows | Holds]
) -> dict[tuple[str, str], FieldRule]:
    """Give the executor its gates (``api/guarded_executor.py``); returns the plan they apply.

    Objects are decided where graphql-core completes them, so an object field needs no wrapper
    of its own, and a personal field only its entry in its type's gate."""
    plan = plan_schema(schema, types)
    personal: dict[str, dict[str, tuple[str, ...]]] = {}
    for (type_name, field_name), rule in plan.items():
        if rule.kind == "personal":
            personal.setdefault(type_name, {})[field_name] = rule.fields
    install_gates(schema, type_models(schema, types), personal)
    return plan
