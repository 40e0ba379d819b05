"""Each sync direction through the API and the worker, against the fake marketplaces."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from api import ids
from api.jobs import runner
from audit.models import AuditEntry
from domain.marketplaces import jobs
from domain.marketplaces.disclosure_models import Disclosure
from domain.marketplaces.models import ConnectionStatus, Listing, MarketplaceConnection
from domain.marketplaces.sync_models import JobKind, JobStatus, SyncJob
from domain.orders.models import Customer, Order
from tests.marketplaces.conftest import AMAZON_REFRESH
from tests.marketplaces.sync_support import (
    CONNECT,
    SYNC_STATUS,
    connect,
    drain,
    forget_other_jobs,
    jobs_of,
    pk,
)
from tests.support import gql_data, seed_order, seed_product, seed_stock, seed_warehouse

PUBLISH = """
mutation($c: ID!, $p: ID!) { listingPublish(connectionId: $c, productId: $p) {
  job { id kind status } errors { code field } } }
"""
ADJUST = """
mutation($input: StockAdjustInput!) { stockAdjust(input: $input) { errors { code } } }
"""
SYNC_NOW = """
mutation($c: ID!, $kind: SyncJobKind!) { marketplaceSyncRequest(connectionId: $c, kind: $kind) {
  job { id kind status } errors { code field } } }
"""


@pytest.fixture(autouse=True)
def quick_backoff(monkeypatch):
    monkeypatch.setenv("MANDI_SYNC_BACKOFF_SECONDS", "0.01")


def gid(kind: str, pk_value: int) -> str:
    return ids.encode(kind, pk_value)


async def _listed(team, fakes, marketplace="AMAZON"):
    """A product with 10 in stock (2 reserved), listed on a fresh connection; a buyer exists."""
    product = await seed_product(team.org.id, "SKU-1", price="499.00")
    warehouse = await seed_warehouse(team.org.id)
    await seed_stock(product, warehouse, 10)
    from domain.inventory.models import StockLevel

    await StockLevel.filter(product_id=product.id).update(reserved=2)
    buyer_order = await seed_order(team.org.id, [("SKU-1", 1, "499.00")], email="asha@example.test")
    connection = await connect(team.clients["owner"], team.org_id, marketplace)
    await drain(connection)  # the first pulls a connection starts with
    data = await gql_data(
        team.clients["manager"], PUBLISH, c=connection, p=gid("Product", product.id)
    )
    assert data["listingPublish"]["errors"] == []
    await drain(connection)
    return product, warehouse, connection, buyer_order


def everything_sent(state) -> str:
    return json.dumps([[s.path, s.query, s.body] for s in state.requests], default=str)


async def test_listing_and_stock_sync_send_no_personal_data(team, fakes):
    product, warehouse, connection, buyer_order = await _listed(team, fakes)
    listing = fakes.amazon.listings["SKU-1"]
    assert listing["attributes"]["fulfillment_availability"][0]["quantity"] == 8  # 10 - 2 reserved
    row = await Listing.get(connection_id=pk(connection), product_id=product.id)
    assert row.external_id == "SKU-1" and row.status == "active"

    client = team.clients["manager"]
    for delta in (-1, -1, -2):
        data = await gql_data(
            client,
            ADJUST,
            input={
                "productId": gid("Product", product.id),
                "warehouseId": gid("Warehouse", warehouse.id),
                "delta": delta,
                "reason": "SALE",
            },
        )
        assert data["stockAdjust"]["errors"] == []
    pushes = await jobs_of(connection, JobKind.PUSH_STOCK)
    assert len(pushes) == 1 and pushes[0].status == JobStatus.QUEUED  # coalesced
    await drain(connection)
    patches = fakes.amazon.sent("PATCH")
    assert len(patches) == 1
    assert patches[0].body["patches"][0]["value"][0]["quantity"] == 4  # 6 on hand - 2 reserved

    sent = everything_sent(fakes.amazon)
    customer = await Customer.get(id=buyer_order.customer_id)
    for value in (customer.name, customer.email, buyer_order.shipping_line1, "asha"):
        assert value not in sent
    assert not await Disclosure.filter(organization_id=team.org.id).exists()


async def test_pull_orders_imports_buyers_as_the_system_and_is_idempotent(team, fakes):
    await seed_product(team.org.id, "SKU-1")
    connection = await connect(team.clients["owner"], team.org_id)
    for n in range(3):
        fakes.amazon.add_order(f"403-100000{n}", sku="SKU-1", quantity=1, price="100.00")
    fakes.amazon.add_order("403-UNKNOWN", sku="NO-SUCH-SKU", quantity=1, price="5.00")
    await drain(connection)
    orders = await Order.filter(organization_id=team.org.id).order_by("external_order_id")
    assert [o.external_order_id for o in orders] == ["403-1000000", "403-1000001", "403-1000002"]
    job = next(j for j in await jobs_of(connection, JobKind.PULL_ORDERS) if j.finished_at)
    assert job.payload["result"] == {"imported": 3, "skipped": 1, "more": False}

    entries = await AuditEntry.filter(request_id=f"job-{job.id}").order_by("seq")
    assert entries and {e.actor_type for e in entries} == {"system"}
    assert {e.actor_id for e in entries} == {job.id}
    created = [e for e in entries if e.action == "create" and e.resource_type == "Customer"]
    assert len(created) == 3
    assert set(created[0].fields_accessed) == {"email", "name"}  # Amazon gives no buyer phone
    assert created[0].subject.startswith("customer:")
    assert any(e.action == "sync.pull_orders" for e in entries)

    data = await gql_data(team.clients["viewer"], SYNC_STATUS, org=team.org_id)
    status = data["marketplaceConnections"]["nodes"][0]["sync"]
    assert status["lastSuccessAt"] and status["ordersPulledUntil"]
    assert status["backlog"] == 2  # the next rounds of order and report pulls wait their time

    data = await gql_data(team.clients["manager"], SYNC_NOW, c=connection, kind="PULL_ORDERS")
    assert data["marketplaceSyncRequest"]["errors"] == []
    await MarketplaceConnection.filter(id=pk(connection)).update(orders_pulled_until=None)
    await drain(connection)
    assert await Order.filter(organization_id=team.org.id).count() == 3  # nothing twice


async def test_throttled_jobs_wait_as_told_and_then_succeed(team, fakes):
    await seed_product(team.org.id, "SKU-1")
    connection = await connect(team.clients["owner"], team.org_id)
    fakes.amazon.add_order("403-2000000", sku="SKU-1", quantity=1, price="100.00")
    fakes.amazon.throttle(2)
    before = datetime.now(UTC)
    ran = await runner.run_once("w1")  # the order pull, queued first
    pull = await SyncJob.get(id=ran.id)
    assert pull.kind == JobKind.PULL_ORDERS
    assert pull.status == JobStatus.QUEUED and pull.last_error_code == "THROTTLED"
    assert pull.run_after >= before + timedelta(seconds=1 / 50)  # x-amzn-RateLimit-Limit: 50
    data = await gql_data(team.clients["viewer"], SYNC_STATUS, org=team.org_id)
    assert data["marketplaceConnections"]["nodes"][0]["sync"]["lastErrorCode"] == "THROTTLED"
    await drain(connection)
    pull = await SyncJob.get(id=pull.id)
    assert pull.status == JobStatus.SUCCEEDED and pull.attempts >= 2
    assert await Order.filter(external_order_id="403-2000000").exists()


async def test_expired_token_mid_sync_is_renewed_and_faults_are_retried(team, fakes):
    await seed_product(team.org.id, "SKU-1")
    connection = await connect(team.clients["owner"], team.org_id)
    fakes.amazon.add_order("403-3000000", sku="SKU-1", quantity=1, price="100.00")
    fakes.amazon.expire_tokens()
    fakes.amazon.malform(1)
    fakes.amazon.fail(1)
    await drain(connection)
    assert await Order.filter(external_order_id="403-3000000").exists()
    pull = (await jobs_of(connection, JobKind.PULL_ORDERS))[0]
    assert pull.status == JobStatus.SUCCEEDED


async def test_out_of_attempts_or_refused_credentials_give_up(team, fakes, monkeypatch):
    connection = await connect(team.clients["owner"], team.org_id)
    monkeypatch.setattr(jobs, "MAX_ATTEMPTS", 3)
    fakes.amazon.throttle(50)
    await drain(connection)
    dead = [j for j in await jobs_of(connection) if j.status == JobStatus.DEAD]
    assert dead and all(j.attempts == 3 and j.last_error_code == "THROTTLED" for j in dead)
    data = await gql_data(team.clients["viewer"], SYNC_STATUS, org=team.org_id)
    assert data["marketplaceConnections"]["nodes"][0]["sync"]["failed"] == len(dead)

    fakes.amazon.clear()
    fakes.amazon.refresh_tokens.clear()  # the seller revoked Mandi's access on Amazon
    fakes.amazon.access_tokens.clear()
    await gql_data(team.clients["manager"], SYNC_NOW, c=connection, kind="PULL_REPORT")
    await drain(connection)
    report = (await jobs_of(connection, JobKind.PULL_REPORT))[-1]
    assert report.status == JobStatus.DEAD and report.last_error_code == "AUTH_FAILED"
    assert report.attempts == 1  # no retry can mend refused credentials
    row = await MarketplaceConnection.get(id=pk(connection))
    assert row.status == ConnectionStatus.ERROR


async def test_a_job_whose_worker_died_runs_again_after_its_lease(team, fakes):
    connection = await connect(team.clients["owner"], team.org_id)
    claimed = await jobs.claim("worker-that-dies")
    assert claimed is not None
    assert await runner.run_until_idle("w2") == 0  # one job at a time per connection
    assert (await SyncJob.get(id=claimed.job.id)).status == JobStatus.RUNNING
    await SyncJob.filter(id=claimed.job.id).update(
        locked_until=datetime.now(UTC) - timedelta(seconds=1)
    )
    await drain(connection)
    job = await SyncJob.get(id=claimed.job.id)
    assert job.status == JobStatus.SUCCEEDED and job.attempts == 2


async def test_sync_requests_need_a_manager_and_a_live_connection(team, fakes):
    connection = await connect(team.clients["owner"], team.org_id)
    data = await gql_data(team.clients["staff"], SYNC_NOW, c=connection, kind="PULL_ORDERS")
    assert data["marketplaceSyncRequest"]["errors"] == [{"code": "FORBIDDEN", "field": None}]
    data = await gql_data(team.clients["manager"], SYNC_NOW, c=connection, kind="PUSH_STOCK")
    assert data["marketplaceSyncRequest"]["errors"] == [{"code": "VALIDATION", "field": "kind"}]
    data = await gql_data(team.clients["manager"], SYNC_NOW, c=connection, kind="PULL_REPORT")
    job = data["marketplaceSyncRequest"]["job"]
    assert job["kind"] == "PULL_REPORT" and job["status"] == "QUEUED"  # the queued one, coalesced
    assert len(await jobs_of(connection, JobKind.PULL_REPORT)) == 1


REPORT = """
query($org: ID!) { marketplaceConnections(organizationId: $org) { nodes {
  marketplace report { kind metrics { name value } } } } }
"""


async def test_reports_are_pulled_and_shown(team, fakes):
    amazon = await connect(team.clients["owner"], team.org_id)
    ebay = await connect(team.clients["owner"], team.org_id, "EBAY", isolate=False)
    await drain(amazon)
    await drain(ebay)
    data = await gql_data(team.clients["viewer"], REPORT, org=team.org_id)
    reports = {c["marketplace"]: c["report"] for c in data["marketplaceConnections"]["nodes"]}
    assert reports["AMAZON"]["kind"] == "amazon.orderMetrics"
    assert {"name": "orderCount", "value": "2"} in reports["AMAZON"]["metrics"]
    assert {"name": "standardsLevel", "value": "TOP_RATED"} in reports["EBAY"]["metrics"]
    assert fakes.amazon.sent("GET", "/sales/v1/orderMetrics")[0].query["granularity"] == "Total"


async def test_a_refused_connection_is_mended_by_connecting_again(team, fakes):
    connection = await connect(team.clients["owner"], team.org_id)
    fakes.amazon.refresh_tokens.clear()
    fakes.amazon.access_tokens.clear()
    await drain(connection)
    assert (await MarketplaceConnection.get(id=pk(connection))).status == ConnectionStatus.ERROR
    fakes.amazon.refresh_tokens.add("Atzr|a-fresh-refresh-token")
    data = await gql_data(
        team.clients["owner"],
        """mutation($input: MarketplaceConnectInput!) { marketplaceConnect(input: $input) {
          connection { id status } errors { code } } }""",
        input={
            "organizationId": team.org_id,
            "marketplace": "AMAZON",
            "sellerId": "A3SELLER0001",
            "refreshToken": "Atzr|a-fresh-refresh-token",
            "marketplaceIds": ["A21TJRUUN4KGV"],
            "region": "eu",
        },
    )
    assert data["marketplaceConnect"]["connection"] == {"id": connection, "status": "ACTIVE"}
    await drain(connection)
    assert (await MarketplaceConnection.get(id=pk(connection))).last_success_at is not None


async def test_an_organization_connects_a_bounded_number_of_seller_accounts(team, fakes):
    """So a product's listings (one per seller account) are a whole list."""
    from domain.marketplaces.connections import MAX_CONNECTIONS
    from domain.marketplaces.models import Marketplace

    for n in range(MAX_CONNECTIONS):
        await MarketplaceConnection.create(
            organization_id=team.org.id,
            marketplace=Marketplace.EBAY,
            seller_id=f"other-{n}",
            status=ConnectionStatus.DISCONNECTED,
            settings={},
        )
    await forget_other_jobs()
    values = {"sellerId": "A3SELLER0001", "refreshToken": AMAZON_REFRESH, "region": "eu"}
    values["marketplaceIds"] = ["A21TJRUUN4KGV"]
    data = await gql_data(
        team.clients["owner"],
        CONNECT,
        input={"organizationId": team.org_id, "marketplace": "AMAZON", **values},
    )
    assert data["marketplaceConnect"]["errors"] == [{"code": "CONFLICT", "field": "sellerId"}]
    assert (
        await MarketplaceConnection.filter(organization_id=team.org.id).count() == MAX_CONNECTIONS
    )


async def test_a_report_of_more_figures_than_a_report_has_fails_its_pull():
    from types import SimpleNamespace

    from domain.marketplaces import sync
    from domain.marketplaces.connectors import base as remote

    class Connector:
        async def pull_report(self) -> remote.Report:
            figures = {f"m{n}": "1" for n in range(sync.MAX_REPORT_METRICS + 1)}
            return remote.Report(kind="ebay.sellerStandards", metrics=figures)

    with pytest.raises(remote.Malformed):
        await sync.pull_report(SimpleNamespace(connector=Connector()))  # type: ignore[arg-type]


async def test_a_product_has_one_listing_per_connection(team, fakes):
    """Two publish jobs at once cannot list one product twice on one connection: the database
    refuses the twin (publish_listing then updates the listing the other job made)."""
    from tortoise.exceptions import IntegrityError

    product, _, connection, _ = await _listed(team, fakes)
    row = await Listing.get(connection_id=pk(connection), product_id=product.id)
    with pytest.raises(IntegrityError):
        await Listing.create(
            organization_id=team.org.id,
            product_id=product.id,
            connection_id=row.connection_id,
            external_id="ANOTHER-ID",
            price=row.price,
        )
    assert await Listing.filter(product_id=product.id).count() == 1
