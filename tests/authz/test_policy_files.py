"""The policy covers every model, names only real scopes, and the committed matrix is current."""

from __future__ import annotations

import re
from pathlib import Path

from authz.engine import policy_files
from authz.matrix import render
from authz.resources import INPUTS, THROUGH_PARENT
from authz.scopes import SCOPES
from domain import db

MATRIX = Path(__file__).parents[2] / "docs" / "access-matrix.md"


def test_every_model_is_a_resource_of_the_policy(backend):
    for name, model in db.models().items():
        assert model in INPUTS or model in THROUGH_PARENT, f"{name}: declare its decision inputs"


def test_every_resource_has_a_block_in_the_policy():
    text = "\n".join(path.read_text() for path in policy_files())
    blocks = set(re.findall(r"^resource (\w+) \{", text, flags=re.M))
    denied_to_all = {
        "LoginChallenge",
        "PasswordReset",
        "SignUpConfirmation",
        "EmailChange",
        "EmailOutbox",
    }  # accounts.polar says why
    assert {model.__name__ for model in INPUTS} - blocks == denied_to_all


def test_the_policy_names_only_known_scopes():
    text = "\n".join(path.read_text() for path in policy_files())
    used = set(re.findall(r'scope_covers(?:_field)?\("([^"]+)"', text))
    assert used and used <= set(SCOPES)
    assert set(SCOPES) <= used, "a scope the policy never grants anything"


def test_the_committed_access_matrix_is_generated_from_the_live_policy():
    assert MATRIX.read_text() == render(), (
        "policy changed: run `mandi authz matrix --output docs/access-matrix.md`"
    )
