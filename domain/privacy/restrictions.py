"""Restriction of processing (GDPR Art. 18) and objection to it (Art. 21), and their check.

A restriction keeps a person's data but stops every purpose of processing it (analytics,
marketing, personalization, sharing with partners); an objection stops one purpose. Wherever
such processing happens, the code asks ``restricted_subjects`` first and leaves those people out.

Lifting: the person lifts their own at once; anyone else (a privacy officer, the seller for its
buyer) announces the lift to the person, and it takes effect ``LIFT_NOTICE`` later.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import cast

from tortoise.expressions import Q

from domain import validation as v
from domain.errors import Conflict, ValidationFailed
from domain.privacy.models import GrantSubject, ProcessingRestriction, Purpose, RestrictionKind
from domain.privacy.notices import queue_notice
from domain.privacy.services import subject_organization

LIFT_NOTICE = timedelta(days=7)
MIN_REASON = 10
MAX_REASON = 500
_CHUNK = 500  # ids per IN (...) list


def now() -> datetime:
    return datetime.now(UTC)


def is_active(restriction: ProcessingRestriction, at: datetime | None = None) -> bool:
    return restriction.lifts_at is None or restriction.lifts_at > (at or now())


def _active(at: datetime) -> Q:
    return Q(lifts_at=None) | Q(lifts_at__gt=at)


def _purpose(kind: RestrictionKind, purpose: Purpose | None) -> Purpose:
    if kind is RestrictionKind.RESTRICTION:
        if purpose not in (None, Purpose.ALL):
            raise ValidationFailed("a restriction stops every purpose", field="purpose")
        return Purpose.ALL
    if purpose in (None, Purpose.ALL):
        raise ValidationFailed("name the purpose you object to", field="purpose")
    return purpose


async def restrict(
    *,
    kind: RestrictionKind,
    subject_kind: GrantSubject,
    subject_id: int,
    purpose: Purpose | None,
    requested_by_id: int | None,
) -> ProcessingRestriction:
    """Record a restriction or an objection; an active identical one is returned as it is."""
    chosen = _purpose(kind, purpose)
    organization_id = await subject_organization(kind=subject_kind, subject_id=subject_id)
    current = await (
        ProcessingRestriction.filter(
            subject_kind=subject_kind, subject_id=subject_id, kind=kind, purpose=chosen
        )
        .filter(_active(now()))
        .first()
    )
    if current is not None:
        return current
    return await ProcessingRestriction.create(
        subject_kind=subject_kind,
        subject_id=subject_id,
        organization_id=organization_id,
        kind=kind,
        purpose=chosen,
        requested_by_id=requested_by_id,
    )


def is_own(restriction: ProcessingRestriction, user_id: int | None) -> bool:
    """True when ``user_id`` is the person the restriction protects."""
    return restriction.subject_kind == GrantSubject.USER and restriction.subject_id == user_id


async def lift(
    *, restriction: ProcessingRestriction, by_user_id: int | None, reason: str | None
) -> ProcessingRestriction:
    """Lift at once (the person's own) or announce the lift to the person first (anyone else)."""
    if restriction.lift_requested_at is not None:
        raise Conflict("this restriction is lifted or being lifted already", field="id")
    current = now()
    own = is_own(restriction, by_user_id)
    text = " ".join((reason or "").split())
    if not own:
        text = v.reason(
            reason,
            field="reason",
            min_length=MIN_REASON,
            max_length=MAX_REASON,
            ask="tell the person why,",
        )
    restriction.lift_requested_at = current
    restriction.lifts_at = current if own else current + LIFT_NOTICE
    restriction.lifted_by_id = by_user_id
    restriction.lift_reason = text or None
    await restriction.save(
        update_fields=["lift_requested_at", "lifts_at", "lifted_by_id", "lift_reason"]
    )
    if not own:
        await queue_notice(
            subject_kind=GrantSubject(restriction.subject_kind),
            subject_id=restriction.subject_id,
            organization_id=restriction.organization_id,
            template="restriction.lift_announced",
            facts={
                "restriction_id": restriction.id,
                "kind": str(restriction.kind),
                "purpose": str(restriction.purpose),
                "lifts_at": restriction.lifts_at.isoformat(),
                "reason": text,
            },
        )
    return restriction


async def restricted_subjects(
    kind: str, ids: Iterable[int], purpose: str, *, at: datetime | None = None
) -> set[int]:
    """The ids among ``ids`` (people of ``kind``: "user" or "customer") whose data must not be
    processed for ``purpose`` now: an active restriction, or an active objection to it.

    Raises ValueError for an unknown kind or purpose: a caller's mistake must not pass as
    "nobody is restricted".
    """
    subject_kind = GrantSubject(kind)
    wanted = Purpose(purpose)
    if wanted is Purpose.ALL:
        raise ValueError("ask about one purpose, not 'all'")
    moment = at or now()
    pending = sorted({int(i) for i in ids})
    found: set[int] = set()
    for start in range(0, len(pending), _CHUNK):
        rows = await (
            ProcessingRestriction.filter(
                subject_kind=subject_kind, subject_id__in=pending[start : start + _CHUNK]
            )
            .filter(Q(kind=RestrictionKind.RESTRICTION) | Q(purpose=wanted))
            .filter(_active(moment))
            .values_list("subject_id", flat=True)
        )
        found.update(int(row) for row in cast(list[int], rows))  # flat: not tuples
    return found
