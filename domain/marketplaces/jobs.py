"""The sync queue: durable jobs in the database, coalesced, claimed atomically, retried.

Every worker (``mandi worker`` processes on many machines, or the in-process runner of the
embedded SQLite default) draws from the same ``marketplace_sync_job`` rows, so a restart loses
nothing: a queued job waits, and a job whose worker died is taken again once its lease ends.

- Coalescing: a job has a key (``push_stock:product:12``); while one with that key is queued
  for a connection, enqueueing again returns it. Jobs carry ids, not data, and read the current
  state when they run, so ten stock changes become one push of the latest level.
- Claiming is one conditional UPDATE (queued -> running), so two workers never run one job;
  a connection runs one job at a time, so its rate limit is spent by one worker.
- Failures: a retryable one (429, 5xx, malformed answer) is queued again after the longer of
  the marketplace's own wait and an exponential backoff with jitter; others, or running out of
  attempts, end the job as ``dead`` with its error code.
"""

from __future__ import annotations

import os
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from domain.marketplaces.models import ConnectionStatus, MarketplaceConnection
from domain.marketplaces.sync_models import JobKind, JobStatus, SyncJob

LEASE = timedelta(minutes=5)
MAX_ATTEMPTS = 8
MAX_BACKOFF = 3600.0


def backoff_base() -> float:
    """Seconds before the first retry (``MANDI_SYNC_BACKOFF_SECONDS``, default 5)."""
    return float(os.environ.get("MANDI_SYNC_BACKOFF_SECONDS", "5"))


def now() -> datetime:
    return datetime.now(UTC)


def backoff(attempts: int) -> float:
    """Exponential with full jitter: 0.5-1x of base * 2^(attempts-1), capped."""
    wait = min(MAX_BACKOFF, backoff_base() * 2 ** max(0, attempts - 1))
    return wait * (0.5 + random.random() / 2)  # noqa: S311 - jitter, not a secret


async def enqueue(
    connection: MarketplaceConnection,
    kind: JobKind,
    *,
    key: str | None = None,
    delay: float = 0.0,
    **payload: Any,
) -> SyncJob | None:
    """Queue a job (or return the queued one with the same key); None if disconnected."""
    if connection.status == ConnectionStatus.DISCONNECTED:
        return None
    key = key or kind.value
    existing = await _open(connection.id, key)
    if existing:
        return existing
    try:
        async with in_transaction():  # a savepoint when called inside a transaction
            return await SyncJob.create(
                organization_id=connection.organization_id,
                connection_id=connection.id,
                kind=kind,
                payload={**payload, "key": key},
                open_key=key,
                run_after=now() + timedelta(seconds=delay),
            )
    except IntegrityError:  # queued concurrently
        return await _open(connection.id, key)


async def _open(connection_id: int, key: str) -> SyncJob | None:
    return await SyncJob.filter(
        connection_id=connection_id, open_key=key, status=JobStatus.QUEUED
    ).first()


async def recover_abandoned() -> int:
    """Queue again the running jobs whose worker stopped renewing its lease (it died)."""
    stale = await SyncJob.filter(status=JobStatus.RUNNING, locked_until__lt=now())
    recovered = 0
    for job in stale:
        updated = await SyncJob.filter(id=job.id, status=JobStatus.RUNNING).update(
            status=JobStatus.QUEUED, locked_by=None, locked_until=None, run_after=now()
        )
        if updated:
            await _reopen(job)
            recovered += 1
    return recovered


@dataclass(frozen=True)
class Claimed:
    job: SyncJob
    connection: MarketplaceConnection


async def claim(worker: str, *, limit: int = 20) -> Claimed | None:
    """The oldest due job of a connection with nothing running, now running for ``worker``."""
    moment = now()
    running = SyncJob.filter(status=JobStatus.RUNNING).values_list("connection_id", flat=True)
    busy = set(cast(list[int], await running))  # flat: the values, not tuples
    candidates = (
        await SyncJob.filter(status=JobStatus.QUEUED, run_after__lte=moment)
        .exclude(connection_id__in=busy or {0})
        .order_by("run_after", "id")
        .limit(limit)
    )
    for job in candidates:
        taken = await SyncJob.filter(id=job.id, status=JobStatus.QUEUED).update(
            status=JobStatus.RUNNING,
            locked_by=worker[:64],
            locked_until=moment + LEASE,
            attempts=F("attempts") + 1,
            open_key=None,  # a change from now on needs a fresh job, not this one
        )
        if taken:
            await job.refresh_from_db()
            connection = await MarketplaceConnection.get(id=job.connection_id)
            return Claimed(job=job, connection=connection)
    return None


async def renew(job: SyncJob, worker: str) -> bool:
    """Extend the lease of a job this worker still runs; False if it was taken from it."""
    return bool(
        await SyncJob.filter(id=job.id, status=JobStatus.RUNNING, locked_by=worker[:64]).update(
            locked_until=now() + LEASE
        )
    )


async def succeed(job: SyncJob, *, result: dict[str, Any] | None = None) -> None:
    payload = {**job.payload, **({"result": result} if result else {})}
    await SyncJob.filter(id=job.id, status=JobStatus.RUNNING).update(
        status=JobStatus.SUCCEEDED,
        finished_at=now(),
        locked_by=None,
        locked_until=None,
        payload=payload,
        last_error_code=None,
        last_error_detail=None,
    )
    await MarketplaceConnection.filter(id=job.connection_id).update(last_success_at=now())


async def fail(
    job: SyncJob, *, code: str, detail: str, retryable: bool, retry_after: float | None = None
) -> JobStatus:
    """Record a failure; queue the job again if it may be retried. Returns its new status."""
    moment = now()
    again = retryable and job.attempts < MAX_ATTEMPTS
    values: dict[str, Any] = {
        "last_error_code": code[:32],
        "last_error_detail": detail[:200],
        "locked_by": None,
        "locked_until": None,
    }
    if again:
        wait = max(retry_after or 0.0, backoff(job.attempts))
        values |= {"status": JobStatus.QUEUED, "run_after": moment + timedelta(seconds=wait)}
    else:
        values |= {"status": JobStatus.DEAD, "finished_at": moment}
    await SyncJob.filter(id=job.id, status=JobStatus.RUNNING).update(**values)
    if again:
        await _reopen(job)
    await MarketplaceConnection.filter(id=job.connection_id).update(
        last_error_at=moment, last_error_code=code[:32]
    )
    return values["status"]


async def _reopen(job: SyncJob) -> None:
    """Give a requeued job its key back; if a newer job took the key, that one covers it."""
    key = job.payload.get("key")
    try:
        async with in_transaction():
            await SyncJob.filter(id=job.id, status=JobStatus.QUEUED).update(open_key=key)
    except IntegrityError:
        await SyncJob.filter(id=job.id, status=JobStatus.QUEUED).update(
            status=JobStatus.CANCELLED, finished_at=now(), last_error_code="SUPERSEDED"
        )
