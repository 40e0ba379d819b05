"""Give each GraphQL error the code of the phase it came from, where it arises, not by its text.

- ``ErrorPhases.on_operation``: the errors of an operation that has no document are
  GRAPHQL_PARSE_FAILED (syntax errors, the token limit).
- ``ErrorPhases.on_validate``: errors left after validation are GRAPHQL_VALIDATION_FAILED unless
  their rule set a code (SOLE_ROOT_FIELD_REQUIRED).
- ``PhasedExecutor.build``: graphql-core answers a request it cannot start (variable values that
  do not coerce) with a list of errors from ``build``: those are BAD_USER_INPUT.
- What a resolver raises is sorted by ``api.errors.with_code``: a coded error keeps its code, a
  domain error carries its own, anything else is INTERNAL_SERVER_ERROR.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from api.error_codes import Code


def tag(errors: Iterable[GraphQLError] | None, code: Code) -> None:
    """Set ``code`` on each error that has none yet (in place: Strawberry returns these)."""
    for error in errors or ():
        if not (error.extensions or {}).get("code"):
            error.extensions = {**(error.extensions or {}), "code": code}


class ErrorPhases(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        # Not on_parse: the parser cache parses in its own on_parse, and a syntax error raised
        # there leaves through every hook. An operation that has no document did not parse.
        context = self.execution_context
        try:
            yield
        except GraphQLError as error:
            if context.graphql_document is None:
                tag([error], Code.GRAPHQL_PARSE_FAILED)
            raise
        if context.graphql_document is None:
            tag(context.pre_execution_errors, Code.GRAPHQL_PARSE_FAILED)

    def on_validate(self) -> Iterator[None]:
        yield
        tag(self.execution_context.pre_execution_errors, Code.GRAPHQL_VALIDATION_FAILED)


class PhasedExecutor(StrawberryGraphQLCoreExecutionContext):
    @classmethod
    def build(cls, *args: Any, **kwargs: Any) -> Any:
        built = super().build(*args, **kwargs)
        if isinstance(built, list):  # the request could not start: its variables are wrong
            tag(built, Code.BAD_USER_INPUT)
        return built
