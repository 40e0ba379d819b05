"""Refusals at the door (bad tokens, cross-site requests), summarised so garbage cannot flood
the log.

The first refusal of a kind from one address in a minute (per organization, when the token
names one) is written at once, with its request id. Further ones in that minute are counted and
written as one summary entry (action ``<action>.repeated``) once the minute is over, its
``detail`` ``{"count": N, "minute": "YYYY-MM-DDTHH:MMZ"}`` (chained; entries without a detail
hash as they always did).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from audit.models import Outcome
from audit.recorder import Actor, AuditBuffer

log = logging.getLogger("mandi.audit")


@dataclass(frozen=True)
class _Key:
    minute: int
    ip: str | None
    actor_type: str
    actor_id: int | None
    action: str
    resource_type: str
    organization_id: int | None


@dataclass
class _Repeats:
    count: int
    user_agent: str | None


def summary(count: int, minute: int) -> dict[str, Any]:
    moment = datetime.fromtimestamp(minute * 60, UTC).strftime("%Y-%m-%dT%H:%MZ")
    return {"count": count, "minute": moment}


class RefusalLog:
    """Per process: one entry per (minute, address, action, organization), then one summary."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self.clock = clock
        self._seen: dict[_Key, _Repeats] = {}
        self._timer: asyncio.TimerHandle | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    def _minute(self) -> int:
        return int(self.clock() // 60)

    async def refused(
        self,
        actor: Actor,
        action: str,
        resource_type: str,
        *,
        resource_id: str | int | None = None,
        organization_id: int | None = None,
        subject: str | None = None,
    ) -> None:
        """Record one refusal: written now if it is the first of its key this minute."""
        minute = self._minute()
        await self._flush_logged(minute)
        key = _Key(minute, actor.ip, actor.type, actor.id, action, resource_type, organization_id)
        repeats = self._seen.get(key)
        if repeats is not None:
            repeats.count += 1
            return
        self._seen[key] = _Repeats(0, actor.user_agent)
        self._schedule()
        buffer = AuditBuffer(actor)
        buffer.note(
            action,
            resource_type,
            resource_id,
            organization_id=organization_id,
            subject=subject,
            outcome=Outcome.DENIED,
        )
        try:
            await buffer.flush()
        except Exception as error:  # the refusal stands; its record is what failed
            log.error("refusal not recorded: %s", type(error).__name__)

    async def flush(self, *, before: int | None = None) -> None:
        """Write the summaries of minutes before ``before`` (all, when None)."""
        done = [k for k in self._seen if before is None or k.minute < before]
        if not done:
            return
        buffer = AuditBuffer(Actor(type="anonymous"))
        for key in done:
            repeats = self._seen.pop(key)
            if not repeats.count:
                continue
            buffer.actor = Actor(
                type=key.actor_type, id=key.actor_id, ip=key.ip, user_agent=repeats.user_agent
            )
            buffer.note(
                f"{key.action}.repeated",
                key.resource_type,
                organization_id=key.organization_id,
                outcome=Outcome.DENIED,
                detail=summary(repeats.count, key.minute),
            )
        await buffer.flush()

    def _schedule(self) -> None:
        """Write the summaries soon after the minute ends, even if no refusal follows."""
        if self._timer is not None:
            return
        delay = 60 - self.clock() % 60 + 1
        self._timer = asyncio.get_running_loop().call_later(delay, self._on_timer)

    def _on_timer(self) -> None:
        self._timer = None
        task = asyncio.ensure_future(self._flush_logged(self._minute()))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        if self._seen:
            self._schedule()

    async def _flush_logged(self, before: int) -> None:
        try:
            await self.flush(before=before)
        except Exception as error:  # a lost summary must be visible in the logs
            log.error("refusal summary not written: %s", type(error).__name__)

    async def close(self) -> None:
        """At shutdown: write every pending summary."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        await self._flush_logged(self._minute() + 1)
