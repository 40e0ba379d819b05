"""Running sync jobs: claim one, run it as the system principal, record how it went.

``run_once`` runs at most one due job; ``run_until_idle`` drains what is due; ``run_forever``
is ``mandi worker`` (and the in-process runner of the SQLite default): it polls, and keeps
each connection's orders and reports pulled on a schedule.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import uuid
from collections.abc import Iterable

import httpx

from api.jobs.gate import SystemGate
from domain.errors import DomainError
from domain.marketplaces import jobs
from domain.marketplaces.connections import credentials_of
from domain.marketplaces.connectors.base import AuthFailed, MarketplaceError
from domain.marketplaces.connectors.registry import connector_for
from domain.marketplaces.models import ConnectionStatus, Marketplace, MarketplaceConnection
from domain.marketplaces.sync import HANDLERS, JobContext
from domain.marketplaces.sync_models import JobKind, SyncJob

log = logging.getLogger("mandi.worker")

PULL_ORDERS_EVERY = float(os.environ.get("MANDI_SYNC_PULL_SECONDS", "300"))
PULL_REPORT_EVERY = 86_400.0


def worker_name() -> str:
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


async def restricted(kind: str, ids: Iterable[int], purpose: str) -> set[int]:
    """The people among ``ids`` whose data may not be processed for ``purpose``."""
    from domain.privacy.restrictions import restricted_subjects

    return await restricted_subjects(kind, ids, purpose)


async def run_once(worker: str, *, client: httpx.AsyncClient | None = None) -> SyncJob | None:
    """Run one due job, if any; returns it (as claimed) or None when nothing was due."""
    await jobs.recover_abandoned()
    claimed = await jobs.claim(worker)
    if claimed is None:
        return None
    job, connection = claimed.job, claimed.connection
    gate = SystemGate(organization_id=connection.organization_id, job_id=job.id)
    connector = None
    keeper = asyncio.create_task(_keep_lease(job, worker))
    try:
        connector = connector_for(
            Marketplace(connection.marketplace), credentials_of(connection), client
        )
        result = await HANDLERS[JobKind(job.kind)](
            JobContext(
                job=job,
                connection=connection,
                connector=connector,
                gate=gate,
                restricted=restricted,
            )
        )
        gate.note(f"sync.{job.kind}", connection)
        await gate.flush()
        await jobs.succeed(job, result=result)
        await _follow_up(connection, JobKind(job.kind), result)
    except MarketplaceError as error:
        await _failed(gate, job, connection, error.code, error.detail, error.retryable, error)
    except DomainError as error:
        await _failed(gate, job, connection, error.code, error.message, False, None)
    except Exception as error:  # a bug or an outage of our own: retried, never silent
        log.exception("sync job %s failed", job.id)
        await _failed(gate, job, connection, "INTERNAL", type(error).__name__, True, None)
    finally:
        keeper.cancel()
        if connector is not None:
            await connector.aclose()
    return job


async def _keep_lease(job: SyncJob, worker: str) -> None:
    """Renew the job's lease while it runs, so a long pull is not taken for abandoned."""
    interval = jobs.LEASE.total_seconds() / 3
    while True:
        await asyncio.sleep(interval)
        if not await jobs.renew(job, worker):
            return


async def _failed(
    gate: SystemGate,
    job: SyncJob,
    connection: MarketplaceConnection,
    code: str,
    detail: str,
    retryable: bool,
    error: MarketplaceError | None,
) -> None:
    gate.note(f"sync.{job.kind}.failed", connection)
    try:
        await gate.flush()
    except Exception as flush_error:  # the job's failure is still recorded below
        log.error("audit write failed for job %s: %s", job.id, type(flush_error).__name__)
    retry_after = error.retry_after if error else None
    await jobs.fail(job, code=code, detail=detail, retryable=retryable, retry_after=retry_after)
    if isinstance(error, AuthFailed):
        await MarketplaceConnection.filter(id=connection.id, status=ConnectionStatus.ACTIVE).update(
            status=ConnectionStatus.ERROR
        )


async def _follow_up(connection: MarketplaceConnection, kind: JobKind, result: dict) -> None:
    """Keep pulling: the next page now, else the next round after the interval."""
    if kind is JobKind.PULL_ORDERS:
        delay = 0.0 if result.get("more") else PULL_ORDERS_EVERY
        await jobs.enqueue(connection, kind, delay=delay)
    elif kind is JobKind.PULL_REPORT:
        await jobs.enqueue(connection, kind, delay=PULL_REPORT_EVERY)


async def run_until_idle(
    worker: str | None = None, *, client: httpx.AsyncClient | None = None, limit: int = 1000
) -> int:
    """Run due jobs until none is due (at most ``limit``); returns how many ran."""
    name = worker or worker_name()
    ran = 0
    while ran < limit and await run_once(name, client=client) is not None:
        ran += 1
    return ran


async def run_forever(stop: asyncio.Event, *, poll_seconds: float = 1.0) -> None:
    name = worker_name()
    log.info("sync worker %s started", name)
    while not stop.is_set():
        try:
            ran = await run_until_idle(name, limit=100)
        except Exception:  # the database went away: wait and try again
            log.exception("sync worker %s: polling failed", name)
            ran = 0
        if not ran:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=poll_seconds)
    log.info("sync worker %s stopped", name)
