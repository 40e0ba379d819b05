"""The in-process runner: on the embedded SQLite default, ``mandi serve`` runs sync jobs itself
(one process owns the file), so a first run needs no worker. Off with
``MANDI_IN_PROCESS_WORKER=0``; PostgreSQL deployments run ``mandi worker`` instead."""

from __future__ import annotations

import asyncio
import contextlib
import os

from api.jobs.runner import run_forever
from domain.settings import Settings


class InProcessRunner:
    def __init__(self) -> None:
        self._stop = asyncio.Event()
        self._task = asyncio.create_task(run_forever(self._stop, poll_seconds=2.0))

    async def stop(self) -> None:
        self._stop.set()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task


def wanted(settings: Settings) -> bool:
    default = "1" if settings.database_url.startswith("sqlite://") else "0"
    return os.environ.get("MANDI_IN_PROCESS_WORKER", default) == "1"


def start(settings: Settings) -> InProcessRunner | None:
    return InProcessRunner() if wanted(settings) else None
