"""GraphQL over HTTP: media types and status codes as the GraphQL-over-HTTP spec gives them,
batches refused with a GraphQL error, methods and content types refused as JSON."""

from __future__ import annotations

import httpx
import pytest

from api.app import create_app
from domain.settings import Settings
from tests.support import bearer_client, client_for, error_codes, gid

GQL = "application/graphql-response+json"
ACCEPT_GQL = {"Accept": GQL}


async def _post(client: httpx.AsyncClient, body: object, **headers: str) -> httpx.Response:
    return await client.post("/graphql", json=body, headers=headers)


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        (None, "application/json"),
        ("*/*", "application/json"),
        ("application/json", "application/json"),
        (GQL, GQL),
        (f"{GQL}, application/json;q=0.9", GQL),  # what Apollo Client 4 sends
        (f"application/json, {GQL};q=0.5", "application/json"),
    ],
)
async def test_the_answer_is_in_the_media_type_the_client_prefers(anon, accept, media_type):
    headers = {"Accept": accept} if accept else {}
    response = await _post(anon, {"query": "{ __typename }"}, **headers)
    assert response.status_code == 200
    assert response.headers["content-type"] == media_type
    assert response.json()["data"] == {"__typename": "Query"}


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"query": "{"}, "GRAPHQL_PARSE_FAILED"),
        ({"query": "{ noSuchField }"}, "GRAPHQL_VALIDATION_FAILED"),
        ({"query": "query($id: ID) { __typename }"}, "GRAPHQL_VALIDATION_FAILED"),
        (
            {"query": "query($id: ID!) { product(id: $id) { id } }", "variables": {"id": None}},
            "BAD_USER_INPUT",
        ),
        ({"query": "query A { __typename }", "operationName": "B"}, "OPERATION_RESOLUTION_FAILURE"),
    ],
)
async def test_a_request_that_never_ran_is_400_without_data_only_under_graphql_response_json(
    anon, body, code
):
    strict = await _post(anon, body, **ACCEPT_GQL)
    assert strict.status_code == 400
    assert "data" not in strict.json()
    assert error_codes(strict.json()) == [code]
    legacy = await _post(anon, body, Accept="application/json")
    assert legacy.status_code == 200
    assert legacy.json()["data"] is None
    assert error_codes(legacy.json()) == [code]


async def test_a_field_error_is_200_with_data_under_graphql_response_json(app, world):
    client = world.team.clients["manager"]
    missing = gid("Order", 10**9)
    query = "query($id: ID!) { order(id: $id) { id } }"
    response = await client.post(
        "/graphql", json={"query": query, "variables": {"id": missing}}, headers=ACCEPT_GQL
    )
    assert response.status_code == 200
    body = response.json()
    assert "data" in body
    assert error_codes(body) == ["NOT_FOUND"]
    assert body["errors"][0]["path"] == ["order"]


async def test_a_batch_is_refused_with_a_graphql_error(anon):
    batch = [{"query": "{ __typename }"}, {"query": "{ __typename }"}]
    for headers in ({}, ACCEPT_GQL):
        response = await _post(anon, batch, **headers)
        assert response.status_code == 400
        assert response.headers["content-type"].startswith("application/")
        assert error_codes(response.json()) == ["BATCHING_NOT_SUPPORTED"]


async def test_mutations_are_refused_over_get_with_405(anon):
    response = await anon.get(
        "/graphql", params={"query": "mutation { sessionRevoke }"}, headers=ACCEPT_GQL
    )
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert error_codes(response.json()) == ["METHOD_NOT_ALLOWED"]


async def test_other_methods_and_media_types_are_refused_as_json(anon):
    put = await anon.put("/graphql", json={"query": "{ __typename }"})
    assert put.status_code == 405
    assert put.headers["allow"] == "GET, POST"
    assert error_codes(put.json()) == ["METHOD_NOT_ALLOWED"]
    text = await anon.post(
        "/graphql", content=b"{ __typename }", headers={"content-type": "text/plain"}
    )
    assert text.status_code == 415
    assert error_codes(text.json()) == ["UNSUPPORTED_MEDIA_TYPE"]
    for content in (b"{ not json", b"", b'{"query": 1}', b'{"variables": []}', b"{}"):
        bad = await anon.post(
            "/graphql", content=content, headers={"content-type": "application/json"}
        )
        assert bad.status_code == 400, content
        assert error_codes(bad.json()) == ["BAD_REQUEST"], content


async def test_a_subscription_is_a_validation_error_the_api_has_none(anon):
    for accept, status in (("application/json", 200), (GQL, 400)):
        post = await _post(anon, {"query": "subscription { x }"}, Accept=accept)
        get = await anon.get(
            "/graphql", params={"query": "subscription { x }"}, headers={"Accept": accept}
        )
        for response in (post, get):
            assert response.status_code == status
            assert error_codes(response.json()) == ["GRAPHQL_VALIDATION_FAILED"]
            assert response.json()["errors"][0]["message"] == "this API has no subscriptions"


async def test_refusals_before_graphql_follow_the_accept_header(app):
    async with bearer_client(app, "mandi_pt_nonsense") as client:
        response = await client.post(
            "/graphql", json={"query": "{ __typename }"}, headers=ACCEPT_GQL
        )
    assert response.status_code == 401
    assert response.headers["content-type"] == GQL
    assert "data" not in response.json()
    assert error_codes(response.json()) == ["UNAUTHENTICATED"]


async def test_get_queries_and_graphiql_still_work(app):
    async with client_for(app, None) as client:
        query = await client.get("/graphql", params={"query": "{ __typename }"})
        assert query.json()["data"] == {"__typename": "Query"}
        page = await client.get("/graphql", headers={"Accept": "text/html"})
        assert page.headers["content-type"].startswith("text/html")


async def test_an_answer_over_the_size_cap_keeps_a_null_data_entry(backend):
    app = create_app(Settings(max_response_bytes=40), manage_db=False)
    try:
        async with client_for(app, None) as client:
            for headers, media_type in (({}, "application/json"), (ACCEPT_GQL, GQL)):
                response = await _post(client, {"query": "{ __typename }"}, **headers)
                assert response.status_code == 200  # it ran: data is lost, not absent
                assert response.headers["content-type"] == media_type
                assert response.json()["data"] is None
                assert error_codes(response.json()) == ["RESPONSE_TOO_LARGE"]
    finally:
        await app.state.refusals.close()
