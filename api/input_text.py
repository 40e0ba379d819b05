"""Refuse text no store can keep before any resolver sees it: a NUL character (PostgreSQL text
cannot hold one) or a lone surrogate (a JSON ``\\ud800`` escape: no UTF-8 text, so no hash, seal
or column takes it) in a string literal or a variable is BAD_USER_INPUT.

GraphQL source cannot carry a raw NUL, only a ``\\u`` escape: documents without one
skip the walk of their string literals.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from graphql import GraphQLError, StringValueNode, visit
from graphql.execution import ExecutionResult as GraphQLExecutionResult
from graphql.language import Visitor
from strawberry.extensions import SchemaExtension

from api.error_codes import Code


def _unstorable(text: str) -> bool:
    if "\x00" in text:
        return True
    try:
        text.encode()
    except UnicodeEncodeError:
        return True
    return False


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return _unstorable(value)
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


class _FindNul(Visitor):
    found = False

    def enter_string_value(self, node: StringValueNode, *_: Any) -> None:
        if _unstorable(node.value):
            self.found = True


class RefuseNulText(SchemaExtension):
    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        found = _has_nul(context.variables or {})
        if not found and context.graphql_document is not None and "\\u" in (context.query or ""):
            finder = _FindNul()
            visit(context.graphql_document, finder)
            found = finder.found
        if found:
            error = GraphQLError(
                "text must not contain NUL characters or lone surrogates",
                extensions={"code": Code.BAD_USER_INPUT},
            )
            context.result = GraphQLExecutionResult(data=None, errors=[error])
        yield
