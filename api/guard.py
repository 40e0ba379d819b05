"""The one guard every field resolution passes.

``FieldGuard`` is a synchronous schema-extension hook. When the parent of a field is a model
instance, it asks the request's ``Guard`` for the decision on that object: made once per object
(all of its fields together) by the policy on the object's decision inputs, and shared by every
object with the same inputs (authz/decisions.py). An object the principal may not read resolves
its fields to NOT_FOUND errors; a personal field it may not read resolves to ``null`` with a
FORBIDDEN error at its path. After the first field of an object, each step is a dictionary look-up.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from strawberry.extensions import SchemaExtension
from strawberry.utils.str_converters import to_camel_case
from tortoise.models import Model

from api.errors import ForbiddenError, NotFoundError
from audit.models import Outcome
from audit.subjects import describe
from authz.decisions import Decision, Decisions, guarded_fields
from authz.principal import Principal

_plans: dict[type, dict[str, str] | None] = {type(None): None}
_UNPLANNED: Any = object()


def field_plan(cls: type) -> dict[str, str] | None:
    """GraphQL name -> model field of the guarded fields of a model; None for non-models."""
    try:
        return _plans[cls]
    except KeyError:
        pass
    plan = None
    if issubclass(cls, Model):
        plan = {to_camel_case(name): name for name in guarded_fields(cls)}
    _plans[cls] = plan
    return plan


class Guard:
    """Per-request decisions: once per object, and once per decision key across objects."""

    def __init__(self, principal: Principal) -> None:
        self.principal = principal
        self.decisions = Decisions(principal)
        self.seen: dict[int, tuple[Any, Decision]] = {}  # id -> (object, its decision)
        self._described: dict[int, tuple[Any, dict[str, Any]]] = {}

    @property
    def evaluations(self) -> int:
        """Policy evaluations this request's decisions needed so far (one per distinct key)."""
        return self.decisions.evaluations

    @property
    def oso_calls(self) -> int:
        """How many of them Oso answered; the others came from the process memo."""
        return self.decisions.oso_calls

    def decision(self, obj: Any) -> Decision:
        entry = self.seen.get(id(obj))
        if entry is not None and entry[0] is obj:
            return entry[1]
        found = self.decisions.on(obj)
        self.seen[id(obj)] = (obj, found)  # holding obj keeps its id from being reused
        return found

    def may_read(self, obj: Any, field_name: str) -> bool:
        return self.decision(obj).may_read(field_name)

    def describe(self, obj: Any) -> dict[str, Any]:
        """How the audit log names ``obj`` (once per object: each personal field is noted)."""
        entry = self._described.get(id(obj))
        if entry is not None and entry[0] is obj:
            return entry[1]
        found = describe(obj)
        self._described[id(obj)] = (obj, found)
        return found


class FieldGuard(SchemaExtension):
    """Decide each field, and note every personal-field read and every denial for the audit.

    Runs for every field of a response, so the common paths return early: a parent that is no
    model, and a field of a readable object that needs no rule (guarded fields are exactly the
    personal ones: authz/decisions.py ``guarded_fields``).
    """

    def resolve(
        self, _next: Callable[..., Any], root: Any, info: Any, *args: Any, **kwargs: Any
    ) -> Any:
        plan = _plans.get(type(root), _UNPLANNED)
        if plan is None:  # not a model (None, a connection, an edge, a payload)
            return _next(root, info, *args, **kwargs)
        if plan is _UNPLANNED:
            plan = field_plan(type(root))
            if plan is None:
                return _next(root, info, *args, **kwargs)
        context = info.context
        guard = context.guard
        seen = guard.seen.get(id(root))
        decision = seen[1] if seen is not None and seen[0] is root else guard.decision(root)
        if not decision.readable:
            context.audit.note("read", **guard.describe(root), outcome=Outcome.DENIED)
            raise NotFoundError(type(root).__name__)
        model_field = plan.get(info.field_name)
        if model_field is None:
            return _next(root, info, *args, **kwargs)
        if not decision.may_read(model_field):
            context.audit.note(
                "read", **guard.describe(root), fields=[model_field], outcome=Outcome.DENIED
            )
            raise ForbiddenError(f"not allowed to read {info.field_name}")
        context.audit.note("read", **guard.describe(root), fields=[model_field])
        return _next(root, info, *args, **kwargs)
