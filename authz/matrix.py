"""The access matrix: what each role and each token scope may read and write, from the live policy.

Nothing here is written by hand: for every persona and every resource, the policy is asked on
stand-ins covering each situation its decision inputs can express (your organization or another,
your own record or someone else's, under an access grant or not, each status...), and the
answers are grouped into Markdown tables. ``mandi authz matrix`` prints it;
docs/access-matrix.md holds a copy that a test regenerates.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum
from typing import Any

from authz import engine
from authz.decisions import guarded_fields
from authz.principal import Principal
from authz.resources import INPUTS, customer_subject, plain, self_id, user_subject
from authz.scopes import SCOPES
from domain.accounts.models import OrgRole, PlatformRole

ORG, OTHER_ORG = 1, 2
# scope combinations worth showing besides each scope alone: contact data needs the read scope
SCOPE_SETS = [
    (("orders:read", "orders.buyer_contact:read"), OrgRole.OWNER),
    (("orders:read", "orders.buyer_contact:read"), OrgRole.STAFF),
    (("orders:read", "orders.buyer_contact:read"), OrgRole.VIEWER),
]
ME, GRANTED_USER, GRANTED_CUSTOMER, SOMEONE = 101, 202, 303, 0


@dataclass(frozen=True)
class Persona:
    title: str
    principal: Principal
    note: str = ""


def personas() -> list[Persona]:
    found = [
        Persona(
            "Signed-in user (no role)",
            Principal(kind="user", user_id=ME),
            "What every person has over their own data, whatever their roles.",
        )
    ]
    for role in OrgRole:
        found.append(
            Persona(
                f"Organization role `{role.value}`",
                Principal(kind="user", user_id=ME, org_roles={ORG: role}),
            )
        )
    for platform_role in PlatformRole:
        grants: frozenset[tuple[str, int]] = frozenset()
        note = ""
        if platform_role is PlatformRole.SUPPORT_AGENT:
            grants = frozenset({("user", GRANTED_USER), ("customer", GRANTED_CUSTOMER)})
            note = "Holding an open access grant for one user and one customer."
        found.append(
            Persona(
                f"Platform role `{platform_role.value}`",
                Principal(
                    kind="user",
                    user_id=ME,
                    platform_roles=frozenset({platform_role}),
                    grants=grants,
                ),
                note,
            )
        )
    for scopes, creator in [((s,), OrgRole.OWNER) for s in SCOPES] + SCOPE_SETS:
        names = " + ".join(f"`{s}`" for s in scopes)
        found.append(
            Persona(
                f"Partner token with {names}, created by an {creator.value}"
                if creator is OrgRole.OWNER
                else f"Partner token with {names}, created by {creator.value}",
                Principal(
                    kind="token", user_id=ME, org_roles={ORG: creator}, scopes=frozenset(scopes)
                ),
                "The token's rights are its scopes intersected with its creator's current rights.",
            )
        )
    assert len({p.title for p in found}) == len(found), "answers are memoised by title"
    return found


def _situations(
    principal: Principal, model: type, attribute: str, column: str, normalize: Any
) -> dict[Any, str]:
    """Representative values of one decision input, with how the matrix names them."""
    granted = bool(principal.grants)
    if normalize is self_id:
        return {ME: "own", SOMEONE: "someone else's"}
    if normalize is user_subject:
        if not granted:
            return {ME: "own", SOMEONE: "someone else's"}
        return {ME: "own", GRANTED_USER: "under your grant", SOMEONE: "someone else's"}
    if normalize is customer_subject:
        if not granted:
            return {SOMEONE: "any"}
        return {GRANTED_CUSTOMER: "under your grant", SOMEONE: "not under your grant"}
    if normalize is plain and attribute == "subject":  # a search of the audit log
        return {"customer:1": "one data subject", None: "none"}
    # the same answer whether or not Tortoise has initialized (which adds the *_id fields)
    meta = getattr(model, "_meta", None)
    fields_map = meta.fields_map if meta is not None else {}
    field = fields_map.get(column) or fields_map.get(column.removesuffix("_id"))
    enum_type = getattr(field, "enum_type", None)
    if enum_type is not None and issubclass(enum_type, Enum):
        return {member.value: member.value for member in enum_type}
    if normalize is plain and attribute == "organization_id":
        values: dict[int | None, str] = {ORG: "yours", OTHER_ORG: "another"}
        if field is None or field.null:
            values[None] = "none"
        return values
    raise ValueError(f"{model.__name__}.{attribute}: no situations known for the matrix")


@dataclass(frozen=True)
class Answer:
    actions: frozenset[str]
    reads: frozenset[str] | None
    writes: frozenset[str] | None


# The policy's answers, by persona title, model and situation: the matrix and the schema's
# permission notes (authz/readers.py) ask the same questions, so one process asks Oso once.
_ANSWERS: dict[tuple[str, type, tuple[Any, ...]], Answer] = {}


def answer(persona: Persona, model: type, combo: tuple[Any, ...]) -> Answer:
    """What ``persona`` may do on a stand-in of ``model`` in situation ``combo`` (memoised)."""
    key = (persona.title, model, combo)
    found = _ANSWERS.get(key)
    if found is None:
        found = _ANSWERS[key] = _answer(persona.principal, INPUTS[model].stand_in(model, combo))
    return found


def _answer(principal: Principal, stand_in: Any) -> Answer:
    oso = engine.init_oso()
    actions = frozenset(oso.authorized_actions(principal, stand_in, allow_wildcard=True))
    reads: frozenset[str] | None = frozenset()
    writes: frozenset[str] | None = frozenset()
    if guarded_fields(type(stand_in)):
        reads = engine.allowed_fields(principal, "read", stand_in) if "read" in actions else reads
        writes = engine.allowed_fields(principal, "update", stand_in)
    return Answer(actions, reads, writes)


def _conditions(names: list[str], labels: list[dict[Any, str]], combos: list[tuple]) -> str:
    """The combos as a readable condition: a product of value sets, split where it is not."""
    if not names:
        return "always"
    values = [sorted({c[i] for c in combos}, key=str) for i in range(len(names))]
    size = 1
    for v in values:
        size *= len(v)
    if size == len(combos):
        parts = [
            f"{name}: {' or '.join(label[v] for v in vals)}"
            for name, label, vals in zip(names, labels, values, strict=True)
            if len(vals) < len(label)
        ]
        return ", ".join(parts) or "always"
    first = values[0]
    pieces = []
    for value in first:
        rest = [c[1:] for c in combos if c[0] == value]
        inner = _conditions(names[1:], labels[1:], rest)
        head = f"{names[0]}: {labels[0][value]}"
        pieces.append(head if inner == "always" else f"{head}, {inner}")
    return "; or ".join(pieces)


def _fields(found: frozenset[str] | None, model: type) -> str:
    guarded = guarded_fields(model)
    if found is None or (guarded and found >= guarded):
        return "all personal fields" if guarded else "—"
    return ", ".join(sorted(found)) if found else "—"


@dataclass(frozen=True)
class Situations:
    """The situations of one model for one persona: its decision inputs' names and how each of
    their representative values is named."""

    names: list[str]
    labels: list[dict[Any, str]]

    def combos(self) -> Iterator[tuple[Any, ...]]:
        """Every combination of representative values, one per situation."""
        return itertools.product(*[list(label) for label in self.labels])

    def conditions(self, combos: list[tuple[Any, ...]]) -> str:
        return _conditions(self.names, self.labels, combos)


def situations(persona: Persona, model: type) -> Situations:
    inputs = INPUTS[model]
    return Situations(
        list(inputs.attributes),
        [
            _situations(persona.principal, model, name, column, normalize)
            for name, (column, _, normalize) in inputs.attributes.items()
        ],
    )


def rows(persona: Persona) -> Iterator[tuple[str, str, str, str, str]]:
    for model in INPUTS:
        found = situations(persona, model)
        grouped: dict[Answer, list[tuple[Any, ...]]] = {}
        for combo in found.combos():
            given = answer(persona, model, combo)
            if given.actions or given.reads or given.writes:
                grouped.setdefault(given, []).append(combo)
        for given, combos in sorted(grouped.items(), key=lambda item: sorted(item[0].actions)):
            yield (
                model.__name__,
                found.conditions(combos),
                ", ".join(sorted(given.actions)) or "—",
                _fields(given.reads, model),
                _fields(given.writes, model),
            )


HEADER = """# Access matrix

Generated from the live Oso policy (`authz/policies/*.polar`) by `mandi authz matrix`; do not
edit by hand (a test regenerates it and fails when it differs). For each persona: the types it
may act on, in which situation (your organization or another, your own record or someone
else's, under an access grant or not, an order's status...), the actions the policy allows, and
the personal fields it may read and write. Types and fields not listed are denied. Non-personal
fields of a readable object are readable.
"""


def render() -> str:
    out = [HEADER]
    for persona in personas():
        out.append(f"\n## {persona.title}\n")
        if persona.note:
            out.append(f"\n{persona.note}\n")
        table = list(rows(persona))
        if not table:
            out.append("\nNothing.\n")
            continue
        out.append("\n| Type | When | Actions | Reads (personal) | Writes (personal) |\n")
        out.append("|---|---|---|---|---|\n")
        for row in table:
            out.append("| " + " | ".join(row) + " |\n")
    return "".join(out)
