"""Apollo automatic persisted queries over HTTP, and the allow-list of registered documents."""

from __future__ import annotations

import hashlib
import json
import os

import pytest

from api.app import create_app
from api.persisted_queries import MemoryDocumentStore
from domain.settings import Settings
from tests.support import bearer_client, client_for, error_codes, issue_token

REDIS_URL = os.environ.get("MANDI_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
GQL = {"Accept": "application/graphql-response+json"}


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def apq(text: str, version: int = 1) -> dict:
    return {"persistedQuery": {"version": version, "sha256Hash": sha(text)}}


def unique_query(label: str) -> str:
    """A document no other test registered (stores outlive one test with Redis)."""
    return f"query {label}{os.urandom(4).hex()} {{ __typename }}"


async def test_an_unknown_hash_answers_persisted_query_not_found_then_registers(anon):
    query = unique_query("Apq")
    miss = await anon.post("/graphql", json={"extensions": apq(query)})
    assert miss.status_code == 200  # application/json: a GraphQL error, as Apollo clients expect
    assert miss.json()["errors"][0]["message"] == "PersistedQueryNotFound"
    assert error_codes(miss.json()) == ["PERSISTED_QUERY_NOT_FOUND"]
    strict = await anon.post("/graphql", json={"extensions": apq(query)}, headers=GQL)
    assert strict.status_code == 404
    assert error_codes(strict.json()) == ["PERSISTED_QUERY_NOT_FOUND"]

    registered = await anon.post("/graphql", json={"query": query, "extensions": apq(query)})
    assert registered.json()["data"] == {"__typename": "Query"}
    by_hash = await anon.post("/graphql", json={"extensions": apq(query)})
    assert by_hash.json()["data"] == {"__typename": "Query"}
    by_get = await anon.get("/graphql", params={"extensions": json.dumps(apq(query))})
    assert by_get.status_code == 200
    assert by_get.json()["data"] == {"__typename": "Query"}


async def test_a_hash_that_is_not_the_querys_is_refused_and_not_stored(anon):
    query, other = unique_query("Mine"), unique_query("Other")
    response = await anon.post("/graphql", json={"query": query, "extensions": apq(other)})
    assert response.status_code == 400
    assert error_codes(response.json()) == ["PERSISTED_QUERY_HASH_MISMATCH"]
    for hashed in (query, other):
        again = await anon.post("/graphql", json={"extensions": apq(hashed)})
        assert error_codes(again.json()) == ["PERSISTED_QUERY_NOT_FOUND"]


async def test_an_invalid_document_is_not_stored(anon):
    query = f"query Bad{os.urandom(4).hex()} {{ noSuchField }}"
    first = await anon.post("/graphql", json={"query": query, "extensions": apq(query)})
    assert error_codes(first.json()) == ["GRAPHQL_VALIDATION_FAILED"]
    again = await anon.post("/graphql", json={"extensions": apq(query)})
    assert error_codes(again.json()) == ["PERSISTED_QUERY_NOT_FOUND"]


async def test_other_versions_and_malformed_hashes_are_refused(anon):
    query = unique_query("Version")
    response = await anon.post("/graphql", json={"query": query, "extensions": apq(query, 2)})
    assert error_codes(response.json()) == ["PERSISTED_QUERY_NOT_SUPPORTED"]
    bad = {"persistedQuery": {"version": 1, "sha256Hash": "XYZ"}}
    response = await anon.post("/graphql", json={"query": query, "extensions": bad})
    assert response.status_code == 400
    assert error_codes(response.json()) == ["BAD_REQUEST"]


async def test_a_persisted_mutation_never_runs_over_get(app):
    mutation = f"mutation Out{os.urandom(4).hex()} {{ sessionRevoke }}"
    async with client_for(app, None) as client:
        body = {"query": mutation, "extensions": apq(mutation)}
        posted = await client.post("/graphql", json=body)
        assert posted.json()["data"] == {"sessionRevoke": False}  # valid, so it is stored
        by_hash = await client.post("/graphql", json={"extensions": apq(mutation)})
        assert by_hash.json()["data"] == {"sessionRevoke": False}
        over_get = await client.get("/graphql", params={"extensions": json.dumps(apq(mutation))})
    assert over_get.status_code == 405
    assert error_codes(over_get.json()) == ["METHOD_NOT_ALLOWED"]


async def test_with_redis_every_process_shares_the_documents(backend):
    settings = Settings(redis_url=REDIS_URL)
    first, second = create_app(settings, manage_db=False), create_app(settings, manage_db=False)
    query = unique_query("Shared")
    try:
        async with client_for(first, None) as a, client_for(second, None) as b:
            await a.post("/graphql", json={"query": query, "extensions": apq(query)})
            found = await b.post("/graphql", json={"extensions": apq(query)})
            assert found.json()["data"] == {"__typename": "Query"}
    finally:
        for app in (first, second):
            await app.state.persisted_queries.close()
            await app.state.rate_limits.close()
            await app.state.refusals.close()


async def test_the_in_process_store_is_bounded():
    store = MemoryDocumentStore(max_entries=3, max_chars=100)
    for i in range(5):
        await store.put(f"k{i}", "x" * 10)
    kept = [await store.get(f"k{i}") for i in range(5)]
    assert kept == [None, None, "x" * 10, "x" * 10, "x" * 10]
    await store.put("big", "y" * 90)  # pushes out older documents to stay under 100 characters
    assert await store.get("big") == "y" * 90
    assert sum(len(d) for d in store._documents.values()) <= 100
    await store.put("huge", "z" * 101)
    assert await store.get("huge") is None


# --- the allow-list -------------------------------------------------------------------------------

REGISTERED = "query Registered { __typename }"


def _manifest(path, *bodies: str) -> str:
    operations = [{"id": sha(b), "name": "op", "type": "query", "body": b} for b in bodies]
    path.write_text(
        json.dumps(
            {"format": "apollo-persisted-query-manifest", "version": 1, "operations": operations}
        )
    )
    return str(path)


@pytest.fixture
def allowlist_app(backend, tmp_path):
    settings = Settings(
        registered_documents=_manifest(tmp_path / "documents.json", REGISTERED),
        document_allowlist="tokens",
    )
    return create_app(settings, manage_db=False)


async def test_tokens_run_only_registered_documents(allowlist_app, team):
    secret = await issue_token(team, "owner", ["catalog:read"])
    async with bearer_client(allowlist_app, secret) as partner:
        by_hash = await partner.post("/graphql", json={"extensions": apq(REGISTERED)})
        assert by_hash.json()["data"] == {"__typename": "Query"}
        as_text = await partner.post("/graphql", json={"query": REGISTERED})
        assert as_text.json()["data"] == {"__typename": "Query"}
        other = unique_query("Free")
        for body in ({"query": other}, {"query": other, "extensions": apq(other)}):
            refused = await partner.post("/graphql", json=body)
            assert refused.status_code == 403
            assert error_codes(refused.json()) == ["DOCUMENT_NOT_REGISTERED"]
        unknown = await partner.post("/graphql", json={"extensions": apq(other)})
        assert unknown.status_code == 403
        assert error_codes(unknown.json()) == ["DOCUMENT_NOT_REGISTERED"]


async def test_users_are_unaffected_by_the_token_allow_list(allowlist_app):
    async with client_for(allowlist_app, None) as anon:
        free = await anon.post("/graphql", json={"query": unique_query("User")})
        assert free.json()["data"] == {"__typename": "Query"}
        registered = await anon.post("/graphql", json={"extensions": apq(REGISTERED)})
        assert registered.json()["data"] == {"__typename": "Query"}


async def test_the_all_mode_holds_everyone_to_registered_documents(backend, tmp_path, team):
    settings = Settings(
        registered_documents=_manifest(tmp_path / "documents.json", REGISTERED),
        document_allowlist="all",
    )
    app = create_app(settings, manage_db=False)
    secret = await issue_token(team, "owner", ["catalog:read"])
    async with client_for(app, None) as anon, bearer_client(app, secret) as partner:
        for caller in (anon, partner):
            registered = await caller.post("/graphql", json={"extensions": apq(REGISTERED)})
            assert registered.json()["data"] == {"__typename": "Query"}
            other = unique_query("Everyone")
            # neither run as text nor registered by hash: the hash stays unknown afterwards
            for body in ({"query": other}, {"query": other, "extensions": apq(other)}):
                refused = await caller.post("/graphql", json=body)
                assert refused.status_code == 403
                assert error_codes(refused.json()) == ["DOCUMENT_NOT_REGISTERED"]
            later = await caller.post("/graphql", json={"extensions": apq(other)})
            assert error_codes(later.json()) == ["DOCUMENT_NOT_REGISTERED"]


async def test_a_bad_manifest_or_mode_stops_the_app_from_starting(backend, tmp_path):
    wrong = tmp_path / "wrong.json"
    wrong.write_text(
        json.dumps(
            {
                "format": "apollo-persisted-query-manifest",
                "version": 1,
                "operations": [{"id": "0" * 64, "body": "{ __typename }"}],
            }
        )
    )
    with pytest.raises(ValueError, match="SHA-256"):
        create_app(Settings(registered_documents=str(wrong)), manage_db=False)
    with pytest.raises(ValueError, match="MANDI_REGISTERED_DOCUMENTS"):
        create_app(Settings(document_allowlist="tokens"), manage_db=False)
    with pytest.raises(ValueError, match="MANDI_DOCUMENT_ALLOWLIST"):
        create_app(Settings(document_allowlist="partners"), manage_db=False)
