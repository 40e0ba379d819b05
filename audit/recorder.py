"""The per-request audit buffer: reads are merged per object and actor, then written in one
insert. Each note names the actor of the moment it was noted (a request that signs in or out
changes its actor midway). Security events (sign-in attempts, refusals) are kept apart: they are
written even when the request's transaction rolls back."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from tortoise import connections
from tortoise.backends.base.client import TransactionalDBClient

from audit.models import Outcome
from audit.witness import publish_logged
from audit.writer import append, crossed_boundary


@dataclass(frozen=True)
class Actor:
    """Who acts: ``type`` is user, token, system or anonymous; ``on_behalf_of`` is a token's
    creator."""

    type: str
    id: int | None = None
    on_behalf_of: int | None = None
    ip: str | None = None
    user_agent: str | None = None
    request_id: str | None = None


SYSTEM = Actor(type="system")

# Reads of these are noted once per request and data subject (one entry listing the ids read in
# ``detail``), not once per object: reading a page of the log would otherwise write a page of
# entries.
PER_REQUEST = frozenset({"AuditEntry"})


@dataclass
class _Note:
    actor: Actor
    action: str
    resource_type: str
    resource_id: str | None
    subject: str | None
    organization_id: int | None
    outcome: Outcome
    justification: str | None = None
    fields: set[str] = field(default_factory=set)
    detail: dict[str, Any] | None = None
    ids: set[int] | None = None  # a PER_REQUEST note: the ids read
    kept: bool = False  # written even when the request's writes roll back
    attempts: int = 1  # a refusal noted again: how many (``detail.attempts`` past one)


class AuditBuffer:
    """Collects a request's audit entries; ``flush`` appends them to the chain at once."""

    def __init__(
        self, actor: Actor, role_of: Callable[[int | None, str | None], str | None] | None = None
    ) -> None:
        self._actor = actor  # who acts from now on; each note keeps the actor of its moment
        # the role a person of Mandi acts in on data of this organization and subject (None: as
        # themselves); every note it names one for records it in ``detail.role``
        self._role_of = role_of
        self._notes: dict[tuple, _Note] = {}
        # id(object) -> (object, the fields of its allowed-read note): an object's later
        # personal fields join its note without describing it again (for the current actor,
        # until the next write)
        self._reads: dict[int, tuple[Any, set[str]]] = {}
        self.flushed = 0
        self.checkpointed = False  # a checkpoint was made: the witness is due once it commits

    @property
    def actor(self) -> Actor:
        return self._actor

    @actor.setter
    def actor(self, actor: Actor) -> None:
        self._actor = actor
        self._reads.clear()  # notes from now on name the new actor

    def read(
        self,
        obj: Any,
        fields: tuple[str, ...],
        describe: Callable[[Any, Any], dict[str, Any]],
        model: Any = None,
    ) -> None:
        """Note an allowed read of personal ``fields`` of ``obj``; ``describe(obj, model)``
        names it for the log (asked once per object)."""
        held = self._reads.get(id(obj))
        if held is not None and held[0] is obj:
            held[1].update(fields)
            return
        note = self.note("read", **describe(obj, model), fields=fields)
        if note.ids is None:  # a per-request note's fields are those of each of its ids
            self._reads[id(obj)] = (obj, note.fields)

    def note(
        self,
        action: str,
        resource_type: str,
        resource_id: Any = None,
        *,
        fields: tuple[str, ...] | list[str] = (),
        subject: str | None = None,
        organization_id: int | None = None,
        outcome: Outcome = Outcome.ALLOWED,
        justification: str | None = None,
        security: bool = False,
        detail: dict[str, Any] | None = None,
    ) -> _Note:
        """Note an access (returned: the note it joined). An authentication event
        (``security``) and every refusal are kept: written even when the request's writes roll
        back, for an attempt happened whatever became of the rest of the request."""
        role = None if self._role_of is None else self._role_of(organization_id, subject)
        if role is not None and "role" not in (detail or {}):
            detail = {**(detail or {}), "role": role}
        per_request = resource_type in PER_REQUEST and action == "read" and resource_id is not None
        rid = None if resource_id is None or per_request else str(resource_id)
        actor = self.actor
        # Notes merge only when all but their fields agree: two organizations' (or two
        # minutes') refusal summaries from one address, or two searches of the log by two
        # subjects in one request, are two entries, not one.
        facts = None if detail is None else json.dumps(detail, sort_keys=True, default=str)
        # A per-request note names its many objects in ``detail``: one note for the objects of
        # one data subject whose same fields were read (so the person finds it in their access
        # log, and no entry claims a field of an object that was not read).
        whose = (
            (None, subject, tuple(sorted(fields))) if per_request else (organization_id, subject)
        )
        kept = security or outcome is Outcome.DENIED
        key = (actor, action, resource_type, rid, outcome, justification, *whose, facts, kept)
        note = self._notes.get(key)
        if note is None:
            note = self._notes[key] = _Note(
                actor, action, resource_type, rid, subject, organization_id, outcome, justification
            )
            note.detail = detail
            note.kept = kept
            if per_request:
                note.organization_id = None  # many entries: named in ``detail``
                note.ids = set()
        elif outcome is Outcome.DENIED and not fields:
            # an object or action refused again (thirty aliases alike: one entry that says
            # thirty); a refused field joins the fields of its object's note instead
            note.attempts += 1
        if note.ids is not None and resource_id is not None:
            note.ids.add(int(resource_id))
        note.fields.update(fields)
        return note

    def discard(self) -> None:
        """Drop what is still buffered (the request is over: what had to be written was)."""
        self._notes.clear()
        self._reads.clear()

    def __len__(self) -> int:
        return len(self._notes)

    def entries(self, now: datetime | None = None, *, kept_only: bool = False) -> list[dict]:
        """The buffered entries in the order first noted (``kept_only``: those that survive a
        rollback)."""
        moment = now or datetime.now(UTC)
        notes = [n for n in self._notes.values() if n.kept or not kept_only]
        return [_entry(note, moment) for note in notes]

    async def flush(self) -> None:
        """Append the buffered entries (one INSERT) and empty the buffer."""
        await self._write(self.entries())

    async def flush_kept(self) -> None:
        """After a rollback: append only the kept entries (sign-ins, refusals), and empty the
        buffer."""
        await self._write(self.entries(kept_only=True))

    async def _write(self, entries: list[dict[str, Any]]) -> None:
        if entries:
            last = await append(entries)
            self.flushed += 1
            if crossed_boundary(last, len(entries)):
                self.checkpointed = True
                if not isinstance(connections.get("default"), TransactionalDBClient):
                    await self.witness()  # committed already; else the caller does it
        self._notes.clear()
        self._reads.clear()

    async def witness(self) -> None:
        """After the commit: hand new checkpoints to the witness."""
        if self.checkpointed:
            self.checkpointed = False
            await publish_logged()


def _entry(note: _Note, moment: datetime) -> dict[str, Any]:
    actor = note.actor
    return {
        "occurred_at": moment,
        "request_id": actor.request_id,
        "actor_type": actor.type,
        "actor_id": actor.id,
        "on_behalf_of": actor.on_behalf_of,
        "organization_id": note.organization_id,
        "action": note.action,
        "resource_type": note.resource_type,
        "resource_id": note.resource_id,
        "fields_accessed": sorted(note.fields),
        "subject": note.subject,
        "outcome": note.outcome.value,
        "justification": note.justification,
        "ip": actor.ip,
        "user_agent": (actor.user_agent or "")[:300] or None,
        "detail": _detail(note),
    }


def _detail(note: _Note) -> dict[str, Any] | None:
    if note.ids:
        return {"ids": sorted(note.ids)}
    if note.attempts > 1:
        return {**(note.detail or {}), "attempts": note.attempts}
    return note.detail


async def record(actor: Actor, action: str, resource_type: str, **details: Any) -> None:
    """Write one entry now (for events outside a GraphQL request, e.g. a refused token)."""
    buffer = AuditBuffer(actor)
    buffer.note(action, resource_type, **details)
    await buffer.flush()
