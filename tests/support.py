"""Helpers for tests: GraphQL calls, named personas in fresh organizations, valid GSTINs."""

from __future__ import annotations

import random
import string
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import httpx

from domain.accounts.models import Organization, OrgRole, PlatformRole, PlatformRoleGrant, User
from domain.accounts.services import add_member, create_organization, create_user
from domain.accounts.sessions import create_session
from domain.validation import gstin_check_char


@dataclass(frozen=True)
class Backend:
    kind: str
    url: str
    name: str


def unique(prefix: str = "t") -> str:
    return f"{prefix}{uuid.uuid4().hex[:10]}"


def random_gstin() -> str:
    rng = random.SystemRandom()
    letters = string.ascii_uppercase
    body = (
        f"{rng.randint(1, 37):02d}"
        + "".join(rng.choice(letters) for _ in range(5))
        + "".join(rng.choice(string.digits) for _ in range(4))
        + rng.choice(letters)
        + rng.choice("123456789")
        + "Z"
    )
    return body + gstin_check_char(body)


async def gql(client: httpx.AsyncClient, query: str, **variables: Any) -> dict:
    """POST a GraphQL operation; returns the decoded body (data and errors)."""
    response = await client.post("/graphql", json={"query": query, "variables": variables})
    assert response.status_code == 200, response.text
    return response.json()


async def gql_data(client: httpx.AsyncClient, query: str, **variables: Any) -> dict:
    """Like ``gql`` but asserts there were no errors."""
    body = await gql(client, query, **variables)
    assert "errors" not in body, body.get("errors")
    return body["data"]


def error_codes(body: dict) -> list[str]:
    return [e.get("extensions", {}).get("code") for e in body.get("errors", [])]


async def make_user(username: str | None = None, *, password: str | None = None) -> User:
    name = username or unique("u")
    return await create_user(
        username=name,
        email=f"{name}@example.test",
        full_name=f"Person {name}",
        password=password,
        country="IN",
        adult_attested=True,
        phone="+919800000000",
    )


def client_for(app: Any, token: str | None) -> httpx.AsyncClient:
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://mandi.test")
    if token:
        client.cookies.set("mandi_session", token)
    return client


@dataclass
class Team:
    """An organization with one signed-in user per organization role."""

    org: Organization
    users: dict[str, User] = field(default_factory=dict)
    clients: dict[str, httpx.AsyncClient] = field(default_factory=dict)

    @property
    def org_id(self) -> str:
        from api import ids

        return ids.encode("Organization", self.org.id)

    async def close(self) -> None:
        for client in self.clients.values():
            await client.aclose()


async def signed_in(app: Any, user: User) -> httpx.AsyncClient:
    new = await create_session(user=user, ip="127.0.0.1", user_agent="pytest")
    return client_for(app, new.token)


async def make_team(app: Any, roles: tuple[OrgRole, ...] = tuple(OrgRole)) -> Team:
    org = await create_organization(legal_name=unique("Org "), gstin=random_gstin())
    team = Team(org=org)
    for role in roles:
        user = await make_user()
        await add_member(user=user, organization=org, role=role)
        team.users[role.value] = user
        team.clients[role.value] = await signed_in(app, user)
    return team


async def make_platform_user(app: Any, role: PlatformRole) -> tuple[User, httpx.AsyncClient]:
    user = await make_user()
    await PlatformRoleGrant.create(user=user, role=role)
    return user, await signed_in(app, user)


PRODUCT_INPUT = {
    "sku": "SKU-1",
    "title": "Assam tea",
    "price": "349.00",
    "hsnCode": "0902",
    "gstRate": "5",
}


def product_input(org_id: str, **overrides: Any) -> dict:
    return {"organizationId": org_id, **PRODUCT_INPUT, **overrides}


def money(value: str) -> Decimal:
    return Decimal(value)
