"""Every HTTP answer names its request in exactly one X-Request-Id: refusals made before GraphQL
runs (400, 401, 405, 413, 414, 415, a persisted query not found, an export link that leads
nowhere), the health checks, and the fault handler's 503, which also keeps the security and
CORS headers a browser needs to read it. Every error of every answer quotes that id in
``extensions.requestId``: field errors, parse and validation errors, refusals."""

from __future__ import annotations

import re

import httpx

import api.auth
from api.app import create_app
from audit.models import AuditEntry
from domain.settings import Settings
from tests.support import bearer_client, client_for, make_user

ID = re.compile(r"[0-9a-f]{32}")
APQ = {"persistedQuery": {"version": 1, "sha256Hash": "0" * 64}}


def _one_id(response: httpx.Response) -> str:
    ids = response.headers.get_list("x-request-id")
    assert len(ids) == 1, (response.status_code, ids)
    assert ID.fullmatch(ids[0]), ids
    return ids[0]


async def test_refusals_before_graphql_runs_carry_a_request_id(anon):
    json = {"content-type": "application/json"}
    answers = {
        "405": await anon.put("/graphql", json={"query": "{ __typename }"}),
        "415": await anon.post("/graphql", content=b"{}", headers={"content-type": "text/plain"}),
        "400": await anon.post("/graphql", content=b"{ nope", headers=json),
        "413": await anon.post("/graphql", content=b"x" * (20 * 1024 * 1024), headers=json),
        "414": await anon.get("/graphql", params={"query": "{ " + "__typename " * 2000 + "}"}),
        "apq": await anon.post("/graphql", json={"extensions": APQ}),
        "export": await anon.get("/privacy/exports/no-such-link"),
        "healthz": await anon.get("/healthz"),
        "ok": await anon.post("/graphql", json={"query": "{ __typename }"}),
    }
    statuses = {name: r.status_code for name, r in answers.items()}
    assert statuses == {
        "405": 405,
        "415": 415,
        "400": 400,
        "413": 413,
        "414": 414,
        "apq": 200,
        "export": 404,
        "healthz": 200,
        "ok": 200,
    }
    ids = [_one_id(r) for r in answers.values()]
    assert len(set(ids)) == len(ids)  # one per request
    # the export download's refusal quotes the same id in its body and its audit entry
    export = answers["export"]
    assert export.json()["errors"][0]["extensions"]["requestId"] == _one_id(export)


async def test_a_refused_token_names_the_request_its_entry_belongs_to(app):
    async with bearer_client(app, "mandi_pt_nonsense") as client:
        response = await client.post("/graphql", json={"query": "{ __typename }"})
    assert response.status_code == 401
    request_id = _one_id(response)
    assert await AuditEntry.filter(request_id=request_id, action="token.rejected").exists()


async def test_the_fault_handlers_503_keeps_the_id_the_security_and_the_cors_headers(
    backend, monkeypatch
):
    origin = "https://app.mandi.test"
    settings = Settings(environment="production", allowed_origins=frozenset({origin}))

    async def down(*_args, **_kwargs):
        raise ConnectionRefusedError("database down")

    user = await make_user()
    from domain.accounts.sessions import create_session

    session = await create_session(user=user, ip="127.0.0.1", user_agent="pytest")
    monkeypatch.setattr(api.auth, "resolve_session", down)
    transport = httpx.ASGITransport(app=create_app(settings, manage_db=False))
    async with httpx.AsyncClient(transport=transport, base_url="http://mandi.test") as client:
        client.cookies.set("mandi_session", session.token)
        response = await client.post(
            "/graphql", json={"query": "{ __typename }"}, headers={"Origin": origin}
        )
    assert response.status_code == 503
    assert response.json()["errors"][0]["extensions"]["requestId"] == _one_id(response)
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["access-control-allow-origin"] == origin


def _named(response: httpx.Response) -> str:
    """The code of the answer's one error, once each of its errors quotes the answer's id."""
    errors = response.json()["errors"]
    request_id = _one_id(response)
    assert [e["extensions"].get("requestId") for e in errors] == [request_id] * len(errors)
    return errors[0]["extensions"]["code"]


async def test_every_error_names_its_request(anon, world):
    manager = world.team.clients["manager"]
    json = {"content-type": "application/json"}
    members = """query($org: ID!) {
      organizationMembers(organizationId: $org) { nodes { user { fullName } } } }"""
    answers = {
        "UNAUTHENTICATED": await anon.post("/graphql", json={"query": "{ orders { totalCount } }"}),
        "NOT_FOUND": await manager.post("/graphql", json={"query": '{ order(id: "x") { id } }'}),
        "FORBIDDEN": await manager.post(
            "/graphql", json={"query": members, "variables": {"org": world.team.org_id}}
        ),
        "VALIDATION": await manager.post(
            "/graphql", json={"query": "{ products(first: 500) { totalCount } }"}
        ),
        "GRAPHQL_PARSE_FAILED": await anon.post("/graphql", json={"query": "{ nope"}),
        "GRAPHQL_VALIDATION_FAILED": await anon.post("/graphql", json={"query": "{ nope }"}),
        "BAD_USER_INPUT": await anon.post(
            "/graphql",
            json={
                "query": "query($n: Int) { products(first: $n) { totalCount } }",
                "variables": {"n": "x"},
            },
        ),
        "BAD_REQUEST": await anon.post("/graphql", content=b"{ nope", headers=json),
        "BATCHING_NOT_SUPPORTED": await anon.post("/graphql", json=[{"query": "{ __typename }"}]),
        "METHOD_NOT_ALLOWED": await anon.put("/graphql", json={"query": "{ __typename }"}),
        "UNSUPPORTED_MEDIA_TYPE": await anon.post(
            "/graphql", content=b"{}", headers={"content-type": "text/plain"}
        ),
        "PERSISTED_QUERY_NOT_FOUND": await anon.post("/graphql", json={"extensions": APQ}),
        "REQUEST_TOO_LARGE": await anon.post(
            "/graphql", content=b"x" * (20 * 1024 * 1024), headers=json
        ),
    }
    assert {code: _named(response) for code, response in answers.items()} == {
        code: code for code in answers
    }
    # The validation cache keeps the errors of a document: each request still gets its own id.
    again = await anon.post("/graphql", json={"query": "{ nope }"})
    assert _named(again) == "GRAPHQL_VALIDATION_FAILED"
    assert _one_id(again) != _one_id(answers["GRAPHQL_VALIDATION_FAILED"])


async def _answers(settings: Settings, *bodies: dict) -> list[httpx.Response]:
    app = create_app(settings, manage_db=False)
    async with client_for(app, None) as client:
        answers = [await client.post("/graphql", json=body) for body in bodies]
    await app.state.refusals.close()
    return answers


async def test_refusals_at_the_limits_name_their_request(backend):
    aliases = " ".join(f"a{n}: __typename" for n in range(20))
    [too_large] = await _answers(Settings(max_response_bytes=64), {"query": "{ " + aliases + " }"})
    assert _named(too_large) == "RESPONSE_TOO_LARGE"
    typename = {"query": "{ __typename }"}
    _, limited = await _answers(Settings(rate_limit_ip="1/minute"), typename, typename)
    assert limited.status_code == 429 and _named(limited) == "RATE_LIMITED"
