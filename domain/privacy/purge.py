"""Retention purge: delete or anonymize what the retention table says has expired.

Each step is one statement over rows past their period, so running it again finds nothing new
(idempotent) and a run cut short is finished by the next one (safe from cron).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from domain.accounts.auth_models import (
    EmailChange,
    LoginChallenge,
    LoginEvent,
    PasswordReset,
    SignUpConfirmation,
)
from domain.accounts.models import User, UserStatus, WebSession
from domain.accounts.sign_up import CONFIRM_TTL
from domain.orders.models import Order
from domain.privacy.export import remove_expired
from domain.privacy.models import PrivacyNotice
from domain.privacy.request_models import RetainedRecord
from domain.privacy.retention import SECURITY_LOGS


@dataclass(frozen=True)
class Step:
    name: str
    action: str  # "deleted" or "anonymized"
    run: Callable[[datetime], Awaitable[int]]


async def _exports(at: datetime) -> int:
    return await remove_expired(at)


async def _login_events(at: datetime) -> int:
    return await LoginEvent.filter(created_at__lt=at - SECURITY_LOGS).delete()


async def _sessions(at: datetime) -> int:
    cutoff = at - SECURITY_LOGS
    return await WebSession.filter(Q(expires_at__lt=cutoff) | Q(revoked_at__lt=cutoff)).delete()


async def _one_time_tokens(at: datetime) -> int:
    challenges = await LoginChallenge.filter(expires_at__lt=at).delete()
    changes = await EmailChange.filter(expires_at__lt=at).delete()
    return challenges + changes + await PasswordReset.filter(expires_at__lt=at).delete()


async def _unconfirmed_sign_ups(at: datetime) -> int:
    """Pending accounts whose link was never followed (their links and mails go with them),
    and the expired links of confirmed ones."""
    links = await SignUpConfirmation.filter(expires_at__lt=at).delete()
    stale = User.filter(status=UserStatus.PENDING, created_at__lt=at - CONFIRM_TTL)
    return links + await stale.delete()


async def _receipt_addresses(at: datetime) -> int:
    return await PrivacyNotice.filter(
        sent_at__not_isnull=True, deliver_to_encrypted__not_isnull=True
    ).update(deliver_to_encrypted=None)


async def _retained_orders(at: datetime) -> int:
    expired = await RetainedRecord.filter(model="Order", retain_until__lt=at).values_list(
        "id", "object_id"
    )
    if not expired:
        return 0
    async with in_transaction():
        await Order.filter(id__in=[object_id for _, object_id in expired]).delete()
        await RetainedRecord.filter(id__in=[pk for pk, _ in expired]).delete()
    return len(expired)


STEPS = (
    Step("expired export files", "deleted", _exports),
    Step("sign-in history older than 12 months", "deleted", _login_events),
    Step("sessions ended more than 12 months ago", "deleted", _sessions),
    Step("expired sign-in challenges and reset links", "deleted", _one_time_tokens),
    Step("sign-ups never confirmed and expired sign-up links", "deleted", _unconfirmed_sign_ups),
    Step("addresses of sent erasure receipts", "anonymized", _receipt_addresses),
    Step("erased buyers' orders past their 72 months", "deleted", _retained_orders),
)


async def purge(
    at: datetime | None = None, progress: Callable[[int, Step, int], None] | None = None
) -> dict[str, int]:
    """Run every step; returns the count per step (``progress`` is told after each)."""
    moment = at or datetime.now(UTC)
    counts: dict[str, int] = {}
    for number, step in enumerate(STEPS, start=1):
        counts[step.name] = await step.run(moment)
        if progress is not None:
            progress(number, step, counts[step.name])
    return counts
