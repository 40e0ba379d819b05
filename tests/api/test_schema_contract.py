from __future__ import annotations

from api.schema import SDL_PATH, schema


def test_committed_schema_matches_the_code():
    committed = SDL_PATH.read_text()
    assert committed == schema.as_str() + "\n", "schema changed: run `make schema` and commit it"
