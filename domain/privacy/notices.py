"""The privacy outbox: notices owed to a person, delivered by the mail sender.

Facts must hold no personal values (ids, dates, counts, reasons written by a privacy officer):
the sender renders the template and looks the address up when it delivers.
"""

from __future__ import annotations

from typing import Any

from domain import secretbox
from domain.privacy.models import GrantSubject, PrivacyNotice

DELIVER_TO_CONTEXT = "privacy_notice.deliver_to"


async def queue_notice(
    *,
    subject_kind: GrantSubject,
    subject_id: int,
    template: str,
    organization_id: int | None = None,
    facts: dict[str, Any] | None = None,
    deliver_to: str | None = None,
) -> PrivacyNotice:
    """Queue ``template`` for the person; it is sent after the caller's transaction commits.

    ``deliver_to`` is only for a person about to be erased (their address will be gone when the
    sender looks it up): it is stored encrypted and cleared once sent.
    """
    return await PrivacyNotice.create(
        subject_kind=subject_kind,
        subject_id=subject_id,
        organization_id=organization_id,
        template=template,
        facts=facts or {},
        deliver_to_encrypted=None
        if deliver_to is None
        else secretbox.encrypt(deliver_to, context=DELIVER_TO_CONTEXT),
    )
