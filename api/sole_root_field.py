"""Operations that sign in, sign out, sign up or handle passwords stand alone.

Each of these root fields must be the only field of its operation (aliases and fragments
included): one password hash or mail per request, so thirty aliased ``sessionCreate`` are one
refusal rather than thirty argon2 runs, and audit entries of an identity change never share a
request with other work. A static rule, so the validation cache keeps its verdict.
"""

from __future__ import annotations

from typing import Any

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationRule,
)

SOLE_ROOT_FIELD_REQUIRED = "SOLE_ROOT_FIELD_REQUIRED"
SOLE_ROOT_FIELDS = frozenset(
    {
        "sessionCreate",
        "sessionVerifyMfa",
        "sessionReauthenticate",
        "sessionRevoke",
        "userSignUp",
        "passwordChange",
        "passwordResetRequest",
        "passwordResetComplete",
    }
)


class SoleRootFieldRule(ValidationRule):
    def _root_fields(self, selections: SelectionSetNode, seen: frozenset[str]) -> list[str]:
        names: list[str] = []
        for selection in selections.selections:
            if isinstance(selection, FieldNode):
                names.append(selection.name.value)
            elif isinstance(selection, InlineFragmentNode):
                names += self._root_fields(selection.selection_set, seen)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.context.get_fragment(name)
                if fragment is not None and name not in seen:
                    names += self._root_fields(fragment.selection_set, seen | {name})
        return names

    def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
        names = self._root_fields(node.selection_set, frozenset())
        alone = sorted(SOLE_ROOT_FIELDS.intersection(names))
        if alone and len(names) > 1:
            self.report_error(
                GraphQLError(
                    f"{alone[0]} must be the only field of its operation: send it alone",
                    node,
                    extensions={"code": SOLE_ROOT_FIELD_REQUIRED},
                )
            )
