"""Server CPU per request, one request at a time:
``python -m bench.cpu [--volume small] [--workloads W1,B1,W3,B3] [--requests 30] [--blocks 5]``.

wrk's throughput on this machine moves 10-30 % from round to round (wrk, both servers and
PostgreSQL share two cores), more than most changes a commit makes. The CPU time the server
process spends on one request (utime + stime from /proc, read before and after each request,
sent one at a time) moves far less, and it is what throughput under load is bounded by: one
uvicorn process on one core. Both servers run side by side; blocks of requests alternate
between the workloads; each block's mean is one sample, and the median of blocks is reported
with the lowest and highest block.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from contextlib import ExitStack
from pathlib import Path

import httpx

from bench import run

TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """utime + stime of ``pid`` in seconds (clock ticks: 10 ms on Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def measure(
    client: httpx.Client, pid: int, load: run.Workload, requests: int
) -> tuple[float, float]:
    """Mean server CPU ms per request over ``requests`` requests in a row (clock ticks are
    10 ms, so only a block's total is precise), and the median wall time of one."""
    url = f"http://127.0.0.1:{load.port}/graphql"
    headers = run._headers(load.header)
    walls = []
    before = cpu_seconds(pid)
    for index in range(requests):
        payload = load.bodies[index % len(load.bodies)]
        started = time.perf_counter()
        response = client.post(url, json=payload, headers=headers)
        walls.append(1000 * (time.perf_counter() - started))
        response.raise_for_status()
    time.sleep(0.05)  # let the server finish its bookkeeping after the last response
    return 1000 * (cpu_seconds(pid) - before) / requests, statistics.median(walls)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--volume", default="small")
    parser.add_argument("--workloads", default="W1,B1,W3,B3")
    parser.add_argument("--requests", type=int, default=30, help="per block")
    parser.add_argument("--blocks", type=int, default=5)
    args = parser.parse_args()
    os.environ.update(run.keys())
    url, _ = run.prepare_database(args.volume, reseed=False)
    personas = asyncio.run(run._personas(url))
    loads = run.make_workloads(personas, set(args.workloads.split(",")))
    blocks: dict[str, list[tuple[float, float]]] = {load.key: [] for load in loads}
    with ExitStack() as stack, httpx.Client(timeout=60) as client:
        pids = {}
        if any(load.port == run.MANDI_PORT for load in loads):
            pids[run.MANDI_PORT] = stack.enter_context(run.mandi_server(url)).pid
        if any(load.port == run.BASELINE_PORT for load in loads):
            pids[run.BASELINE_PORT] = stack.enter_context(run.baseline_server(url)).pid
        for load in loads:
            run.probe(load)
            measure(client, pids[load.port], load, 5)  # warm caches and the JIT-less paths
        for _ in range(args.blocks):
            for load in loads:
                blocks[load.key].append(measure(client, pids[load.port], load, args.requests))
    print("| workload | server CPU ms/request (median of blocks) | blocks min-max | wall ms |")
    print("|---|---:|---|---:|")
    for load in loads:
        cpus = [c for c, _ in blocks[load.key]]
        wall = statistics.median(w for _, w in blocks[load.key])
        print(
            f"| {load.key} | {statistics.median(cpus):.1f} | {min(cpus):.1f}-{max(cpus):.1f} "
            f"| {wall:.1f} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
