"""The guard, compiled into the schema once at start-up from ``api/type_map.py``.

``install_guard`` walks every field of every object type and wraps the resolvers that need a
decision; every other field keeps its own resolver and pays nothing:

- a **personal** field (a personal column of the type's model, or a computed field reading one)
  checks the field rule on its parent: allowed, the read is noted for the audit; denied,
  ``null`` with FORBIDDEN at its path and a denied entry;
- an **object** field (returning objects of a model-backed type, or of an interface such as
  ``Node`` whose every implementation is one) decides each object it returns, as a row of its
  model: one that may not be read is "not found" (dropped from a list, or an error at its index
  when the list's items complete one by one, as ``nodes(ids:)``'s do) and a denied entry.

So no model-backed object reaches a client without its decision, and no personal value without
its field check and audit note. The schema refuses to build, naming the type or field, when a
type is missing from the map or a field of a type over a model is neither a column of it, nor
an object field, nor a computed field that names the columns it reads.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from inspect import isawaitable
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

from api.errors import ForbiddenError, NotFoundError
from audit.models import Outcome
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


Resolver = Callable[..., Any]


def _definition(gql_type: GraphQLObjectType) -> Any:
    return gql_type.extensions.get("strawberry-definition")


def _map_key(gql_type: GraphQLObjectType) -> type | None:
    definition = _definition(gql_type)
    if definition is None:
        return None
    generic = getattr(definition, "concrete_of", None)
    return generic.origin if generic is not None else definition.origin


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
    key = _map_key(gql_type)
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
    """Wrap the resolvers of personal and object fields; returns the plan it applied."""
    plan = plan_schema(schema, types)
    for (type_name, field_name), rule in plan.items():
        if rule.kind == "plain":
            continue
        gql_type = schema.type_map[type_name]
        assert isinstance(gql_type, GraphQLObjectType)
        gql_field = gql_type.fields[field_name]
        definition = gql_field.extensions[GraphQLCoreConverter.DEFINITION_BACKREF]
        if rule.kind == "personal":
            gql_field.resolve = _personal(gql_field.resolve, rule.model, rule.fields)
        else:
            is_list = _list_depth(gql_field.type) == 1
            gql_field.resolve = _objects(
                gql_field.resolve, rule.model, is_list, definition.is_async
            )
    return plan


def _personal(resolve: Resolver, model: Any, fields: tuple[str, ...]) -> Resolver:
    only = fields[0] if len(fields) == 1 else None

    def guarded(root: Any, info: Any, **kwargs: Any) -> Any:
        context = info.context
        guard = context.guard
        decision = guard.decision(root, model)  # made when the object was returned: a look-up
        if only is not None:
            allowed = decision.may_read(only)
        else:
            allowed = all(decision.may_read(name) for name in fields)
        if not allowed:
            context.audit.note(
                "read", **guard.describe(root, model), fields=fields, outcome=Outcome.DENIED
            )
            raise ForbiddenError(f"not allowed to read {info.field_name}")
        context.audit.read(root, fields, guard.describe, model)
        return resolve(root, info, **kwargs)

    return guarded


def _objects(resolve: Resolver, model: Any, is_list: bool, is_async: bool) -> Resolver:
    def readable(context: Any, obj: Any) -> bool:
        guard = context.guard
        if guard.decision(obj, model).readable:
            return True
        context.audit.note("read", **guard.describe(obj, model), outcome=Outcome.DENIED)
        return False

    def name(obj: Any) -> str:
        return (model or type(obj)).__name__

    async def one_later(item: Any, context: Any) -> Any:
        # An item of its own (nodes(ids:)): an unreadable one is an error at its index.
        obj = await item
        if obj is None or readable(context, obj):
            return obj
        raise NotFoundError(name(obj))

    def check(value: Any, info: Any) -> Any:
        if value is None:
            return None
        context = info.context
        if is_list:
            return [
                one_later(obj, context) if isawaitable(obj) else obj
                for obj in value
                if obj is None or isawaitable(obj) or readable(context, obj)
            ]
        if readable(context, value):
            return value
        raise NotFoundError(name(value))

    if is_async:

        async def guarded_async(root: Any, info: Any, **kwargs: Any) -> Any:
            return check(await resolve(root, info, **kwargs), info)

        return guarded_async

    async def later(value: Any, info: Any) -> Any:
        return check(await value, info)

    def guarded(root: Any, info: Any, **kwargs: Any) -> Any:
        value = resolve(root, info, **kwargs)
        if isawaitable(value):  # a plain resolver that returns a loader's future
            return later(value, info)
        return check(value, info)

    return guarded
