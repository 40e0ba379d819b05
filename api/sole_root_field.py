"""Operations that sign in, sign out, sign up or handle passwords stand alone.

Each of these root fields must be the only field of its operation (aliases and fragments
included): one password hash or mail per request, so thirty aliased ``sessionCreate`` are one
refusal rather than thirty argon2 runs, and audit entries of an identity change never share a
request with other work. A static rule, so the validation cache keeps its verdict.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationRule,
)

from api.error_codes import Code

SOLE_ROOT_FIELD_REQUIRED = Code.SOLE_ROOT_FIELD_REQUIRED
SOLE_ROOT_FIELDS = frozenset(
    {
        "sessionCreate",
        "sessionVerifyMfa",
        "sessionReauthenticate",
        "sessionRevoke",
        "userSignUp",
        "userSignUpConfirm",
        "passwordChange",
        "passwordResetRequest",
        "passwordResetComplete",
        "emailChangeConfirm",
    }
)


def root_field_names(
    selections: SelectionSetNode,
    fragments: Mapping[str, FragmentDefinitionNode],
    seen: frozenset[str] = frozenset(),
) -> list[str]:
    """The names of an operation's root fields, through fragments, one per occurrence."""
    names: list[str] = []
    for selection in selections.selections:
        if isinstance(selection, FieldNode):
            names.append(selection.name.value)
        elif isinstance(selection, InlineFragmentNode):
            names += root_field_names(selection.selection_set, fragments, seen)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            fragment = fragments.get(name)
            if fragment is not None and name not in seen:
                names += root_field_names(fragment.selection_set, fragments, seen | {name})
    return names


def operation_root_fields(document: DocumentNode, operation_name: str | None) -> list[str]:
    """Root field names of the operation a request runs (none when it names no single one)."""
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name is not None:
        operations = [o for o in operations if o.name and o.name.value == operation_name]
    if len(operations) != 1:
        return []
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    return root_field_names(operations[0].selection_set, fragments)


class SoleRootFieldRule(ValidationRule):
    def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
        fragments = {
            d.name.value: d
            for d in self.context.document.definitions
            if isinstance(d, FragmentDefinitionNode)
        }
        names = root_field_names(node.selection_set, fragments)
        alone = sorted(SOLE_ROOT_FIELDS.intersection(names))
        if alone and len(names) > 1:
            self.report_error(
                GraphQLError(
                    f"{alone[0]} must be the only field of its operation: send it alone",
                    node,
                    extensions={"code": SOLE_ROOT_FIELD_REQUIRED},
                )
            )
