"""``mandi worker``: run marketplace sync jobs (as many processes and machines as you like)."""

from __future__ import annotations

import argparse
import asyncio
import signal

from api.jobs import runner


def add_parser(sub: argparse._SubParsersAction) -> None:
    worker = sub.add_parser("worker", help="run marketplace sync jobs")
    worker.add_argument(
        "--once", action="store_true", help="run the jobs due now, then exit (for cron or tests)"
    )
    worker.add_argument("--poll", type=float, default=1.0, help="seconds between polls when idle")


async def run(args: argparse.Namespace) -> int:
    if args.once:
        ran = await runner.run_until_idle()
        print(f"{ran} sync jobs run")
        return 0
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await runner.run_forever(stop, poll_seconds=args.poll)
    return 0
