"""The permission notes of the schema, written from the policy.

Who may read an object type, who may read each personal field (the guard's plan, from
api/type_map.py and the personal-data declaration) and which policy action a root field needs
(api/field_actions.py) are asked of authz/readers.py, which regroups the access matrix's
answers: no note is typed by hand.

Asking the policy takes Oso about 16,000 decisions (half a minute), too slow for every start,
so, like docs/access-matrix.md, the notes are kept in a generated file, api/permission_notes.json,
which the schema reads when it is built (api/describe.py). ``make schema`` (``python -m
api.permission_notes``) rewrites it, and a test regenerates it from the live policy and fails
when it differs: the schema, the access matrix and the policy cannot disagree unnoticed.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from authz.readers import (
    EVERY_USER,
    ORGANIZATION_ROLE,
    PARTNER_TOKEN,
    PLATFORM_ROLE,
    Reader,
    who_may,
)
from authz.resources import INPUTS, THROUGH_PARENT
from domain.personal import declaration

NOTES_PATH = Path(__file__).with_name("permission_notes.json")

_GROUPS = (
    (EVERY_USER, "", ""),
    (ORGANIZATION_ROLE, "organization role", "organization roles"),
    (PLATFORM_ROLE, "platform role", "platform roles"),
    (PARTNER_TOKEN, "partner tokens with", "partner tokens with"),
)


def _names(group: str, names: list[str]) -> str:
    if group == PARTNER_TOKEN:
        return " or ".join(" + ".join(f"`{s}`" for s in name.split(" + ")) for name in names)
    return ", ".join(names)


def readers_text(readers: Iterable[Reader]) -> str:
    """``readers`` as one phrase: "organization roles owner, admin (organization_id: yours);
    platform role privacy_officer"; "no one" when empty."""
    readers = list(readers)
    parts = []
    for group, one, many in _GROUPS:
        mine = [r for r in readers if r.group == group]
        if not mine:
            continue
        by_when: dict[str, list[str]] = {}
        for reader in mine:
            by_when.setdefault(reader.when, []).append(reader.name)
        pieces = [
            _names(group, names) + ("" if when == "always" else f" ({when})")
            for when, names in by_when.items()
        ]
        head = many if len(mine) > 1 else one
        text = (f"{head} " if head else "") + ", ".join(pieces)
        if group == PARTNER_TOKEN:
            text += ", within their creator's role"
        parts.append(text)
    return "; ".join(parts) or "no one"


def type_note(model: type) -> str:
    """Who may read objects of ``model`` at all."""
    if model in THROUGH_PARENT:
        return f"Readable with its parent: {THROUGH_PARENT[model]}."
    return (
        f"Readable by {readers_text(who_may(model))}. Anyone else gets NOT_FOUND, and lists "
        "leave it out."
    )


def field_note(model: type, fields: tuple[str, ...]) -> str:
    """Who may read the personal columns ``fields`` of ``model`` (a field shows them all)."""
    decl = declaration(model)
    assert decl is not None and decl.subject is not None, model
    categories = ", ".join(sorted({decl.fields[name].value for name in fields}))
    whose = decl.subject.kind.value.replace("person", "user or customer")
    return (
        f"Personal data of the {whose} ({categories}). Readable by "
        f"{readers_text(who_may(model, 'read', fields))}; anyone else gets null and FORBIDDEN "
        "at this path."
    )


def action_note(requirements: Iterable[tuple[type, str, tuple[str, ...]]]) -> str:
    """Who may do each policy action a root field asks for (on ``fields`` when given)."""
    notes = []
    for model, action, fields in requirements:
        if model not in INPUTS:
            raise LookupError(f"{model.__name__} is no resource of the policy")
        readers = who_may(model, action, fields)
        if not readers:
            raise LookupError(f"the policy allows {action} on {model.__name__} to no one")
        what = f"{', '.join(fields)} of {model.__name__}" if fields else model.__name__
        notes.append(f"Requires `{action}` on {what}: {readers_text(readers)}.")
    return " ".join(notes)


def build_notes(
    *,
    plan: Mapping[tuple[str, str], Any],
    type_models: Mapping[str, type],
    requirements: Mapping[str, Iterable[tuple[Any, ...]]],
) -> dict[str, str]:
    """Every note, keyed like the descriptions (``Type``, ``Type.field``), asked of the policy."""
    notes = {name: type_note(model) for name, model in type_models.items()}
    for (type_name, field_name), rule in plan.items():
        if rule.kind == "personal":
            notes[f"{type_name}.{field_name}"] = field_note(rule.model, rule.fields)
    for key, needed in requirements.items():
        notes[key] = action_note((r[0], r[1], r[2] if len(r) > 2 else ()) for r in needed)
    return dict(sorted(notes.items()))


def render(notes: Mapping[str, str]) -> str:
    return json.dumps(notes, indent=1, ensure_ascii=False) + "\n"


def load_notes() -> dict[str, str]:
    """The committed notes (none while the file does not exist yet)."""
    if not NOTES_PATH.exists():
        return {}
    found: dict[str, str] = json.loads(NOTES_PATH.read_text())
    return found


def current_notes() -> dict[str, str]:
    """The notes the live policy gives for the live schema (slow: asks Oso)."""
    from api.field_actions import REQUIRES
    from api.guard_build import type_models
    from api.schema import GUARD_PLAN, schema
    from api.type_map import TYPES

    return build_notes(
        plan=GUARD_PLAN, type_models=type_models(schema._schema, TYPES), requirements=REQUIRES
    )


if __name__ == "__main__":  # make schema
    NOTES_PATH.write_text(render(current_notes()))
    sys.exit(0)
