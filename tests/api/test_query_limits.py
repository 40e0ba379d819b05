"""Query limits (depth, aliases, tokens) refuse abusive documents; validation is cached."""

from __future__ import annotations

import strawberry.schema.schema as strawberry_schema

from tests.support import error_codes, gql


def _nested(depth: int) -> str:
    """A valid document ``depth`` fields deep (odd, from 5; the limiter counts from 0, so 11
    fields is its depth 10): products ... stock, then
    (product, stock) pairs, then onHand."""
    inner = "onHand"
    for _ in range((depth - 5) // 2):
        inner = f"product {{ stock {{ {inner} }} }}"
    return f"{{ products(first: 1) {{ edges {{ node {{ stock {{ {inner} }} }} }} }} }}"


async def test_a_query_deeper_than_ten_levels_is_refused(anon):
    assert "depth" not in str(await gql(anon, _nested(11)))
    body = await gql(anon, _nested(13))
    assert set(error_codes(body)) == {"GRAPHQL_VALIDATION_FAILED"}
    assert "exceeds maximum operation depth" in body["errors"][0]["message"]
    assert body.get("data") is None


async def test_more_than_thirty_aliases_are_refused(anon):
    aliases = " ".join(f"a{n}: __typename" for n in range(31))
    body = await gql(anon, f"{{ {aliases} }}")
    assert error_codes(body) == ["GRAPHQL_VALIDATION_FAILED"]
    allowed = await gql(anon, "{ " + " ".join(f"a{n}: __typename" for n in range(30)) + " }")
    assert "errors" not in allowed


async def test_an_oversized_document_is_refused(anon):
    body = await gql(anon, "{ " + "__typename " * 4100 + "}")
    assert error_codes(body) == ["GRAPHQL_PARSE_FAILED"]


async def test_a_repeated_document_is_validated_once(anon, monkeypatch):
    """The limits' rules are the same objects on every request, so ValidationCache hits."""
    calls = []
    validate = strawberry_schema.validate

    def counting(*args, **kwargs):
        calls.append(1)
        return validate(*args, **kwargs)

    monkeypatch.setattr(strawberry_schema, "validate", counting)
    document = "query Cached { a: __typename b: __typename }"
    for _ in range(3):
        assert "errors" not in await gql(anon, document)
    assert len(calls) <= 1
