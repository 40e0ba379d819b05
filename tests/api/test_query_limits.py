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


def _fan_out(levels: int) -> str:
    """Each fragment spreads the next twice: a document of ~40 bytes a level that expands to
    2 ** levels fields."""
    spreads = " ".join(
        f"fragment F{n} on Query {{ ...F{n + 1} ...F{n + 1} }}" for n in range(levels)
    )
    return f"{{ ...F0 }} {spreads} fragment F{levels} on Query {{ __typename }}"


async def test_fragments_that_fan_out_are_refused_before_they_are_expanded(anon, team):
    """Twenty levels held the server 12 s, signed in or not, and answered; it is refused at
    once, and a document that spreads its fragments sensibly still runs."""
    for client in (anon, team.clients["viewer"]):
        body = await gql(client, _fan_out(20))
        assert error_codes(body) == ["GRAPHQL_VALIDATION_FAILED"], body
        assert "expands to more than 5,000 fields" in body["errors"][0]["message"]
        assert body.get("data") is None
    fine = await gql(team.clients["viewer"], _fan_out(6))
    assert fine["data"] == {"__typename": "Query"}


async def test_a_spread_of_an_unknown_fragment_is_a_validation_error(anon, team):
    """The depth limit looked the fragment up and raised KeyError: INTERNAL_SERVER_ERROR."""
    for document in ("{ ...Nope }", "{ orders(first: 1) { nodes { ...Nope } } }"):
        body = await gql(team.clients["viewer"], document)
        assert error_codes(body) == ["GRAPHQL_VALIDATION_FAILED"], body
        assert body["errors"][0]["message"] == 'Unknown fragment "Nope".'


async def test_several_operations_and_no_operation_name_run_none(anon):
    """Strawberry named the first operation when the client named none, so it ran."""
    document = "query A { __typename } query B { viewer { kind } }"
    body = await gql(anon, document)
    assert error_codes(body) == ["OPERATION_RESOLUTION_FAILURE"], body
    assert body.get("data") is None
    named = await anon.post("/graphql", json={"query": document, "operationName": "A"})
    assert named.json()["data"] == {"__typename": "Query"}
