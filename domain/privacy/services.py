"""Support access grants: a support agent's justified, time-boxed access to one person's data.

Whether the caller may create, see or revoke a grant is the policy's decision
(authz/policies/privacy.polar). A grant counts from the next request of its grantee: the
principal loads open grants when a request starts.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import cast

from domain.accounts.models import User
from domain.errors import Conflict, NotFound, ValidationFailed
from domain.orders.models import Customer
from domain.privacy.models import AccessGrant, GrantSubject

MIN_JUSTIFICATION = 20
MAX_JUSTIFICATION = 500
MAX_DURATION = timedelta(hours=8)
DEFAULT_DURATION = timedelta(hours=1)


def now() -> datetime:
    return datetime.now(UTC)


def is_open(grant: AccessGrant, at: datetime | None = None) -> bool:
    return grant.revoked_at is None and grant.expires_at > (at or now())


def _justification(text: str) -> str:
    cleaned = " ".join(text.split())
    if not MIN_JUSTIFICATION <= len(cleaned) <= MAX_JUSTIFICATION:
        raise ValidationFailed(
            f"say why, in {MIN_JUSTIFICATION} to {MAX_JUSTIFICATION} characters "
            "(e.g. the ticket you are working on)",
            field="justification",
        )
    return cleaned


def _duration(minutes: int) -> timedelta:
    duration = timedelta(minutes=minutes)
    if not timedelta(minutes=1) <= duration <= MAX_DURATION:
        limit = int(MAX_DURATION.total_seconds() // 60)
        raise ValidationFailed(f"between 1 and {limit} minutes", field="durationMinutes")
    return duration


async def subject_organization(*, kind: GrantSubject, subject_id: int) -> int | None:
    """The organization holding a customer (None for a user); NotFound if there is no subject."""
    if kind is GrantSubject.CUSTOMER:
        found: list[int | None] = cast(  # flat: the values, not tuples
            list[int | None],
            await Customer.filter(id=subject_id).values_list("organization_id", flat=True),
        )
    else:
        found = [None] if await User.filter(id=subject_id).exists() else []
    if not found:
        raise NotFound(kind.value.title(), field="subjectId")
    return found[0]


async def create_grant(
    *,
    grantee_id: int,
    kind: GrantSubject,
    subject_id: int,
    justification: str,
    duration_minutes: int,
) -> AccessGrant:
    """Open a grant for ``grantee_id`` on one subject; CONFLICT if one is open already."""
    text = _justification(justification)
    duration = _duration(duration_minutes)
    if kind is GrantSubject.USER and subject_id == grantee_id:
        raise ValidationFailed("you can already see your own data", field="subjectId")
    organization_id = await subject_organization(kind=kind, subject_id=subject_id)
    current = now()
    if await AccessGrant.filter(
        grantee_id=grantee_id,
        subject_kind=kind,
        subject_id=subject_id,
        revoked_at=None,
        expires_at__gt=current,
    ).exists():
        raise Conflict("you hold an open grant for this subject already", field="subjectId")
    return await AccessGrant.create(
        grantee_id=grantee_id,
        subject_kind=kind,
        subject_id=subject_id,
        organization_id=organization_id,
        justification=text,
        created_by_id=grantee_id,
        expires_at=current + duration,
    )


async def revoke_grant(*, grant: AccessGrant) -> AccessGrant:
    """Close the grant now; revoking a closed grant changes nothing."""
    if is_open(grant):
        grant.revoked_at = now()
        await grant.save(update_fields=["revoked_at"])
    return grant
