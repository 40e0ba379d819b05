"""Privacy requests: filing, the deadline, extension, denial, completion, and the queue.

Every step is a ``PrivacyRequestEvent`` and, when the person should know, a notice in the
privacy outbox. Whether the caller may take a step is the policy's decision.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import cast

from domain import validation as v
from domain.accounts.login import account_address, account_name
from domain.accounts.models import User
from domain.crypto.fields import lookup
from domain.errors import Conflict, ValidationFailed
from domain.orders.models import CustomerAddress, Order
from domain.privacy.deadlines import DEADLINES, due_at, latest_extension, regime_for
from domain.privacy.models import GrantSubject, Purpose
from domain.privacy.notices import queue_notice
from domain.privacy.request_models import (
    OPEN_STATUSES,
    IdentityCheck,
    PrivacyRequest,
    PrivacyRequestEvent,
    Regime,
    RequestStatus,
    RequestType,
)
from domain.privacy.services import subject_organization

MIN_REASON = 10
MAX_REASON = 1000
MAX_TAKES = 20  # hand-overs of one request between officers
# Every step a request can have: received, each take, one extension, the closing step.
MAX_STEPS = 1 + MAX_TAKES + 1 + 1


def now() -> datetime:
    return datetime.now(UTC)


def is_open(request: PrivacyRequest) -> bool:
    return request.status in OPEN_STATUSES


def days_left(request: PrivacyRequest, at: datetime | None = None) -> int:
    """Whole days until the deadline (negative once it has passed)."""
    return (request.due_at - (at or now())).days


def _reason(text: str | None, field: str) -> str:
    return v.reason(
        text, field=field, min_length=MIN_REASON, max_length=MAX_REASON, ask="give the reason"
    )


async def country_of(kind: GrantSubject, subject_id: int) -> str | None:
    """The person's country: a user's own, a buyer's latest address or shipping country."""
    if kind is GrantSubject.USER:
        user = await User.get_or_none(id=subject_id)
        return user.country if user is not None else None
    address = await CustomerAddress.filter(customer_id=subject_id).order_by("-id").first()
    if address is not None:
        return address.country
    order = await Order.filter(customer_id=subject_id).order_by("-id").first()
    return order.shipping_country if order is not None else None


async def _step(
    request: PrivacyRequest, step: str, actor_id: int | None, note: str | None = None
) -> None:
    await PrivacyRequestEvent.create(
        request_id=request.id, status=request.status, step=step, actor_id=actor_id, note=note
    )


async def _tell(
    request: PrivacyRequest, template: str, deliver_to: str | None = None, **facts: object
) -> None:
    if request.subject_id is None:
        return
    await queue_notice(
        subject_kind=GrantSubject(request.subject_kind),
        subject_id=request.subject_id,
        organization_id=request.organization_id,
        template=template,
        facts={"request_id": request.id, "type": str(request.type), **facts},
        deliver_to=deliver_to,
    )


async def find_open(
    *, kind: RequestType, subject_kind: GrantSubject, subject_id: int, purpose: Purpose | None
) -> PrivacyRequest | None:
    return await PrivacyRequest.filter(
        type=kind,
        subject_kind=subject_kind,
        subject_id=subject_id,
        purpose=purpose,
        status__in=OPEN_STATUSES,
    ).first()


async def file_request(
    *,
    kind: RequestType,
    subject_kind: GrantSubject,
    subject_id: int,
    identity_check: IdentityCheck,
    requested_by_id: int | None,
    purpose: Purpose | None = None,
) -> tuple[PrivacyRequest, bool]:
    """Record a request (and tell the person when it is due); an open one of the same type for
    the same person is returned instead, with False."""
    organization_id = await subject_organization(kind=subject_kind, subject_id=subject_id)
    current = await find_open(
        kind=kind, subject_kind=subject_kind, subject_id=subject_id, purpose=purpose
    )
    if current is not None:
        return current, False
    regime = regime_for(await country_of(subject_kind, subject_id))
    received = now()
    due = due_at(regime, kind, received)
    request = await PrivacyRequest.create(
        type=kind,
        subject_kind=subject_kind,
        subject_id=subject_id,
        organization_id=organization_id,
        regime=regime,
        identity_check=identity_check,
        purpose=purpose,
        requested_by_id=requested_by_id,
        received_at=received,
        due_at=due,
        original_due_at=due,
    )
    await _step(request, "received", requested_by_id, f"identity check: {identity_check}")
    await _tell(request, "request.received", due_at=due.isoformat(), regime=str(regime))
    return request, True


def require_open(request: PrivacyRequest) -> None:
    if not is_open(request):
        raise Conflict(f"the request is {request.status} already", field="id")


async def take(*, request: PrivacyRequest, handler_id: int) -> PrivacyRequest:
    """A privacy officer takes the request on (it is in progress from now). Taking it again
    while one holds it adds no step; it changes hands at most ``MAX_TAKES`` times."""
    require_open(request)
    if request.status == RequestStatus.IN_PROGRESS and request.handler_id == handler_id:
        return request
    taken = await PrivacyRequestEvent.filter(request_id=request.id, step="taken").count()
    if taken >= MAX_TAKES:
        raise Conflict(f"a request changes hands at most {MAX_TAKES} times", field="id")
    request.handler_id = handler_id
    request.status = RequestStatus.IN_PROGRESS
    await request.save(update_fields=["handler_id", "status"])
    await _step(request, "taken", handler_id)
    return request


async def extend(
    *, request: PrivacyRequest, until: datetime, reason: str, actor_id: int
) -> PrivacyRequest:
    """Move the deadline once, before it passes, by at most what the regime allows."""
    require_open(request)
    text = _reason(reason, "reason")
    if request.extended_at is not None:
        raise Conflict("a request is extended only once", field="id")
    current = now()
    if current >= request.due_at:
        raise Conflict("the deadline has passed; answer the request", field="id")
    regime = Regime(request.regime)
    limit = latest_extension(regime, request.original_due_at)
    moment = until if until.tzinfo else until.replace(tzinfo=UTC)
    if not request.due_at < moment <= limit:
        raise ValidationFailed(
            f"a new deadline after the current one and at most {limit.date().isoformat()}",
            field="until",
        )
    request.due_at = moment
    request.extended_at = current
    request.extension_reason = text
    request.handler_id = request.handler_id or actor_id
    await request.save(update_fields=["due_at", "extended_at", "extension_reason", "handler_id"])
    await _step(request, "extended", actor_id, text)
    await _tell(request, "request.extended", due_at=moment.isoformat(), reason=text)
    return request


async def deny(*, request: PrivacyRequest, reason: str, actor_id: int) -> PrivacyRequest:
    """Refuse the request with reasons, telling the person how to complain."""
    require_open(request)
    text = _reason(reason, "reason")
    request.status = RequestStatus.DENIED
    request.denial_reason = text
    request.closed_at = now()
    request.handler_id = request.handler_id or actor_id
    await request.save(update_fields=["status", "denial_reason", "closed_at", "handler_id"])
    await _step(request, "denied", actor_id, text)
    complain_to = DEADLINES[Regime(request.regime)].complain_to
    await _tell(request, "request.denied", reason=text, complain_to=complain_to)
    return request


async def complete(
    *,
    request: PrivacyRequest,
    actor_id: int | None,
    note: str,
    deliver_to: str | None = None,
    **facts: object,
) -> PrivacyRequest:
    """Close the request as done (the step that acted on the data calls this)."""
    require_open(request)
    request.status = RequestStatus.COMPLETED
    request.closed_at = now()
    request.handler_id = request.handler_id or actor_id
    await request.save(update_fields=["status", "closed_at", "handler_id"])
    await _step(request, "completed", actor_id, note)
    await _tell(request, "request.completed", deliver_to, **facts)
    return request


QUEUE_COLUMNS = (
    "id",
    "type",
    "regime",
    "status",
    "subject_kind",
    "subject",
    "received_at",
    "due_at",
    "days_left",
    "extended",
    "handler_id",
)


SUBJECT_MODELS = {GrantSubject.USER: "User", GrantSubject.CUSTOMER: "Customer"}


def queue_csv(
    requests: Iterable[PrivacyRequest],
    at: datetime | None = None,
    *,
    shown_id: Callable[[str, int], str],
) -> str:
    """The queue as CSV (ids, dates and states; no personal values); ``shown_id`` writes a row's
    key (its model's name, the key) as the reader knows ids."""

    def shown(model: str, pk: int | None) -> str:
        return "" if pk is None else shown_id(model, pk)

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(QUEUE_COLUMNS)
    for r in requests:
        writer.writerow(
            (
                shown("PrivacyRequest", r.id),
                r.type,
                r.regime,
                r.status,
                r.subject_kind,
                shown(SUBJECT_MODELS[GrantSubject(r.subject_kind)], r.subject_id),
                r.received_at.isoformat(),
                r.due_at.isoformat(),
                days_left(r, at),
                "yes" if r.extended_at else "no",
                shown("User", r.handler_id),
            )
        )
    return out.getvalue()


async def report_minor(
    *, username: str | None, email: str | None, reporter_id: int | None
) -> PrivacyRequest:
    """Someone reports that a child's data is held: a request for the privacy officers, due in
    three days. The account is matched by username or email; whether one matched is never told
    (the answer is the same), and nothing about the child beyond the match is stored."""
    if username:
        query = User.filter(username_index=lookup(User, "username", account_name(username)))
    else:
        query = User.filter(email_index=lookup(User, "email", account_address(email or "")))
    found = await query.values_list("id", flat=True) if (username or email) else []
    user_id = cast(list[int], found)  # flat: the values, not tuples
    subject_id = user_id[0] if user_id else None
    if subject_id is not None:
        current = await find_open(
            kind=RequestType.MINOR_DATA,
            subject_kind=GrantSubject.USER,
            subject_id=subject_id,
            purpose=None,
        )
        if current is not None:
            return current
    received = now()
    due = due_at(Regime.OTHER, RequestType.MINOR_DATA, received)
    request = await PrivacyRequest.create(
        type=RequestType.MINOR_DATA,
        subject_kind=GrantSubject.USER,
        subject_id=subject_id,
        regime=regime_for(await country_of(GrantSubject.USER, subject_id))
        if subject_id
        else Regime.OTHER,
        identity_check=IdentityCheck.NOT_REQUIRED,
        requested_by_id=reporter_id,
        received_at=received,
        due_at=due,
        original_due_at=due,
    )
    await _step(request, "received", reporter_id, "report that a minor's data is held")
    return request
