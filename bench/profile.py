# ruff: noqa: S603, S607 -- a local profiling helper: fixed commands
"""Profile Mandi under one workload:
``python -m bench.profile W1 [--volume small] [--seconds 15] [--reseed]``.

Serves Mandi on the volume's database (seeded earlier, or afresh with ``--reseed``), loads it
with wrk and records the server with py-spy (``pip install py-spy``); prints the functions with
the most samples, own and total.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from bench import run


def top(collapsed: Path, limit: int) -> str:
    own: collections.Counter[str] = collections.Counter()
    total: collections.Counter[str] = collections.Counter()
    samples = 0
    for line in collapsed.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        frames = stack.split(";")
        n = int(count)
        samples += n
        own[frames[-1]] += n
        for frame in set(frames):
            total[frame] += n
    lines = [f"{samples} samples", "own:"]
    lines += [f"  {100 * n / samples:5.1f}%  {f}" for f, n in own.most_common(limit)]
    lines += ["total:"]
    lines += [f"  {100 * n / samples:5.1f}%  {f}" for f, n in total.most_common(limit)]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("workload")
    parser.add_argument("--volume", default="small")
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--limit", type=int, default=40)
    parser.add_argument("--reseed", action="store_true", help="seed the volume afresh first")
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "mandi.prof")
    args = parser.parse_args()
    os.environ.update(run.keys())
    url, _ = run.prepare_database(args.volume, reseed=args.reseed)
    personas = asyncio.run(run._personas(url))
    (load,) = run.make_workloads(personas, {args.workload})
    server = run.mandi_server(url) if load.port == run.MANDI_PORT else run.baseline_server(url)
    with server:
        run.probe(load)
        print(json.dumps(load.counts), file=sys.stderr)
        pid = subprocess.run(
            ["pgrep", "-n", "-f", "api.cli serve|bench.baseline.app"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()[0]
        spy = subprocess.Popen(
            [
                "py-spy",
                "record",
                "-p",
                pid,
                "-d",
                str(args.seconds),
                "-f",
                "raw",
                "-o",
                str(args.out),
                "-r",
                "200",
            ],
            stdout=subprocess.DEVNULL,
        )
        result = run.wrk(load, args.seconds, 8)
        spy.wait()
    print(result, file=sys.stderr)
    print(top(args.out, args.limit))
    return 0


if __name__ == "__main__":
    sys.exit(main())
