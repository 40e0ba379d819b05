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
        message = body["errors"][0]["message"]
        assert "expands to more than 5,000" in message or "into one object" in message
        assert body.get("data") is None
    fine = await gql(team.clients["viewer"], _fan_out(6))
    assert fine["data"] == {"__typename": "Query"}


async def test_an_operation_expanding_to_more_than_5000_fields_is_refused(anon):
    one = "products { nodes { ...I } edges { node { ...I } } }"  # 305 fields expanded
    document = "{ ...Q } fragment Q on Query { " + " ".join(f"a{n}: {one}" for n in range(30))
    body = await gql(anon, document + " } fragment I on Product { " + "id " * 150 + "}")
    assert error_codes(body) == ["GRAPHQL_VALIDATION_FAILED"], body
    assert "expands to more than 5,000 fields" in body["errors"][0]["message"]


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


async def test_a_long_chain_of_fragments_is_refused_not_a_crash(anon):
    """250 fragments each spreading the previous one: the depth limit followed the chain
    recursively and overflowed the stack (HTTP 500 under graphql-response+json)."""
    chain = " ".join(f"fragment F{n} on Query {{ ...F{n - 1} }}" for n in range(1, 251))
    document = f"{{ ...F250 }} fragment F0 on Query {{ __typename }} {chain}"
    response = await anon.post(
        "/graphql",
        json={"query": document},
        headers={"accept": "application/graphql-response+json"},
    )
    assert response.status_code == 400
    assert error_codes(response.json()) == ["GRAPHQL_VALIDATION_FAILED"]
    assert "more than 50 deep" in response.json()["errors"][0]["message"]


async def test_json_nested_too_deep_or_not_a_number_is_a_bad_request(anon):
    """Nesting past a few hundred levels overflowed the stack wherever variables were walked;
    NaN is no JSON; 1e999 is, but Python's json read it as infinity, past the NaN check."""
    deep = "[" * 350 + "]" * 350
    for body in (
        '{"query": "{ __typename }", "variables": {"a": ' + deep + "}}",
        '{"query": "{ __typename }", "variables": {"a": ' + "[" * 1500 + "]" * 1500 + "}}",
        '{"query": "{ __typename }", "variables": {"a": NaN}}',
        '{"query": "{ __typename }", "variables": {"a": 1e999}}',
        '{"query": "{ __typename }", "variables": {"a": [-1.5E+400]}}',
        '{"query": "{ __typename }", "extensions": {"a": 1e309}}',
    ):
        response = await anon.post(
            "/graphql", content=body, headers={"content-type": "application/json"}
        )
        assert response.status_code == 400, response.text[:200]
        assert error_codes(response.json()) == ["BAD_REQUEST"]
    over_get = await anon.get(
        "/graphql", params={"query": "{ __typename }", "variables": '{"a": 1e999}'}
    )
    assert over_get.status_code == 400, over_get.text[:200]
    assert error_codes(over_get.json()) == ["BAD_REQUEST"]
    assert "beyond 1.8e308" in over_get.json()["errors"][0]["message"]
    fine = '{"query": "{ __typename }", "variables": {"a": ' + "[" * 60 + "]" * 60 + "}}"
    json_type = {"content-type": "application/json"}
    response = await anon.post("/graphql", content=fine, headers=json_type)
    assert response.json()["data"] == {"__typename": "Query"}


async def test_an_explicit_null_over_a_default_for_a_required_argument_is_bad_input(team):
    body = await gql(
        team.clients["viewer"], 'query($id: ID = "x") { node(id: $id) { id } }', id=None
    )
    assert error_codes(body) == ["BAD_USER_INPUT"], body
    assert "not to be None" in body["errors"][0]["message"]


async def test_introspection_is_charged_what_it_returns(anon):
    """A full __schema returns about 2,600 objects: thirty of them are over the limit."""
    one = "__schema { types { name fields { name type { name } } } }"
    body = await gql(anon, f"{{ {one} }}")
    assert body["extensions"]["cost"]["requested"] == 3_000 and "errors" not in body
    many = await gql(anon, "{ " + " ".join(f"a{n}: {one}" for n in range(30)) + " }")
    assert error_codes(many) == ["COST_LIMIT_EXCEEDED"]


async def test_too_many_fields_into_one_object_are_refused_before_validation(anon):
    """Validation compares the fields of one object pairwise: 500 took 0.9 s, 800 overflowed
    ("Validation aborted.")."""
    for document in (
        "{ " + "viewer { kind } " * 500 + "}",
        "{ " + "__typename " * 800 + "}",
        "{ ...A ...B } fragment A on Query { " + "__typename " * 80 + "} "
        "fragment B on Query { " + "__typename " * 80 + "}",
    ):
        body = await gql(anon, document)
        assert error_codes(body) == ["GRAPHQL_VALIDATION_FAILED"], body
        assert "fields answer into one object" in body["errors"][0]["message"]
    assert (await gql(anon, "{ " + "__typename " * 150 + "}"))["data"]
