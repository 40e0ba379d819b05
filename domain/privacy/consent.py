"""Consent events: each choice is a row (purpose, given or withdrawn, policy version, a digest
of the notice text, time, truncated IP); the latest row per purpose is the person's choice.

Everything is off until given (marketing, analytics, personalization, non-essential cookies).
Choices change no price and no feature; they only decide who the places that process for these
purposes may include (``audience``).
"""

from __future__ import annotations

import hashlib
import ipaddress
from collections.abc import Iterable

from domain.errors import ValidationFailed
from domain.privacy.consent_models import ConsentEvent, ConsentMethod, ConsentPurpose
from domain.privacy.restrictions import restricted_subjects

MAX_NOTICE = 20_000


def truncate_ip(ip: str | None) -> str | None:
    """The network part only: IPv4 /24, IPv6 /48; None for anything that is no address."""
    try:
        address = ipaddress.ip_address(ip or "")
    except ValueError:
        return None
    prefix = 24 if address.version == 4 else 48
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False).network_address)


def digest(notice_text: str | None) -> str | None:
    if notice_text is None:
        return None
    if len(notice_text) > MAX_NOTICE:
        raise ValidationFailed(f"at most {MAX_NOTICE} characters", field="noticeText")
    return hashlib.sha256(notice_text.encode()).hexdigest()


async def record(
    *,
    user_id: int,
    purpose: ConsentPurpose,
    granted: bool,
    method: ConsentMethod,
    ip: str | None,
    policy_version: str | None = None,
    notice_text: str | None = None,
) -> ConsentEvent:
    if policy_version is not None and not 1 <= len(policy_version) <= 32:
        raise ValidationFailed("1 to 32 characters", field="policyVersion")
    return await ConsentEvent.create(
        user_id=user_id,
        purpose=purpose,
        granted=granted,
        method=method,
        policy_version=policy_version,
        notice_digest=digest(notice_text),
        ip_truncated=truncate_ip(ip),
    )


async def current(user_id: int) -> dict[ConsentPurpose, ConsentEvent]:
    """The person's latest event per purpose."""
    latest: dict[ConsentPurpose, ConsentEvent] = {}
    for event in await ConsentEvent.filter(user_id=user_id).order_by("id"):
        latest[ConsentPurpose(event.purpose)] = event
    return latest


async def opted_out_of_sale(user_id: int) -> bool:
    event = (await current(user_id)).get(ConsentPurpose.SALE_OR_SHARING)
    return event is not None and not event.granted


async def honour_gpc(*, user_id: int, ip: str | None) -> ConsentEvent | None:
    """A Global Privacy Control signal is the CCPA opt-out: recorded once (method ``gpc``) unless
    the person has opted out already."""
    if await opted_out_of_sale(user_id):
        return None
    return await record(
        user_id=user_id,
        purpose=ConsentPurpose.SALE_OR_SHARING,
        granted=False,
        method=ConsentMethod.GPC,
        ip=ip,
    )


# Purposes of processing -> the consent each needs (restrictions and objections apply too).
_NEEDS = {
    "marketing": ConsentPurpose.MARKETING_EMAIL,
    "analytics": ConsentPurpose.ANALYTICS,
    "personalization": ConsentPurpose.PERSONALIZATION,
}


async def audience(purpose: str, user_ids: Iterable[int]) -> set[int]:
    """The users among ``user_ids`` whose data may be processed for ``purpose`` now: they gave
    the consent it needs, and neither restricted processing nor objected to it."""
    needed = _NEEDS[purpose]
    wanted = sorted(set(user_ids))
    given: dict[int, bool] = {}
    rows = await ConsentEvent.filter(user_id__in=wanted, purpose=needed).order_by("id")
    for event in rows:
        given[event.user_id] = event.granted
    consenting = {user_id for user_id, granted in given.items() if granted}
    return consenting - await restricted_subjects("user", consenting, purpose)
