"""The permission notes of the schema are the policy's answers, and agree with the access matrix."""

from __future__ import annotations

import re
from pathlib import Path

from api.permission_notes import NOTES_PATH, current_notes, load_notes, render
from api.schema import GUARD_PLAN, SDL_PATH
from domain.accounts.models import OrgRole, PlatformRole
from domain.personal import declaration

MATRIX = Path(__file__).parents[2] / "docs" / "access-matrix.md"


def test_the_committed_notes_are_generated_from_the_live_policy():
    assert NOTES_PATH.read_text() == render(current_notes()), (
        "policy or schema changed: run `make schema` and commit api/permission_notes.json"
    )


def test_every_note_is_in_the_committed_schema():
    sdl = SDL_PATH.read_text()
    for key, note in load_notes().items():
        assert note in sdl, key


def _matrix_readers(model: str, fields: set[str]) -> dict[str, set[str]]:
    """Persona title -> the "When" texts of its matrix rows that read all of ``fields``."""
    found: dict[str, set[str]] = {}
    title = ""
    for line in MATRIX.read_text().splitlines():
        if line.startswith("## "):
            title = line[3:]
        cells = [c.strip() for c in line.strip("|").split("|")]
        if len(cells) != 5 or cells[0] != model or "read" not in cells[2].split(", "):
            continue
        reads = cells[3]
        if reads == "all personal fields" or fields <= set(reads.split(", ")):
            found.setdefault(title, set()).add(cells[1])
    return found


def _expected(model: type, fields: tuple[str, ...]) -> set[str]:
    """The names a note must list, from the committed matrix (its personas' titles)."""
    readers = _matrix_readers(model.__name__, set(fields))
    every_user = readers.get("Signed-in user (no role)", set())
    names = set()
    for title, whens in readers.items():
        role = re.search(r"role `(\w+)`", title)
        token = re.match(r"Partner token with (.+), created by an owner$", title)
        if role and whens - every_user:
            names.add(role.group(1))
        elif token:
            names.add(token.group(1).replace("`", ""))
    return names


def _listed(note: str) -> set[str]:
    roles = {r.value for r in OrgRole} | {r.value for r in PlatformRole}
    names = {r for r in roles if re.search(rf"\b{r}\b", note)}
    tokens = re.search(r"partner tokens with (.+?) \(", note)
    if tokens:
        names |= {t.replace("`", "") for t in tokens.group(1).split(" or ")}
    return names


def test_a_personal_fields_note_lists_exactly_the_personas_the_matrix_lets_read_it():
    notes = load_notes()
    checked = 0
    for (type_name, field_name), rule in GUARD_PLAN.items():
        if rule.kind != "personal":
            continue
        note = notes[f"{type_name}.{field_name}"]
        decl = declaration(rule.model)
        assert decl is not None
        for name in rule.fields:
            assert decl.fields[name].value in note, (type_name, field_name)
        expected = _expected(rule.model, rule.fields)
        assert _listed(note) == expected, (type_name, field_name, note)
        checked += 1
    assert checked >= 30
