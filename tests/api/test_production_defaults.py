"""Outside development: no introspection or suggestions (unless a setting asks), no GraphiQL,
same-site GETs, CORS from the allow-list, forwarded headers only from trusted proxies, security
headers, no demo data; and a new password revokes the user's partner tokens."""

from __future__ import annotations

import httpx
import pytest

from api import cli
from api.app import create_app
from audit.models import AuditEntry
from domain.accounts.auth_models import PartnerToken
from domain.settings import Settings
from tests.api.test_auth_reset import COMPLETE, REQUEST, _mailed_token
from tests.support import (
    bearer_client,
    client_for,
    error_codes,
    gql,
    issue_token,
    make_user,
    token_secret_part,
)

PRODUCTION = Settings(environment="production")
INTROSPECTION = "{ __schema { queryType { name } } }"
APP_ORIGIN = "https://app.example"


def _client(app, **kwargs) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app, **kwargs), base_url="http://mandi.test"
    )


async def test_introspection_is_off_outside_development_unless_enabled(backend):
    async with _client(create_app(PRODUCTION, manage_db=False)) as client:
        refused = await gql(client, INTROSPECTION)
        assert set(error_codes(refused)) == {"GRAPHQL_VALIDATION_FAILED"}, refused
        assert (await gql(client, "{ __typename }"))["data"] == {"__typename": "Query"}
    enabled = Settings(environment="production", graphql_introspection=True)
    async with _client(create_app(enabled, manage_db=False)) as client:
        assert (await gql(client, INTROSPECTION))["data"]["__schema"]["queryType"]["name"]
    async with _client(create_app(Settings(), manage_db=False)) as client:
        assert "errors" not in await gql(client, INTROSPECTION)


async def test_no_suggestions_outside_development(backend):
    async with _client(create_app(PRODUCTION, manage_db=False)) as client:
        body = await gql(client, "{ ordr { id } }")
        status = await gql(client, "query { orders(status: PAYD) { totalCount } }")
    assert error_codes(body) == ["GRAPHQL_VALIDATION_FAILED"]
    assert "Did you mean" not in str(body) and "'order'" not in str(body)
    assert "Did you mean" not in str(status)
    async with _client(create_app(Settings(), manage_db=False)) as client:
        assert "Did you mean" in str(await gql(client, "{ ordr { id } }"))


async def test_no_graphiql_outside_development(backend):
    html = {"Accept": "text/html"}
    async with _client(create_app(PRODUCTION, manage_db=False)) as client:
        page = await client.get("/graphql", headers=html)
        assert "text/html" not in page.headers.get("content-type", "")
    async with _client(create_app(Settings(), manage_db=False)) as client:
        page = await client.get("/graphql", headers=html)
        assert page.headers["content-type"].startswith("text/html")
        assert "script-src" in page.headers["content-security-policy"]


async def test_a_cross_site_cookie_get_is_refused_outside_development(backend):
    user = await make_user()
    from domain.accounts.sessions import create_session

    new = await create_session(user=user, ip="127.0.0.1", user_agent="pytest")
    cross = {"Sec-Fetch-Site": "cross-site"}
    query = {"query": "{ viewer { user { username } } }"}
    async with _client(create_app(PRODUCTION, manage_db=False)) as client:
        client.cookies.set("mandi_session", new.token)
        refused = await client.get("/graphql", params=query, headers=cross)
        assert refused.status_code == 403
        assert error_codes(refused.json()) == ["CSRF_REJECTED"]
        bare = await client.get("/graphql", params=query)
        assert bare.status_code == 403  # no proof at all
        ours = await client.get("/graphql", params=query, headers={"X-Requested-With": "app"})
        assert ours.json()["data"]["viewer"]["user"]["username"] == user.username


async def test_cors_allows_the_listed_origins_with_credentials(backend):
    settings = Settings(environment="production", allowed_origins=frozenset({APP_ORIGIN}))
    user = await make_user()
    from domain.accounts.sessions import create_session

    new = await create_session(user=user, ip="127.0.0.1", user_agent="pytest")
    async with _client(create_app(settings, manage_db=False)) as client:
        preflight = await client.options(
            "/graphql",
            headers={
                "Origin": APP_ORIGIN,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "content-type",
            },
        )
        assert preflight.status_code == 200
        assert preflight.headers["access-control-allow-origin"] == APP_ORIGIN
        assert preflight.headers["access-control-allow-credentials"] == "true"
        other = await client.options(
            "/graphql",
            headers={"Origin": "https://evil.test", "Access-Control-Request-Method": "POST"},
        )
        assert "access-control-allow-origin" not in other.headers

        client.cookies.set("mandi_session", new.token)
        query = {"query": "{ viewer { user { username } } }"}
        from_app = await client.post(
            "/graphql", json=query, headers={"Origin": APP_ORIGIN, "Sec-Fetch-Site": "cross-site"}
        )
        assert from_app.status_code == 200
        assert from_app.headers["access-control-allow-origin"] == APP_ORIGIN
        assert from_app.json()["data"]["viewer"]["user"]["username"] == user.username
        evil = await client.post(
            "/graphql",
            json=query,
            headers={"Origin": "https://evil.test", "Sec-Fetch-Site": "cross-site"},
        )
        assert evil.status_code == 403


async def test_forwarded_for_is_believed_only_from_trusted_proxies(backend):
    def settings(**kwargs) -> Settings:
        return Settings(environment="production", rate_limit_ip="2/minute", **kwargs)

    async def statuses(app) -> list[int]:
        codes = []
        async with _client(app, client=("127.0.0.1", 5000)) as client:
            for n in range(3):
                forwarded = {"X-Forwarded-For": f"192.0.2.{n + 1}"}
                response = await client.post(
                    "/graphql", json={"query": "{ __typename }"}, headers=forwarded
                )
                codes.append(response.status_code)
        return codes

    assert await statuses(create_app(settings(), manage_db=False)) == [200, 200, 429]
    trusting = create_app(settings(trusted_proxies=("127.0.0.1",)), manage_db=False)
    assert await statuses(trusting) == [200, 200, 200]


async def test_security_headers(backend):
    app = create_app(
        Settings(environment="production", trusted_proxies=("127.0.0.1",)), manage_db=False
    )
    async with _client(app, client=("127.0.0.1", 5000)) as client:
        plain = await client.post("/graphql", json={"query": "{ __typename }"})
        tls = await client.get("/healthz", headers={"X-Forwarded-Proto": "https"})
    for response in (plain, tls):
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "no-referrer"
        assert response.headers["content-security-policy"].startswith("default-src 'none'")
    assert "strict-transport-security" not in plain.headers
    assert tls.headers["strict-transport-security"].startswith("max-age=")


def test_seed_demo_is_refused_outside_development(monkeypatch, capsys):
    monkeypatch.setenv("MANDI_ENV", "production")
    assert cli.main(["seed-demo"]) == 2
    assert "MANDI_ENV=development" in capsys.readouterr().err


@pytest.mark.parametrize("how", ["reset", "change"])
async def test_a_new_password_revokes_the_users_partner_tokens(app, team, how):
    owner = team.users["owner"]
    secret = await issue_token(team, "owner", ["catalog:read"])
    async with bearer_client(app, secret) as partner:
        assert (await partner.post("/graphql", json={"query": "{ __typename }"})).status_code == 200
        if how == "reset":
            async with client_for(app, None) as anon:
                await gql(anon, REQUEST, e=owner.email)
                token = await _mailed_token(owner.id)
                done = await gql(anon, COMPLETE, t=token, p="my brand new passphrase")
                assert done["data"]["passwordResetComplete"]["ok"] is True
        else:
            change = 'mutation { passwordChange(newPassword: "my brand new passphrase") { ok } }'
            done = await gql(team.clients["owner"], change)
            assert done["data"]["passwordChange"]["ok"] is True
        response = await partner.post("/graphql", json={"query": "{ __typename }"})
        assert response.status_code == 401
    # One token.revoke entry per revoked token, in the organization's log, naming the user.
    tokens = await PartnerToken.filter(created_by_id=owner.id).values_list("id", flat=True)
    entries = await AuditEntry.filter(action="token.revoke", resource_id__in=map(str, tokens))
    assert [(e.subject, e.organization_id, e.detail) for e in entries] == [
        (f"user:{owner.id}", team.org.id, {"reason": f"password.{how}"})
    ]
    assert token_secret_part(secret) not in repr([vars(e) for e in entries])
