"""What an outsider, a partner token or a hostile marketplace might try."""

from __future__ import annotations

import json

import pytest
from starlette.responses import JSONResponse

from api import ids
from audit.models import AuditEntry
from domain.marketplaces.sync_models import JobKind, JobStatus, SyncJob
from domain.orders.models import Order
from tests.marketplaces.conftest import AMAZON_REFRESH
from tests.marketplaces.fake_base import refuse_next
from tests.marketplaces.sync_support import connect, drain, jobs_of, pk
from tests.marketplaces.test_connect import CONNECT, amazon_input
from tests.support import client_for, gql, gql_data, issue_token, make_team, seed_product

SYNC_JOBS = """
query($c: ID!) { syncJobs(connectionId: $c) { totalCount edges { node { kind status } } } }
"""
PUBLISH = """
mutation($c: ID!, $p: ID!) { listingPublish(connectionId: $c, productId: $p) {
  job { id } errors { code field } } }
"""


@pytest.fixture(autouse=True)
def quick_backoff(monkeypatch):
    monkeypatch.setenv("MANDI_SYNC_BACKOFF_SECONDS", "0.01")


async def test_a_partner_token_cannot_connect_even_with_every_scope(app, team, fakes):
    scopes = ["catalog:write", "inventory:write", "orders:write", "orders.buyer_contact:read"]
    secret = await issue_token(team, "owner", scopes)
    async with client_for(app, None) as client:
        client.headers["authorization"] = f"Bearer {secret}"
        data = await gql_data(client, CONNECT, input=amazon_input(team.org_id))
    assert data["marketplaceConnect"]["errors"][0]["code"] == "FORBIDDEN"
    assert fakes.amazon.token_requests == 0


async def test_refused_credentials_never_echo_the_token(team, fakes):
    token = "Atzr|secret-that-must-not-echo"
    body = await gql(
        team.clients["owner"], CONNECT, input=amazon_input(team.org_id, refreshToken=token)
    )
    assert "secret-that-must-not-echo" not in json.dumps(body)
    entries = await AuditEntry.filter(organization_id=team.org.id)
    assert all("secret-that" not in json.dumps(e.fields_accessed) for e in entries)


async def test_another_organizations_connection_is_not_found(app, team, fakes):
    connection = await connect(team.clients["owner"], team.org_id)
    other = await make_team(app)
    body = await gql(other.clients["owner"], SYNC_JOBS, c=connection)
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    product = await seed_product(other.org.id, "SKU-X")
    data = await gql_data(
        other.clients["owner"], PUBLISH, c=connection, p=ids.encode("Product", product.id)
    )
    assert data["listingPublish"]["errors"] == [{"code": "NOT_FOUND", "field": "connectionId"}]
    mine = await seed_product(team.org.id, "SKU-M")
    theirs = await connect(other.clients["owner"], other.org_id, isolate=False)
    data = await gql_data(  # my product onto their connection: their connection is not mine
        team.clients["owner"], PUBLISH, c=theirs, p=ids.encode("Product", mine.id)
    )
    assert data["listingPublish"]["errors"] == [{"code": "NOT_FOUND", "field": "connectionId"}]
    data = await gql_data(  # their product onto my connection: not found either
        team.clients["owner"], PUBLISH, c=connection, p=ids.encode("Product", product.id)
    )
    assert data["listingPublish"]["errors"] == [{"code": "NOT_FOUND", "field": "productId"}]
    assert not await SyncJob.filter(kind=JobKind.PUBLISH_LISTING, connection_id=pk(theirs)).exists()
    await other.close()


async def test_a_hostile_marketplace_cannot_smuggle_values_into_errors(team, fakes):
    connection = await connect(team.clients["owner"], team.org_id)
    leak = "victim@example.test"
    refuse_next(
        fakes.amazon,
        lambda: JSONResponse(
            {"errors": [{"code": "InvalidInput", "message": f"buyer {leak} is invalid"}]},
            status_code=400,
        ),
    )
    await drain(connection)
    failed = [j for j in await jobs_of(connection) if j.status == JobStatus.DEAD]
    assert failed and failed[0].last_error_code == "REJECTED"
    assert leak not in (failed[0].last_error_detail or "")
    assert "InvalidInput" in (failed[0].last_error_detail or "")


async def test_odd_orders_are_skipped_not_imported_half(team, fakes):
    await seed_product(team.org.id, "SKU-1")
    connection = await connect(team.clients["owner"], team.org_id)
    fakes.amazon.add_order("403-7000000", sku="SKU-1", quantity=1, price="100.00", name="x" * 5000)
    fakes.amazon.add_order("403-7000001", sku="SKU-1", quantity=0, price="100.00")
    fakes.amazon.add_order("403-7000002", sku="SKU-1", quantity=1, price="100.00")
    await drain(connection)
    imported = await Order.filter(organization_id=team.org.id).values_list(
        "external_order_id", flat=True
    )
    assert imported == ["403-7000002"]
    pull = next(j for j in await jobs_of(connection, JobKind.PULL_ORDERS) if j.finished_at)
    assert pull.payload["result"]["skipped"] == 2


async def test_a_connection_reused_after_disconnect_needs_fresh_credentials(team, fakes):
    connection = await connect(team.clients["owner"], team.org_id)
    await gql_data(
        team.clients["owner"],
        "mutation($id: ID!) { marketplaceDisconnect(id: $id) { errors { code } } }",
        id=connection,
    )
    fakes.amazon.refresh_tokens.discard(AMAZON_REFRESH)  # the seller revoked it meanwhile
    data = await gql_data(team.clients["owner"], CONNECT, input=amazon_input(team.org_id))
    assert data["marketplaceConnect"]["errors"] == [{"code": "MARKETPLACE_REFUSED", "field": None}]
    sync = await gql(team.clients["manager"], PUBLISH, c=connection, p=ids.encode("Product", 1))
    assert sync["data"]["listingPublish"]["job"] is None
