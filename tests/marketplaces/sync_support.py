"""Helpers for sync tests: connect through the API, run the worker until nothing is due."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from api import ids
from api.jobs import runner
from domain.marketplaces.sync_models import JobStatus, SyncJob
from tests.marketplaces.conftest import AMAZON_REFRESH, EBAY_REFRESH
from tests.support import gql_data

CONNECT = """
mutation($input: MarketplaceConnectInput!) { marketplaceConnect(input: $input) {
  connection { id } errors { code field } } }
"""
SYNC_STATUS = """
query($org: ID!) { marketplaceConnections(organizationId: $org) { nodes {
  id status sync { backlog failed lastErrorCode lastSuccessAt lastErrorAt ordersPulledUntil } } } }
"""


async def forget_other_jobs() -> None:
    """The fakes are shared by every test's connections: earlier tests' jobs must not run
    against this test's fake (and eat its injected faults)."""
    await SyncJob.filter(status__in=[JobStatus.QUEUED, JobStatus.RUNNING]).update(
        status=JobStatus.CANCELLED, open_key=None
    )


async def connect(client, org_id: str, marketplace: str = "AMAZON", *, isolate: bool = True) -> str:
    if isolate:
        await forget_other_jobs()
    if marketplace == "AMAZON":
        values = {
            "sellerId": "A3SELLER0001",
            "refreshToken": AMAZON_REFRESH,
            "marketplaceIds": ["A21TJRUUN4KGV"],
            "region": "eu",
        }
    else:
        values = {
            "sellerId": "bharat-crafts",
            "refreshToken": EBAY_REFRESH,
            "marketplaceIds": ["EBAY_US"],
        }
    data = await gql_data(
        client,
        CONNECT,
        input={"organizationId": org_id, "marketplace": marketplace, **values},
    )
    assert data["marketplaceConnect"]["errors"] == [], data
    return data["marketplaceConnect"]["connection"]["id"]


def pk(global_id: str) -> int:
    return ids.decode(global_id, "MarketplaceConnection")


async def drain(connection_id: str | None = None, *, settle: float = 5.0) -> int:
    """Run the worker until no job of the connection is due within ``settle`` seconds (tests
    set the backoff to milliseconds); returns how many jobs ran.

    ``settle`` is also the most drain waits for: it returns at once when nothing is due
    within it (a connection's next rounds are minutes and a day out, PULL_ORDERS_EVERY and
    PULL_REPORT_EVERY), so a generous one costs nothing, while a short one returned with work
    left when a loaded machine made the retries (the eighth backs off up to 1.28 s) run late."""
    ran = 0
    deadline = asyncio.get_running_loop().time() + settle
    while True:
        ran += await runner.run_until_idle("test-worker")
        query = SyncJob.filter(status=JobStatus.QUEUED, run_after__lte=_soon(settle))
        if connection_id:
            query = query.filter(connection_id=pk(connection_id))
        if not await query.exists() or asyncio.get_running_loop().time() > deadline:
            return ran
        await asyncio.sleep(0.02)


def _soon(seconds: float) -> datetime:
    from datetime import timedelta

    return datetime.now(UTC) + timedelta(seconds=seconds)


async def jobs_of(connection_id: str, kind: str | None = None) -> list[SyncJob]:
    query = SyncJob.filter(connection_id=pk(connection_id))
    if kind:
        query = query.filter(kind=kind)
    return await query.order_by("id")
