"""Connecting and disconnecting seller accounts through the API, against the fake marketplaces."""

from __future__ import annotations

from datetime import timedelta

from api import ids
from audit.models import AuditEntry
from domain.accounts.models import WebSession
from domain.accounts.sessions import now
from domain.marketplaces.models import MarketplaceConnection
from domain.marketplaces.sync_models import JobKind, JobStatus, SyncJob
from tests.marketplaces.conftest import AMAZON_REFRESH
from tests.support import gql, gql_data, make_team

CONNECT = """
mutation($input: MarketplaceConnectInput!) { marketplaceConnect(input: $input) {
  connection { id marketplace sellerId status marketplaceIds region connectedAt
    sync { backlog failed lastErrorCode } }
  errors { code field } } }
"""
DISCONNECT = """
mutation($id: ID!) { marketplaceDisconnect(id: $id) {
  connection { id status disconnectedAt } errors { code field } } }
"""


def amazon_input(org_id: str, **changes: object) -> dict:
    return {
        "organizationId": org_id,
        "marketplace": "AMAZON",
        "sellerId": "A3SELLER0001",
        "refreshToken": AMAZON_REFRESH,
        "marketplaceIds": ["A21TJRUUN4KGV"],
        "region": "eu",
    } | changes


async def test_owner_connects_amazon_and_the_token_is_sealed(team, fakes):
    data = await gql_data(team.clients["owner"], CONNECT, input=amazon_input(team.org_id))
    payload = data["marketplaceConnect"]
    assert payload["errors"] == []
    connection = payload["connection"]
    assert connection["status"] == "ACTIVE"
    assert connection["marketplaceIds"] == ["A21TJRUUN4KGV"] and connection["region"] == "eu"
    # a new connection starts by pulling orders and the performance report
    assert connection["sync"] == {"backlog": 2, "failed": 0, "lastErrorCode": None}
    assert fakes.amazon.token_requests == 1  # the credentials were checked before storing

    row = await MarketplaceConnection.get(id=ids.decode(connection["id"], "MarketplaceConnection"))
    assert row.credentials_encrypted and AMAZON_REFRESH not in row.credentials_encrypted
    assert AMAZON_REFRESH not in str(row.settings)

    entry = await AuditEntry.filter(action="marketplace.connect").order_by("-seq").first()
    assert entry is not None and entry.resource_id == str(row.id)
    assert entry.actor_type == "user" and entry.actor_id == team.users["owner"].id


async def test_credentials_are_not_in_the_schema(team, fakes):
    body = await gql_data(
        team.clients["owner"], '{ __type(name: "MarketplaceConnection") { fields { name } } }'
    )
    names = {f["name"] for f in body["__type"]["fields"]}
    assert not {n for n in names if "token" in n.lower() or "credential" in n.lower()}


async def test_only_owners_and_admins_with_a_recent_sign_in_connect(app, fakes):
    team = await make_team(app)
    for role in ("manager", "staff", "viewer"):
        data = await gql_data(team.clients[role], CONNECT, input=amazon_input(team.org_id))
        assert data["marketplaceConnect"]["errors"] == [{"code": "FORBIDDEN", "field": None}]
    other = await make_team(app)
    data = await gql_data(other.clients["owner"], CONNECT, input=amazon_input(team.org_id))
    assert data["marketplaceConnect"]["errors"] == [
        {"code": "NOT_FOUND", "field": "organizationId"}
    ]
    admin = team.users["admin"]
    await WebSession.filter(user_id=admin.id).update(reauthenticated_at=now() - timedelta(hours=1))
    data = await gql_data(team.clients["admin"], CONNECT, input=amazon_input(team.org_id))
    assert data["marketplaceConnect"]["errors"] == [{"code": "STEP_UP_REQUIRED", "field": None}]
    assert fakes.amazon.token_requests == 0  # nothing reached the marketplace
    assert not await MarketplaceConnection.filter(organization_id=team.org.id).exists()
    await team.close()
    await other.close()


async def test_refused_or_unreachable_marketplace_stores_nothing(team, fakes):
    client = team.clients["owner"]
    bad = amazon_input(team.org_id, refreshToken="Atzr|revoked-token")
    data = await gql_data(client, CONNECT, input=bad)
    assert data["marketplaceConnect"]["errors"] == [{"code": "MARKETPLACE_REFUSED", "field": None}]
    fakes.amazon.fail(1)
    data = await gql_data(client, CONNECT, input=amazon_input(team.org_id))
    assert data["marketplaceConnect"]["errors"] == [
        {"code": "MARKETPLACE_UNAVAILABLE", "field": None}
    ]
    fakes.amazon.marketplaces = {"A1F83G8C2ARO7P"}  # the seller does not sell on amazon.in
    data = await gql_data(client, CONNECT, input=amazon_input(team.org_id))
    assert data["marketplaceConnect"]["errors"] == [{"code": "MARKETPLACE_REFUSED", "field": None}]
    assert not await MarketplaceConnection.filter(organization_id=team.org.id).exists()


async def test_bad_input_is_refused_with_the_field(team, fakes):
    client = team.clients["owner"]
    cases = [
        (amazon_input(team.org_id, region="mars"), "region"),
        (amazon_input(team.org_id, marketplaceIds=[]), "marketplaceIds"),
        (amazon_input(team.org_id, marketplaceIds=["x' OR 1=1"]), "marketplaceIds"),
        (amazon_input(team.org_id, sellerId="../../etc"), "sellerId"),
        (amazon_input(team.org_id, refreshToken="a b"), "refreshToken"),
        (amazon_input(team.org_id, marketplace="FLIPKART"), "marketplace"),
        (
            amazon_input(team.org_id, marketplace="EBAY", marketplaceIds=["EBAY_US", "EBAY_GB"]),
            "marketplaceIds",
        ),
    ]
    for value, field in cases:
        data = await gql_data(client, CONNECT, input=value)
        assert data["marketplaceConnect"]["errors"] == [{"code": "VALIDATION", "field": field}]
    body = await gql(client, CONNECT, input=amazon_input(team.org_id, marketplace="NOPE"))
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert fakes.amazon.token_requests == 0


async def test_connect_twice_conflicts_and_disconnect_forgets_the_credentials(team, fakes):
    client = team.clients["admin"]
    data = await gql_data(client, CONNECT, input=amazon_input(team.org_id))
    connection_id = data["marketplaceConnect"]["connection"]["id"]
    again = await gql_data(client, CONNECT, input=amazon_input(team.org_id))
    assert again["marketplaceConnect"]["errors"] == [{"code": "CONFLICT", "field": "sellerId"}]

    pk = ids.decode(connection_id, "MarketplaceConnection")
    denied = await gql_data(team.clients["manager"], DISCONNECT, id=connection_id)
    assert denied["marketplaceDisconnect"]["errors"] == [{"code": "FORBIDDEN", "field": None}]

    data = await gql_data(client, DISCONNECT, id=connection_id)
    assert data["marketplaceDisconnect"]["connection"]["status"] == "DISCONNECTED"
    row = await MarketplaceConnection.get(id=pk)
    assert row.credentials_encrypted is None
    queued = await SyncJob.filter(connection_id=pk)
    assert {j.kind for j in queued} == {JobKind.PULL_ORDERS, JobKind.PULL_REPORT}
    assert all(j.status == JobStatus.CANCELLED and j.open_key is None for j in queued)
    assert await AuditEntry.filter(action="marketplace.disconnect", resource_id=str(pk)).exists()

    twice = await gql_data(client, DISCONNECT, id=connection_id)
    assert twice["marketplaceDisconnect"]["errors"] == [{"code": "CONFLICT", "field": None}]
    # the same account can be connected again, with fresh credentials
    data = await gql_data(client, CONNECT, input=amazon_input(team.org_id))
    assert data["marketplaceConnect"]["connection"]["id"] == connection_id
    assert (await MarketplaceConnection.get(id=pk)).credentials_encrypted


async def test_ebay_connects_with_one_marketplace(team, fakes):
    data = await gql_data(
        team.clients["owner"],
        CONNECT,
        input={
            "organizationId": team.org_id,
            "marketplace": "EBAY",
            "sellerId": "bharat-crafts",
            "refreshToken": "v^1.1#i^1#seller-refresh-token",
            "marketplaceIds": ["EBAY_US"],
        },
    )
    connection = data["marketplaceConnect"]["connection"]
    assert connection["marketplaceIds"] == ["EBAY_US"] and connection["region"] is None
    assert fakes.ebay.sent("GET", "privilege")
