"""``mandi worker --once`` in a process of its own runs the jobs the API queued."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from domain.marketplaces.sync_models import JobKind, JobStatus
from tests.marketplaces.sync_support import connect, jobs_of
from tests.support import seed_product

MANDI = str(Path(sys.executable).parent / "mandi")


async def test_a_separate_worker_process_runs_queued_jobs(backend, team, fakes):
    await seed_product(team.org.id, "SKU-1")
    fakes.amazon.add_order("403-9000000", sku="SKU-1", quantity=1, price="100.00")
    connection = await connect(team.clients["owner"], team.org_id)
    env = {**os.environ, "DATABASE_URL": backend.url, "MANDI_IN_PROCESS_WORKER": "0"}
    process = await asyncio.create_subprocess_exec(
        MANDI,
        "worker",
        "--once",
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=120)
    assert process.returncode == 0, err.decode()
    assert out.decode().strip().endswith("sync jobs run")  # with other tests' due jobs
    done = {j.kind: j.status for j in await jobs_of(connection) if j.finished_at}
    assert done == {
        JobKind.PULL_ORDERS: JobStatus.SUCCEEDED,
        JobKind.PULL_REPORT: JobStatus.SUCCEEDED,
    }
