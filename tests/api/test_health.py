from __future__ import annotations


async def test_healthz_and_readyz(anon):
    assert (await anon.get("/healthz")).json() == {"status": "ok"}
    ready = await anon.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ok", "checks": {"database": "ok", "audit": "ok"}}


async def test_graphql_get_serves_queries(anon):
    response = await anon.get("/graphql", params={"query": "{ viewer { user { id } } }"})
    assert response.status_code == 200
    assert response.json()["data"] == {"viewer": None}
