"""What is checked of a document before anything else walks it: one operation to run, and
fragments that stay small when expanded.

Several operations and no ``operationName``: graphql-core refuses it ("Must provide operation
name..."), but Strawberry names the first operation for it, so the first one ran. It is refused
here, OPERATION_RESOLUTION_FAILURE, as the README says.

A fragment that spreads the next one twice, twenty deep, is an 800-byte document of a million
fields once expanded: the depth and alias limits and the cost walk each expand fragments where
they are spread, so such a document held the event loop for 12 s (30 deep: hours), signed in
or not. And a spread of a fragment the document does not define made the depth limit raise
KeyError, an INTERNAL_SERVER_ERROR.

``DocumentChecks`` runs before validation (and before the validation cache, which validates in
its own hook): it sizes each fragment once, so its work is linear in the document, and refuses
with GRAPHQL_VALIDATION_FAILED an operation that expands to more than ``MAX_EXPANDED_FIELDS``
fields, or a spread of an unknown fragment (graphql-core's own message). A fragment cycle is
left to validation (``NoFragmentCycles``), counted here as nothing past the cycle.
"""

from __future__ import annotations

from collections.abc import Iterator

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
)
from strawberry.extensions import SchemaExtension

from api.error_codes import Code

# Far above any real client's operation (the README's examples: under 100), far below what
# makes the limits and the cost walk slow (5,000 fields: about 30 ms on this machine).
MAX_EXPANDED_FIELDS = 5_000
# Spreads within spreads: the depth limit follows each chain recursively, and 250 fragments
# spreading the next were a RecursionError there (INTERNAL_SERVER_ERROR, HTTP 500).
MAX_SPREAD_DEPTH = 50
# Fields answering into one object, fragments included: validation compares them pairwise
# (OverlappingFieldsCanBeMerged), so 500 of them took 0.9 s and 800 overflowed its recursion
# ("Validation aborted."); 150 take about 0.1 s.
MAX_FIELDS_PER_OBJECT = 150


class _TooDeep(Exception):
    pass


class _TooWide(Exception):
    pass


class _Sizes:
    def __init__(self, fragments: dict[str, FragmentDefinitionNode]) -> None:
        self.fragments = fragments
        self.known: dict[str, int] = {}
        self.open: set[str] = set()  # fragments being sized: a cycle counts nothing more
        self.flat: dict[str, int] = {}  # a fragment's fields at its own level

    def level(self, selections: SelectionSetNode, seen: frozenset[str] = frozenset()) -> int:
        """The fields of one selection set, its fragments' expanded (not their sub-fields)."""
        count = 0
        for selection in selections.selections:
            if isinstance(selection, FieldNode):
                count += 1
            elif isinstance(selection, InlineFragmentNode):
                count += self.level(selection.selection_set, seen)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                if name in seen or name not in self.fragments:
                    continue
                if len(seen) >= MAX_SPREAD_DEPTH:
                    raise _TooDeep
                if name not in self.flat:
                    self.flat[name] = self.level(self.fragments[name].selection_set, seen | {name})
                count += self.flat[name]
            if count > MAX_FIELDS_PER_OBJECT:
                raise _TooWide
        return count

    def object(self, selections: SelectionSetNode | None) -> int:
        """The expanded size of what answers into one object (an operation's root or a field's
        sub-selection), its width checked once: inline fragments and spreads join it."""
        if selections is None:
            return 0
        self.level(selections)
        return self.of(selections)

    def of(self, selections: SelectionSetNode) -> int:
        total = 0
        for selection in selections.selections:
            if isinstance(selection, FieldNode):
                total += 1 + self.object(selection.selection_set)
            elif isinstance(selection, InlineFragmentNode):
                total += self.of(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                total += self.fragment(selection.name.value)
            if total > MAX_EXPANDED_FIELDS:
                return total  # enough to refuse: no need to size the rest
        return total

    def fragment(self, name: str) -> int:
        if name in self.known:
            return self.known[name]
        if name in self.open or name not in self.fragments:
            return 0
        if len(self.open) >= MAX_SPREAD_DEPTH:
            raise _TooDeep
        self.open.add(name)
        size = self.known[name] = self.of(self.fragments[name].selection_set)
        self.open.discard(name)
        return size


def _spreads(selections: SelectionSetNode | None) -> Iterator[FragmentSpreadNode]:
    if selections is None:
        return
    for selection in selections.selections:
        if isinstance(selection, FragmentSpreadNode):
            yield selection
        elif isinstance(selection, FieldNode | InlineFragmentNode):
            yield from _spreads(selection.selection_set)


def refusal(document: DocumentNode) -> GraphQLError | None:
    """Why the document is refused before validation, or None."""
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode | FragmentDefinitionNode):
            for spread in _spreads(definition.selection_set):
                if spread.name.value not in fragments:
                    return GraphQLError(
                        f'Unknown fragment "{spread.name.value}".',
                        nodes=[spread],
                        extensions={"code": Code.GRAPHQL_VALIDATION_FAILED.value},
                    )
    sizes = _Sizes(fragments)
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    for operation in operations:
        try:
            size = sizes.object(operation.selection_set)
        except _TooDeep:
            return GraphQLError(
                f"fragments spread within each other more than {MAX_SPREAD_DEPTH} deep",
                nodes=[operation],
                extensions={"code": Code.GRAPHQL_VALIDATION_FAILED.value},
            )
        except _TooWide:
            return GraphQLError(
                f"more than {MAX_FIELDS_PER_OBJECT} fields answer into one object (fragments "
                "included); ask for each field once",
                nodes=[operation],
                extensions={"code": Code.GRAPHQL_VALIDATION_FAILED.value},
            )
        if size > MAX_EXPANDED_FIELDS:
            return GraphQLError(
                f"the operation expands to more than {MAX_EXPANDED_FIELDS:,} fields "
                "through its fragments; spread each fragment where it is needed once",
                nodes=[operation],
                extensions={"code": Code.GRAPHQL_VALIDATION_FAILED.value},
            )
    return None


def _one_operation(document: DocumentNode, operation_name: str | None) -> GraphQLError | None:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name is None and len(operations) > 1:
        return GraphQLError(
            "Must provide operation name if query contains multiple operations.",
            extensions={"code": Code.OPERATION_RESOLUTION_FAILURE.value},
        )
    return None


class DocumentChecks(SchemaExtension):
    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if document is not None and not context.pre_execution_errors:
            # the name the client sent (``operation_name`` falls back to the first operation's)
            error = _one_operation(document, context._provided_operation_name) or refusal(document)
            if error is not None:
                context.pre_execution_errors = [error]
        yield
