"""How much the schema tells strangers: introspection and "Did you mean ...?" suggestions.

Both are on in development and off elsewhere unless a setting turns them on
(``MANDI_GRAPHQL_INTROSPECTION``, ``MANDI_GRAPHQL_SUGGESTIONS``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from graphql import GraphQLError
from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry.extensions import SchemaExtension

_SUGGESTION = re.compile(r"\s*Did you mean [^?]*\?")


def _settings(execution_context: Any) -> Any:
    return getattr(getattr(execution_context, "context", None), "settings", None)


class IntrospectionSwitch(SchemaExtension):
    """Refuse ``__schema`` and ``__type`` unless the settings allow introspection."""

    def on_operation(self) -> Iterator[None]:
        settings = _settings(self.execution_context)
        if settings is not None and not settings.graphql_introspection:
            rules = self.execution_context.validation_rules
            self.execution_context.validation_rules = (*rules, NoSchemaIntrospectionCustomRule)
        yield


def hide_suggestions(errors: list[GraphQLError], execution_context: Any) -> None:
    """Strip suggestions (they reveal field, type and enum names) unless the settings allow."""
    settings = _settings(execution_context)
    if settings is None or settings.graphql_suggestions:
        return
    for error in errors:
        if "Did you mean" in error.message:
            error.message = _SUGGESTION.sub("", error.message)
