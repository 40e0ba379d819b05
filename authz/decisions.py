"""Decisions on objects, cached by decision key for one principal, and memoised per process.

A decision is made on a stand-in carrying only the object's decision inputs
(authz/resources.py), so every object with the same key gets the same answer: a cached decision
is never wrong, and a page of rows costs one evaluation per distinct key, not per row or field.

The policy is loaded once and reads nothing about a principal but its facts
(``engine.principal_facts``: kind, user, roles, scopes, open grants, all loaded afresh for each
request), so the answer to (facts, model, key, question) never changes while the process runs.
Oso's answers are therefore also kept in a bounded process-wide memo: a request asks the same
questions as before (``evaluations`` counts them, one per distinct key and question), but only
the first request with those facts pays for Oso (``oso_calls``). A changed role, scope or grant
changes the facts, hence the key: nothing stale is ever answered.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
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


class _Memo:
    """A bounded least-recently-used map of Oso answers, shared by the process's requests (all
    asked from the event loop's thread: Oso is called synchronously)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._answers: OrderedDict[Hashable, Any] = OrderedDict()

    def get(self, key: Hashable, compute: Callable[[], Any]) -> tuple[Any, bool]:
        """The answer for ``key`` and whether it had to be computed now."""
        answers = self._answers
        if key in answers:
            answers.move_to_end(key)
            return answers[key], False
        answer = answers[key] = compute()
        if len(answers) > self.size:
            answers.popitem(last=False)
        return answer, True


MEMO = _Memo(size=50_000)


class Decisions:
    """One principal's decisions, each made once per decision key.

    ``evaluations`` counts the policy questions this principal's requests asked (one per distinct
    key and question); ``oso_calls`` how many of them Oso had to answer (the rest came from the
    process memo).
    """

    def __init__(self, principal: Principal) -> None:
        self.principal = principal
        self.facts = engine.principal_facts(principal)
        self.evaluations = 0
        self.oso_calls = 0
        self._reads: dict[Any, Decision] = {}
        self._actions: dict[Any, bool] = {}
        self._field_actions: dict[Any, frozenset[str] | None] = {}

    def on(self, obj: Any, model: type | None = None) -> Decision:
        """May the principal read ``obj`` (a row of ``model``, by default its own type), and
        which of its guarded fields."""
        model = model or type(obj)
        inputs = INPUTS.get(model)  # decision_key, inline: it runs for every object returned
        if inputs is None:
            return NO_FIELDS  # no resource of its own: see THROUGH_PARENT
        key = (model, inputs.key(self.principal, obj))
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
            found = self._actions[cache_key] = self._ask(
                ("allows", key, action),
                lambda: engine.is_allowed(self.principal, action, self._stand_in(key)),
            )
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
            self._field_actions[cache_key] = self._ask(
                ("fields", key, action),
                lambda: engine.allowed_fields(self.principal, action, self._stand_in(key)),
            )
        return self._field_actions[cache_key]

    def _ask(self, question: tuple[Any, ...], compute: Callable[[], Any]) -> Any:
        """One policy question: counted, answered by the memo or, the first time, by Oso."""
        self.evaluations += 1
        answer, computed = MEMO.get((self.facts, *question), compute)
        self.oso_calls += computed
        return answer

    def _decide(self, key: tuple[type, tuple[Any, ...]]) -> Decision:
        if not self._ask(
            ("allows", key, READ),
            lambda: engine.is_allowed(self.principal, READ, self._stand_in(key)),
        ):
            return Decision(readable=False, fields=frozenset())
        if not guarded_fields(key[0]):
            return NO_FIELDS
        fields = self._ask(
            ("fields", key, READ),
            lambda: engine.allowed_fields(self.principal, READ, self._stand_in(key)),
        )
        return Decision(readable=True, fields=fields)

    @staticmethod
    def _stand_in(key: tuple[type, tuple[Any, ...]]) -> Any:
        model, values = key
        return INPUTS[model].stand_in(model, values)
