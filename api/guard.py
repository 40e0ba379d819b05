"""A request's guard: the decisions on the objects it returns, once per object.

Decisions are made per object (all its fields at once) on its decision inputs and shared by
objects with the same inputs (authz/decisions.py); after the first field of an object, each
step is a dictionary look-up. The executor asks it for every object it completes
(``api/guarded_executor.py``).
"""

from __future__ import annotations

from typing import Any

from audit.subjects import describe
from authz.decisions import Decision, Decisions
from authz.principal import Principal
from domain.accounts.models import PlatformRole

UNREADABLE = Decision(readable=False, fields=frozenset())


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

    def decision(self, obj: Any, model: type | None = None) -> Decision:
        entry = self.seen.get(id(obj))
        if entry is not None and entry[0] is obj:
            return entry[1]
        try:
            found = self.decisions.on(obj, model)
        except AttributeError:  # an object lacking its model's decision inputs: fail closed
            found = UNREADABLE
        self.seen[id(obj)] = (obj, found)  # holding obj keeps its id from being reused
        return found

    def release(self) -> None:
        """Forget the objects this request saw (after its response is built)."""
        self.seen.clear()
        self._described.clear()

    def describe(self, obj: Any, model: type | None = None) -> dict[str, Any]:
        """How the audit log names ``obj`` (once per object: each personal field is noted)."""
        entry = self._described.get(id(obj))
        if entry is not None and entry[0] is obj:
            return entry[1]
        found = describe(obj, model, grants=self.principal.grant_reasons)
        self._described[id(obj)] = (obj, found)
        return found


def acting_role(principal: Principal, organization_id: int | None) -> str | None:
    """``support`` (or another platform role) when a person of Mandi acts on data of an
    organization they hold no role in; None for a seller's own people and partner tokens."""
    if principal.kind != "user" or not principal.platform_roles:
        return None
    if organization_id is not None and principal.role_in(organization_id) is not None:
        return None
    if PlatformRole.SUPPORT_AGENT in principal.platform_roles:
        return "support"
    return sorted(principal.platform_roles)[0].value
