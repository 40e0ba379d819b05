"""Who may read an object or a personal field of it, or do an action on it: the access matrix's
answers (authz/matrix.py) regrouped by resource, for the permission notes of the GraphQL schema.

The same personas and the same situations as docs/access-matrix.md, so a note and the matrix
cannot disagree. Two simplifications keep a note short, and both are facts of the policy:

- what every signed-in user may do (over their own records) is said once, and left out of the
  organization and platform roles, which hold it too;
- partner tokens are shown as created by an owner: a token created by a lesser role has the
  intersection of its scopes and that role's rights (authz/policies/base.polar).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from authz import engine
from authz.decisions import guarded_fields
from authz.matrix import Persona, Situations, answer, personas, situations
from authz.resources import INPUTS
from authz.scopes import SCOPES
from domain.accounts.models import OrgRole

EVERY_USER = "user"
ORGANIZATION_ROLE = "organization role"
PLATFORM_ROLE = "platform role"
PARTNER_TOKEN = "partner token"  # noqa: S105 - a kind of caller, not a secret


@dataclass(frozen=True)
class Reader:
    """One persona the policy allows, named within its group, and in which situations."""

    group: str  # EVERY_USER, ORGANIZATION_ROLE, PLATFORM_ROLE or PARTNER_TOKEN
    name: str  # a role's value, or a token's scopes joined by " + "
    when: str  # the matrix's condition text ("always", "organization_id: yours", ...)


def _group(persona: Persona) -> tuple[str, str] | None:
    """The persona's group and name, or None for a persona the notes leave out."""
    principal = persona.principal
    if principal.kind == "token":
        if set(principal.org_roles.values()) != {OrgRole.OWNER}:
            return None
        return PARTNER_TOKEN, " + ".join(sorted(principal.scopes or (), key=list(SCOPES).index))
    if principal.org_roles:
        return ORGANIZATION_ROLE, next(iter(principal.org_roles.values())).value
    if principal.platform_roles:
        return PLATFORM_ROLE, next(iter(principal.platform_roles)).value
    return EVERY_USER, "any signed-in user"


@cache
def _personas() -> tuple[Persona, ...]:
    return tuple(personas())


@cache
def _situations(index: int, model: type) -> Situations:
    return situations(_personas()[index], model)


def _allowed(index: int, model: type, combo: tuple[Any, ...], action: str) -> bool:
    return action in answer(_personas()[index], model, combo).actions


@cache
def _fields(index: int, model: type, combo: tuple[Any, ...], action: str) -> frozenset[str] | None:
    given = answer(_personas()[index], model, combo)
    if action == "read" and "read" in given.actions and guarded_fields(model):
        return given.reads  # the matrix asked this already
    if action == "update" and guarded_fields(model):
        return given.writes
    stand_in = INPUTS[model].stand_in(model, combo)
    return engine.allowed_fields(_personas()[index].principal, action, stand_in)


def _combos(index: int, model: type, action: str, fields: frozenset[str]) -> set[tuple[Any, ...]]:
    """The situations in which the persona may ``action`` the object (its ``fields``: read
    needs the object readable, any other action on fields asks only the field rule)."""
    found = set()
    for combo in _situations(index, model).combos():
        if fields and action != "read":
            allowed = _fields(index, model, combo, action)
        elif _allowed(index, model, combo, action):
            allowed = _fields(index, model, combo, action) if fields else None
        else:
            continue
        if allowed is None or fields <= allowed:
            found.add(combo)
    return found


def who_may(model: type, action: str = "read", fields: Iterable[str] = ()) -> list[Reader]:
    """Every persona allowed ``action`` on ``model`` (on all of ``fields`` when given), with
    its situations, in the matrix's order of personas."""
    wanted = frozenset(fields)
    every_user: set[tuple[Any, ...]] = set()
    found: list[Reader] = []
    for index, persona in enumerate(_personas()):
        named = _group(persona)
        if named is None:
            continue
        group, name = named
        combos = _combos(index, model, action, wanted)
        if group == EVERY_USER:
            every_user = combos
        elif group != PARTNER_TOKEN:
            combos -= every_user  # said once, for every user
        if combos:
            when = _situations(index, model).conditions(sorted(combos, key=str))
            found.append(Reader(group, name, when))
    return found
