"""The error codes: every code the API can emit is in the README and the README lists no other;
codes are enum members, never bare strings; each error is coded by the phase it came from."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import api
import domain
from api.error_codes import Code, Phase
from api.errors import ErrorCode
from domain.errors import DomainError
from tests.support import error_codes, gql

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text()
SOURCES = sorted(
    path for package in (api, domain) for path in Path(next(iter(package.__path__))).rglob("*.py")
)


def _section(heading: str) -> str:
    start = README.index(f"#### {heading}\n")
    end = README.find("\n#", start + len(heading) + 6)
    return README[start : end if end != -1 else None]


def _table_codes(section: str) -> list[str]:
    return re.findall(r"^\| `([A-Z_]+)` \|", section, flags=re.M)


def test_the_readme_lists_every_top_level_code_once_with_its_phase():
    rows = re.findall(r"^\| `([A-Z_]+)` \| (\w+) \|", _section("Top-level error codes"), re.M)
    assert sorted(code for code, _ in rows) == sorted(c.value for c in Code)
    assert len(rows) == len(Code)
    assert {code: phase for code, phase in rows} == {c.value: c.phase.value for c in Code}


def test_the_readme_lists_every_payload_code():
    listed = re.findall(r"`([A-Z_]+)`", _section("Payload error codes"))
    assert sorted(set(listed)) == sorted(c.value for c in ErrorCode)


def _subclasses(cls: type) -> set[type]:
    found = set(cls.__subclasses__())
    for sub in list(found):
        found |= _subclasses(sub)
    return found


def test_every_domain_error_code_is_a_payload_code():
    import api.schema  # noqa: F401 - imports every module that defines a domain error

    codes = {cls.code for cls in _subclasses(DomainError)}
    assert codes <= {c.value for c in ErrorCode}, codes - {c.value for c in ErrorCode}


def _string(node: ast.AST) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


# where each error builder of ``api/`` takes its code, by position
CODE_ARGUMENT = {"send_error": 2, "_reject": 3, "CodedError": 1, "error_response": 2}


def _bare_codes(tree: ast.AST) -> list[tuple[int, str]]:
    """String literals given as an error code: ``{"code": "X"}``, ``code="X"``, and the code
    argument of ``send_error`` / ``_reject`` / ``CodedError`` / ``error_response``. (A domain
    error class's ``code`` attribute is checked by value, below.)"""
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if key is not None and _string(key) == "code" and _string(value) is not None:
                    found.append((node.lineno, _string(value) or ""))
        elif isinstance(node, ast.Call):
            name = getattr(node.func, "id", getattr(node.func, "attr", ""))
            for keyword in node.keywords:
                if keyword.arg == "code" and _string(keyword.value) is not None:
                    found.append((node.lineno, _string(keyword.value) or ""))
            position = CODE_ARGUMENT.get(name)
            arguments = node.args[position : position + 1] if position is not None else []
            found += [(node.lineno, text) for a in arguments if (text := _string(a)) is not None]
    return found


def test_api_code_names_codes_only_through_the_enums():
    bare = []
    for path in SOURCES:
        if path.relative_to(ROOT).parts[0] == "api":
            for line, text in _bare_codes(ast.parse(path.read_text())):
                bare.append(f"{path.relative_to(ROOT)}:{line} {text}")
    assert bare == []


def test_domain_error_codes_given_as_strings_are_payload_codes():
    """Domain services give a domain error its code as a string (the domain knows no GraphQL
    enum): ``ValidationFailed(..., code="ARCHIVED")``; each must be a payload code."""
    import api.schema  # noqa: F401 - imports every module that defines a domain error

    errors = {cls.__name__ for cls in _subclasses(DomainError)} | {"DomainError"}
    payload = {c.value for c in ErrorCode}
    given = []
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) in errors:
                for keyword in node.keywords:
                    if keyword.arg == "code":
                        given.append((f"{path.relative_to(ROOT)}:{node.lineno}", keyword.value))
    assert len(given) > 5  # the check sees the domain's calls
    strays = [f"{where} {_string(v)}" for where, v in given if _string(v) not in (None, *payload)]
    assert strays == []


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"query": "{ products(first: 5 }"}, Code.GRAPHQL_PARSE_FAILED),
        ({"query": "{" + " __typename" * 4001 + " }"}, Code.GRAPHQL_PARSE_FAILED),  # tokens
        ({"query": "query($id: ID!) { __typename }"}, Code.GRAPHQL_VALIDATION_FAILED),
        ({"query": "query($id: ID) { __typename }"}, Code.GRAPHQL_VALIDATION_FAILED),
        ({"query": "{ nope }"}, Code.GRAPHQL_VALIDATION_FAILED),
        (
            {
                "query": "query($n: Int) { products(first: $n) { totalCount } }",
                "variables": {"n": "x"},
            },
            Code.BAD_USER_INPUT,
        ),
        (
            {"query": "query($id: ID!) { product(id: $id) { id } }", "variables": {}},
            Code.BAD_USER_INPUT,
        ),
    ],
)
async def test_errors_are_coded_by_phase_not_by_message(anon, body, code):
    response = await anon.post("/graphql", json=body)
    assert error_codes(response.json()) == [code]


async def test_a_domain_error_outside_a_payload_keeps_its_domain_code(anon, world):
    manager = world.team.clients["manager"]
    body = await gql(manager, "{ products(first: 500) { totalCount } }")
    assert error_codes(body) == [ErrorCode.VALIDATION.value]
    assert body["errors"][0]["path"] == ["products"]
    body = await gql(anon, "{ products(first: 5) { totalCount } }")
    assert error_codes(body) == [ErrorCode.UNAUTHENTICATED.value]


def test_every_phase_has_codes():
    assert {code.phase for code in Code} == set(Phase)
