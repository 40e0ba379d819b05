"""Schema lint: every type, field, argument and enum value of the committed schema is described,
the catalogue names only what exists (once), and the committed SDL is the one built now."""

from __future__ import annotations

import inspect

from graphql import build_schema

from api.describe import elements
from api.field_actions import REQUIRES
from api.schema import DESCRIBED, SDL_PATH, schema


def test_every_element_of_the_committed_schema_has_a_description():
    committed = build_schema(SDL_PATH.read_text())
    missing = [key for key, element in elements(committed) if not element.description]
    assert not missing, f"describe these (api/descriptions/ or in the code): {missing}"


def test_the_committed_schema_is_the_one_built_now():
    assert SDL_PATH.read_text() == schema.as_str() + "\n", "run `make schema` and commit it"


def test_the_catalogue_and_the_notes_name_only_elements_of_the_schema():
    assert DESCRIBED.unknown == (), "keys that name nothing in the schema"
    assert DESCRIBED.twice == (), "described in the code and in the catalogue: keep one"


def _resolver_source(type_name: str, field_name: str) -> str:
    definition = schema.get_type_by_name(type_name)
    assert definition is not None
    field = next(
        f
        for f in definition.fields
        if schema.config.name_converter.get_graphql_name(f) == field_name
    )
    func = inspect.unwrap(field.base_resolver.wrapped_func)
    source = inspect.getsource(func)
    module = inspect.getmodule(func)
    # helpers of the same module the resolver calls (e.g. roles' _may, consent's _record)
    for name, helper in inspect.getmembers(module, inspect.isfunction):
        if helper.__module__ == module.__name__ and f"{name}(" in source:
            source += inspect.getsource(helper)
    return source


def test_every_declared_action_is_one_its_resolver_authorizes():
    for key, needed in REQUIRES.items():
        type_name, field_name = key.split(".")
        source = _resolver_source(type_name, field_name)
        for requirement in needed:
            action = requirement[1]
            assert f'"{action}"' in source, f"{key} never asks for {action!r}"
