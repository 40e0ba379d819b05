"""The one guard every field resolution passes.

``FieldGuard`` is a synchronous schema-extension hook. For a field that the resolved object's
model declares as personal data it asks the request's ``Guard``, which decides once per object
(all of its fields together) and remembers the answer; a denied field resolves to ``null`` with a
FORBIDDEN error at its path. Everything a decision needs is loaded before fields resolve, so the
per-field step is a dictionary look-up.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from strawberry.extensions import SchemaExtension
from strawberry.utils.str_converters import to_camel_case

from api.errors import ForbiddenError
from authz import policy
from authz.principal import Principal
from domain.personal import declaration

_guarded_cache: dict[type, dict[str, str]] = {}


def guarded_fields(model: type) -> dict[str, str]:
    """GraphQL field name -> model field name, for the personal fields of ``model``."""
    found = _guarded_cache.get(model)
    if found is None:
        decl = declaration(model)
        fields = decl.fields if decl else {}
        found = _guarded_cache[model] = {to_camel_case(name): name for name in fields}
    return found


class Guard:
    """Per-request field decisions, computed once per object."""

    def __init__(self, principal: Principal) -> None:
        self.principal = principal
        self._decisions: dict[tuple[type, Any], frozenset[str] | None] = {}
        self.evaluations = 0

    def may_read(self, obj: Any, field_name: str) -> bool:
        key = (type(obj), obj.pk)
        if key not in self._decisions:
            self.evaluations += 1
            self._decisions[key] = policy.allowed_fields(self.principal, obj)
        allowed = self._decisions[key]
        return allowed is None or field_name in allowed


class FieldGuard(SchemaExtension):
    def resolve(
        self, _next: Callable[..., Any], root: Any, info: Any, *args: Any, **kwargs: Any
    ) -> Any:
        if root is not None:
            model_field = guarded_fields(type(root)).get(info.field_name)
            if model_field is not None and not info.context.guard.may_read(root, model_field):
                raise ForbiddenError(f"not allowed to read {info.field_name}")
        return _next(root, info, *args, **kwargs)
