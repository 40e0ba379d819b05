"""Plain lists are whole: the rule that bounds each is enforced when it is written (the cost of a
query counts the same bound), over GraphQL."""

from __future__ import annotations

from audit.models import AuditEntry
from domain.accounts.models import WebSession
from domain.accounts.sessions import MAX_LIVE_SESSIONS, create_session
from domain.inventory.models import Warehouse
from domain.inventory.services import MAX_WAREHOUSES
from tests.support import (
    WAREHOUSE_CREATE,
    client_for,
    gql_data,
    make_team,
    make_user,
    seed_product,
    seed_stock,
    seed_warehouse,
)

STOCK = """query($id: ID!) { product(id: $id) { stock { warehouse { code } } } }"""
SIGN_IN = """mutation($u: String!, $p: String!) {
  sessionCreate(input: {username: $u, password: $p}) { user { username } errors { code } } }"""
SESSIONS = "{ viewer { sessions { id current } } }"


async def test_an_organization_has_at_most_its_bound_of_warehouses(app):
    team = await make_team(app)
    product = await seed_product(team.org.id, "SKU-WH")
    for n in range(MAX_WAREHOUSES):
        await seed_stock(product, await seed_warehouse(team.org.id, f"WH-{n}"), 1)
    extra = {"organizationId": team.org_id, "code": "WH-EXTRA", "name": "One too many"}
    data = await gql_data(team.clients["owner"], WAREHOUSE_CREATE, input=extra)
    assert [(e["code"], e["field"]) for e in data["warehouseCreate"]["errors"]] == [
        ("CONFLICT", "code")
    ]
    assert await Warehouse.filter(organization_id=team.org.id).count() == MAX_WAREHOUSES
    from tests.support import gid

    stock = (await gql_data(team.clients["viewer"], STOCK, id=gid("Product", product.id)))[
        "product"
    ]["stock"]
    assert len(stock) == MAX_WAREHOUSES  # the whole list, which the rule keeps small
    await team.close()


async def test_a_sign_in_past_the_live_session_bound_ends_the_least_recently_used(app):
    user = await make_user(password="a long passphrase of mine")
    made = [
        await create_session(user=user, ip=None, user_agent="old") for _ in range(MAX_LIVE_SESSIONS)
    ]
    oldest = made[0].session
    async with client_for(app, None) as client:
        signed = await gql_data(client, SIGN_IN, u=user.username, p="a long passphrase of mine")
        assert signed["sessionCreate"]["errors"] == []
        sessions = (await gql_data(client, SESSIONS))["viewer"]["sessions"]
    assert len(sessions) == MAX_LIVE_SESSIONS
    assert sessions[0]["current"] is True  # the new one, most recently used
    assert (await WebSession.get(id=oldest.id)).revoked_at is not None
    [ended] = await AuditEntry.filter(action="session.revoke", resource_id=str(oldest.id))
    assert (ended.actor_type, ended.actor_id, ended.subject) == ("user", user.id, f"user:{user.id}")
    assert ended.detail == {"reason": "live session limit"}
