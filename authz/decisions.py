"""Decisions on objects, cached by decision key for one principal.

A decision is made on a stand-in carrying only the object's decision inputs
(authz/resources.py), so every object with the same key gets the same answer: a cached decision
is never wrong, and a page of rows costs one evaluation per distinct key, not per row or field.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from authz import engine
from authz.principal import Principal
from authz.resources import INPUTS, decision_key
from domain.personal import declaration

READ = "read"


@dataclass(frozen=True)
class Decision:
    """May the principal see the object at all, and which of its guarded fields."""

    readable: bool
    fields: frozenset[str] | None  # None: every field

    def may_read(self, field_name: str) -> bool:
        return self.readable and (self.fields is None or field_name in self.fields)


# Objects of models that are no resource (authz/resources.py: THROUGH_PARENT) are reached only
# through a parent that was decided; their personal fields, if any, are denied.
NO_FIELDS = Decision(readable=True, fields=frozenset())


def guarded_fields(model: type) -> frozenset[str]:
    """The fields of ``model`` that need a field rule: its personal data."""
    decl = declaration(model)
    return frozenset(decl.fields) if decl else frozenset()


class Decisions:
    """One principal's decisions, each made once per decision key. Counts Oso evaluations."""

    def __init__(self, principal: Principal) -> None:
        self.principal = principal
        self.evaluations = 0
        self._reads: dict[Any, Decision] = {}
        self._actions: dict[Any, bool] = {}
        self._field_actions: dict[Any, frozenset[str] | None] = {}

    def on(self, obj: Any) -> Decision:
        """May the principal read ``obj``, and which of its guarded fields."""
        key = decision_key(self.principal, obj)
        if key is None:
            return NO_FIELDS  # no resource of its own: see THROUGH_PARENT
        found = self._reads.get(key)
        if found is None:
            found = self._reads[key] = self._decide(key)
        return found

    def allows(self, action: str, obj: Any) -> bool:
        if action == READ:
            return self.on(obj).readable
        key = decision_key(self.principal, obj)
        if key is None:
            return False
        cache_key = (key, action)
        found = self._actions.get(cache_key)
        if found is None:
            self.evaluations += 1
            found = engine.is_allowed(self.principal, action, self._stand_in(key))
            self._actions[cache_key] = found
        return found

    def fields_for(self, action: str, obj: Any) -> frozenset[str] | None:
        """Guarded fields of ``obj`` the principal may ``action`` (None: all of them)."""
        if action == READ:
            decision = self.on(obj)
            return decision.fields if decision.readable else frozenset()
        key = decision_key(self.principal, obj)
        if key is None:
            return frozenset()
        cache_key = (key, action)
        if cache_key not in self._field_actions:
            self.evaluations += 1
            self._field_actions[cache_key] = engine.allowed_fields(
                self.principal, action, self._stand_in(key)
            )
        return self._field_actions[cache_key]

    def _decide(self, key: tuple[type, tuple[Any, ...]]) -> Decision:
        model = key[0]
        stand_in = self._stand_in(key)
        self.evaluations += 1
        if not engine.is_allowed(self.principal, READ, stand_in):
            return Decision(readable=False, fields=frozenset())
        if not guarded_fields(model):
            return NO_FIELDS
        self.evaluations += 1
        return Decision(readable=True, fields=engine.allowed_fields(self.principal, READ, stand_in))

    @staticmethod
    def _stand_in(key: tuple[type, tuple[Any, ...]]) -> Any:
        model, values = key
        return INPUTS[model].stand_in(model, values)
