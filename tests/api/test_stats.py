"""The benchmark's counters: exposed only when asked, and they count what happened."""

from __future__ import annotations

from api.app import create_app
from domain.settings import Settings
from tests.support import signed_in

QUERY = "{ viewer { user { email fullName } } }"


async def test_counters_are_exposed_only_when_asked(team):
    plain = await signed_in(create_app(manage_db=False), team.users["owner"])
    async with plain:
        response = await plain.post("/graphql", json={"query": QUERY})
        assert "x-mandi-sql" not in response.headers

    app = create_app(Settings(expose_stats=True), manage_db=False)
    client = await signed_in(app, team.users["owner"])
    async with client:
        response = await client.post("/graphql", json={"query": QUERY})
    assert response.json()["data"]["viewer"]["user"]["email"] == team.users["owner"].email
    assert int(response.headers["x-mandi-sql"]) > 0
    assert response.headers["x-mandi-audit-inserts"] == "1"
    assert int(response.headers["x-mandi-policy-evaluations"]) >= 1
