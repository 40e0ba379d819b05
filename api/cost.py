"""Query cost: the most objects an operation could produce, computed before it runs.

Every field that returns an object costs one per object it can return; scalars are free. A field
with a ``first`` argument returns at most that many (its variable's value, else its default),
child connections (``Order.history(first:)``) as root ones; the edges and nodes of a connection
add no factor of their own; a look-up by ``ids`` returns at most as many objects as it names. A
field that looks objects up by ``id`` or ``ids`` (``node``, ``nodes``, ``order``, a mutation's
target) costs ``LOOKUP_COST`` per object instead of one: each is a guarded look-up by key (a
missed one also a second statement and a denied audit entry), where an object of a page or a
list is one row of a statement that reads many. A list filtered by another object's id
(``productId``, ``organizationId``) costs ``LOOKUP_COST`` more for each such argument. Any other
list returns at most its bound in ``LIST_BOUNDS``: each is a domain rule enforced when the list
is written (an order has at most 100 lines), so such a list is always whole, never cut, and the
cost is an upper bound of the work, not a guess. An operation costing more than ``MAX_COST`` is
refused before any resolver runs, with an error naming its cost and the limit; every answer
reports the cost in ``extensions.cost``.

The cost of a document is kept (``CostCache``) by its text, its operation name and the shape of
the variables the walk reads (the walk's path never depends on values, so which variables it reads
is fixed by the document): a ``first`` or ``ids`` variable enters the key as the value it is read
as (an int, a list's length, or only its type), so a cached cost is the cost of these variables;
every request is still compared with the limit.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable, Iterator, Mapping
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLCompositeType,
    GraphQLError,
    GraphQLField,
    GraphQLID,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    ListValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    Undefined,
    VariableNode,
    get_named_type,
    get_nullable_type,
    is_composite_type,
    is_list_type,
    value_from_ast_untyped,
)
from graphql.execution import ExecutionResult as GraphQLExecutionResult
from strawberry.extensions import SchemaExtension

from api.document_cache import CACHE_ENTRIES, MAX_CACHED_CHARS
from api.error_codes import Code
from domain.accounts.sessions import MAX_LIVE_SESSIONS
from domain.inventory.services import MAX_WAREHOUSES
from domain.marketplaces.connections import MAX_CONNECTIONS
from domain.marketplaces.sync import MAX_REPORT_METRICS
from domain.orders.services import MAX_LINES
from domain.privacy.models import Purpose
from domain.privacy.requests import MAX_STEPS

MAX_COST = 20_000
# What one object looked up by id costs, in objects of a page: measured (in process, SQLite and
# PostgreSQL), ``orders(first: 100)`` takes about 45 us per unit the model charges it (3 per
# order); ``node(id:)`` or ``order(id:)`` 0.7-1.2 ms when found and 1.1-2.2 ms when missed (two
# statements and a denied entry), 16-46 units; an id of ``nodes(ids:)`` (one statement per type
# and one more for the misses) 140-300 us, 3-7 units. One weight for every look-up, the single
# ones' (which the alias limit bounds to 30 per operation): at most 1,000 ids an operation, and
# 30 aliases of ``nodes`` of 100 ids each cost 60,000 and are refused.
LOOKUP_COST = 20
# Introspection is bounded by the schema, not free: one full ``__schema`` query (types, fields,
# args, their types three deep) returns about 2,600 objects, and 30 aliases of it held the
# server 2 s for a cost of 0. Each is charged that bound (``__type``, one type, about 100).
INTROSPECTION_COST: Mapping[str, int] = {"__schema": 3_000, "__type": 100}
DEFAULT_PAGE = 20
MAX_PAGE = 100
COST_LIMIT_EXCEEDED = Code.COST_LIMIT_EXCEEDED

# The most items each list without a ``first`` argument can hold, each by a rule enforced where
# the list is written (nothing cuts these lists when they are read). A list that can grow
# without such a rule is a connection instead. A test fails when a list field is missing here.
LIST_BOUNDS: Mapping[tuple[str, str], int] = {
    ("Order", "lines"): MAX_LINES,  # an import has 1-100 lines, and lines are never added
    ("Product", "stock"): MAX_WAREHOUSES,  # one per warehouse of the organization
    ("Product", "listings"): MAX_CONNECTIONS,  # one per seller account of the organization
    ("PerformanceReport", "metrics"): MAX_REPORT_METRICS,  # a larger report fails its pull
    ("Viewer", "sessions"): MAX_LIVE_SESSIONS,  # a sign-in beyond ends the least recently used
    ("PrivacyRequest", "history"): MAX_STEPS,  # received, hand-overs, extension, the answer
    ("Query", "consents"): len(Purpose),  # the latest choice per purpose
    ("Query", "nodes"): 100,  # api/node.py refuses more ids (MAX_NODES)
}
ERRORS_BOUND = 20  # a payload's ``errors`` (one today: api.payloads)


def list_bound(type_name: str, field_name: str) -> int:
    if field_name == "errors" and type_name.endswith("Payload"):
        return ERRORS_BOUND
    return LIST_BOUNDS[(type_name, field_name)]


def _is_connection(type_: GraphQLCompositeType) -> bool:
    return isinstance(type_, GraphQLObjectType) and {"edges", "pageInfo"} <= set(type_.fields)


class _Walk:
    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: Mapping[str, Any],
        defaults: Mapping[str, Any] | None = None,
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables
        self.defaults = defaults or {}  # the operation's own defaults: ``query($n: Int = 100)``
        self.read: set[str] = set()  # the variables the walk read

    def _variable(self, name: str, default: Any = None) -> Any:
        """The variable's value as execution will see it: the one sent, else the operation's
        default for it, else ``default`` (the argument's own)."""
        self.read.add(name)
        if name in self.variables:
            return self.variables[name]
        return self.defaults.get(name, default)

    def _fields(
        self, selections: SelectionSetNode, parent: GraphQLCompositeType, seen: frozenset[str]
    ) -> Iterator[tuple[FieldNode, GraphQLCompositeType]]:
        for selection in selections.selections:
            if isinstance(selection, FieldNode):
                yield selection, parent
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                on = self.schema.get_type(condition.name.value) if condition else parent
                yield from self._fields(selection.selection_set, on or parent, seen)  # type: ignore[arg-type]
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if fragment is None or name in seen:
                    continue
                on = self.schema.get_type(fragment.type_condition.name.value) or parent
                yield from self._fields(fragment.selection_set, on, seen | {name})  # type: ignore[arg-type]

    def _page(self, node: FieldNode, definition: GraphQLField) -> int:
        value: Any = definition.args["first"].default_value
        if value is Undefined:
            value = None
        for argument in node.arguments or ():
            if argument.name.value != "first":
                continue
            if isinstance(argument.value, VariableNode):
                value = self._variable(argument.value.name.value, value)
            elif isinstance(argument.value, IntValueNode):
                value = int(argument.value.value)
        if value is None:
            return DEFAULT_PAGE
        if not isinstance(value, int) or isinstance(value, bool):
            return MAX_PAGE  # refused later by coercion; count the worst case meanwhile
        return max(0, min(value, MAX_PAGE))

    def _ids(self, node: FieldNode, bound: int) -> int:
        """How many ids a look-up by ``ids`` names (at most ``bound``; refused beyond)."""
        for argument in node.arguments or ():
            if argument.name.value != "ids":
                continue
            if isinstance(argument.value, VariableNode):
                value = self._variable(argument.value.name.value)
                count = len(value) if isinstance(value, list) else 1
            elif isinstance(argument.value, ListValueNode):
                count = len(argument.value.values)
            else:
                count = 1  # a single value is coerced to a list of one
            return min(count, bound)
        return bound

    def _factor(self, parent: GraphQLCompositeType, node: FieldNode, field: GraphQLField) -> int:
        if "first" in field.args:
            return self._page(node, field)
        if "ids" in field.args:
            return self._ids(node, list_bound(parent.name, node.name.value))
        if not is_list_type(get_nullable_type(field.type)):
            return 1
        name = node.name.value
        if _is_connection(parent) and name in {"edges", "nodes"}:
            return 1
        return list_bound(parent.name, name)

    def _each(self, field: GraphQLField) -> int:
        """What each object the field returns costs before its own selections."""
        return LOOKUP_COST if "id" in field.args or "ids" in field.args else 1

    @staticmethod
    def _filters(node: FieldNode, field: GraphQLField) -> int:
        """What the filters by another object's id given to a field cost
        (``inventoryMovements(productId:)`` looks the product up first): ``LOOKUP_COST`` each,
        once per field, not per object."""
        given = (argument.name.value for argument in node.arguments or ())
        filters = [
            name
            for name in given
            if name not in ("id", "ids")
            and name in field.args
            and get_nullable_type(field.args[name].type) is GraphQLID
        ]
        return LOOKUP_COST * len(filters)

    def cost(
        self, selections: SelectionSetNode | None, parent: GraphQLCompositeType, seen=frozenset()
    ) -> int:
        if selections is None:
            return 0
        total = 0
        for node, on in self._fields(selections, parent, seen):
            name = node.name.value
            # a fragment on an input or scalar type is validation's to refuse: nothing to price
            fields = on.fields if isinstance(on, GraphQLObjectType | GraphQLInterfaceType) else {}
            if name in INTROSPECTION_COST:
                total += INTROSPECTION_COST[name]
                continue
            if name.startswith("__") or name not in fields:
                continue  # __typename is free; unknown names fail validation
            field = fields[name]
            named = get_named_type(field.type)
            if not is_composite_type(named):
                continue
            inner = self.cost(node.selection_set, named, seen)
            total += self._factor(on, node, field) * (self._each(field) + inner)
            total += self._filters(node, field)
        return total


def _operation(
    schema: GraphQLSchema,
    document: Any,
    variables: Mapping[str, Any] | None,
    operation_name: str | None,
) -> tuple[int, frozenset[str]]:
    """The cost of the operation, and the names of the variables it depends on."""
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    if operation_name is not None:
        operations = [o for o in operations if o.name and o.name.value == operation_name]
    if len(operations) != 1:
        return 0, frozenset()  # graphql-core refuses the request itself
    operation = operations[0]
    root = schema.get_root_type(operation.operation)
    if root is None:
        return 0, frozenset()
    defaults = {
        definition.variable.name.value: value_from_ast_untyped(definition.default_value)
        for definition in operation.variable_definitions or ()
        if definition.default_value is not None
    }
    walk = _Walk(schema, fragments, variables or {}, defaults)
    return walk.cost(operation.selection_set, root), frozenset(walk.read)


def operation_cost(
    schema: GraphQLSchema,
    document: Any,
    variables: Mapping[str, Any] | None,
    operation_name: str | None,
) -> int:
    """The cost of the operation ``operation_name`` (or the only one) of ``document``."""
    return _operation(schema, document, variables, operation_name)[0]


def _shape(value: Any) -> Hashable:
    """What the walk reads of a variable's value: a list's length (``ids``: that many; ``first``:
    the worst case), an int or bool as itself, anything else only by its type (``first``: null
    is the default page, the rest the worst case; ``ids``: one)."""
    if isinstance(value, list):
        return ("list", len(value))
    if isinstance(value, int):
        return (type(value).__name__, value)
    return (type(value).__name__,)


_ABSENT = ("absent",)


class CostCache:
    """Costs by (document text, operation name) and the shapes of the variables it reads; only
    documents the parse cache keeps (``api.document_cache``), at most ``entries`` of them and
    ``shapes`` variable shapes each."""

    def __init__(self, entries: int = CACHE_ENTRIES, shapes: int = 32) -> None:
        self.entries = entries
        self.shapes = shapes
        self._documents: OrderedDict[
            tuple[GraphQLSchema, str, str | None], tuple[tuple[str, ...], dict[Hashable, int]]
        ] = OrderedDict()

    def cost(
        self,
        schema: GraphQLSchema,
        query: str | None,
        document: Any,
        variables: Mapping[str, Any] | None,
        operation_name: str | None,
    ) -> int:
        if query is None or len(query) > MAX_CACHED_CHARS:
            return operation_cost(schema, document, variables, operation_name)
        values = variables or {}
        key = (schema, query, operation_name)
        known = self._documents.get(key)
        if known is not None:
            names, costs = known
            shape = tuple(_shape(values[n]) if n in values else _ABSENT for n in names)
            cost = costs.get(shape)
            if cost is not None:
                self._documents.move_to_end(key)
                return cost
        cost, read = _operation(schema, document, values, operation_name)
        names = tuple(sorted(read))
        if known is None or known[0] != names:
            known = self._documents[key] = (names, {})
            while len(self._documents) > self.entries:
                self._documents.popitem(last=False)
        costs = known[1]
        if len(costs) >= self.shapes:
            costs.clear()
        costs[tuple(_shape(values[n]) if n in values else _ABSENT for n in names)] = cost
        self._documents.move_to_end(key)
        return cost


COSTS = CostCache()


class CostLimit(SchemaExtension):
    """Refuse operations over ``MAX_COST`` before execution; report the cost in extensions.

    A large document (over ``MAX_CACHED_CHARS``, which no cache holds) is priced before it is
    validated: validation visits every value of the document, and 30 aliases of ``nodes`` with
    100 ids each took 100 ms to validate only to be refused for their cost. Others are priced
    after validation, so a document that is both invalid and too costly is told it is invalid.
    """

    def __init__(self) -> None:
        super().__init__()
        self.limit = MAX_COST
        self.cost: int | None = None

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        large = len(context.query or "") > MAX_CACHED_CHARS
        if large and context.graphql_document is not None and not context.pre_execution_errors:
            try:
                refusal = self._price(context)
            except Exception:
                # an invalid document (say, nested past Python's recursion limit) is
                # validation's to refuse; it is priced again after validation
                refusal, self.cost = None, None
            if refusal is not None:
                context.pre_execution_errors = [refusal]
        yield

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        if context.graphql_document is not None and self.cost is None:
            refusal = self._price(context)
            if refusal is not None:
                context.result = GraphQLExecutionResult(data=None, errors=[refusal])
        yield

    def _price(self, context: Any) -> GraphQLError | None:
        """Set the operation's cost; the refusal when it is over the limit."""
        settings = getattr(context.context, "settings", None)
        self.limit = getattr(settings, "max_query_cost", MAX_COST)
        self.cost = COSTS.cost(
            context.schema._schema,
            context.query,
            context.graphql_document,
            context.variables,
            context.operation_name,
        )
        if self.cost <= self.limit:
            return None
        return GraphQLError(
            f"query cost {self.cost} exceeds the limit of {self.limit}; "
            "ask for fewer items (first) or fewer nested lists",
            extensions={"code": COST_LIMIT_EXCEEDED, "cost": self.cost, "limit": self.limit},
        )

    def get_results(self) -> dict[str, Any]:
        if self.cost is None:
            return {}
        return {"cost": {"requested": self.cost, "limit": self.limit}}
