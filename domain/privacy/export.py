"""Access and portability: everything Mandi holds about a person, as one JSON document.

Format ``mandi.subject-export/1`` (README, "Your data export"):
    {"format", "generated_at", "subject": {"kind", "id"}, "regime",
     "records": {Model: [{column: value}]},        every row the declaration finds (holdings.py)
     "personal_fields": {Model: {field: category}},  which of those columns are personal data
     "data_access_log": [{occurred_at, actor_type, organization_id, action, fields, outcome,
                          justification}],         who accessed the person's data
     "information": {...}}                         what GDPR Art. 15 asks (disclosure.py)
Credentials are listed but their value is withheld (they are hashes or secrets).
"""

from __future__ import annotations

import hashlib
import json
import secrets
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from audit.models import AuditEntry
from domain import secretbox
from domain.personal import Category
from domain.privacy import disclosure
from domain.privacy.holdings import columns_of, holdings
from domain.privacy.request_models import ExportFile, PrivacyRequest, Regime
from domain.privacy.retention import EXPORT_LINK

FORMAT = "mandi.subject-export/1"
WITHHELD = {
    Category.CREDENTIALS: "[withheld: a credential, kept only as a hash or encrypted]",
    Category.SUBJECT_EXPORT: "[withheld: an earlier copy of this export]",
}
_CONTEXT = "export_file.content"
# The person's own entries as an actor: what they did, when and from where, as they asked it.
# Not what the service found (the object's id, its organization, whose data it is, details):
# for a refused look-up that would tell an id of another organization from one that does not
# exist, and for the flows that answer alike (a reset or an email change) whether an address has
# an account. Entries about the person are the ``data_access_log``. No ``seq``: see below.
# Records whose row ids count rows service-wide that flows answering alike write for some
# callers only (a reset mail for an account that exists): the ids of the person's own rows,
# before and after such a call, would show whether it wrote one. Nothing refers to these ids.
NO_ROW_IDS = frozenset(
    {
        "EmailOutbox",
        "EmailChange",
        "PasswordReset",
        "SignUpConfirmation",
        "LoginChallenge",
        "RecoveryCode",
        "LoginEvent",
        "WebSession",
    }
)
ACTOR_COLUMNS = [
    "occurred_at",
    "request_id",
    "actor_type",
    "action",
    "resource_type",
    "outcome",
    "ip",
    "user_agent",
]


def now() -> datetime:
    return datetime.now(UTC)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    return value


async def build_document(kind: str, subject_id: int, regime: Regime) -> dict[str, Any]:
    records: dict[str, list[dict[str, Any]]] = {}
    personal: dict[str, dict[str, str]] = {}
    categories: set[Category] = set()
    for holding in holdings(kind, subject_id):
        columns = ACTOR_COLUMNS if holding.model is AuditEntry else columns_of(holding.model)
        if holding.name in NO_ROW_IDS:
            columns = [c for c in columns if c != holding.model._meta.pk_attr]
        found = await holding.rows().order_by(holding.model._meta.pk_attr)
        if not found:
            continue
        rows = [{name: getattr(row, name) for name in columns} for row in found]  # opened
        for row in rows:
            for name, category in holding.personal.items():
                if row.get(name) is not None:
                    categories.add(category)
                    if category in WITHHELD:
                        row[name] = WITHHELD[category]
        records[holding.name] = [{k: _plain(v) for k, v in row.items()} for row in rows]
        if holding.personal:
            personal[holding.name] = {k: str(v) for k, v in holding.personal.items()}
    log = (
        await AuditEntry.filter(subject=f"{kind}:{subject_id}")
        .order_by("seq")
        .values(
            "occurred_at",
            "actor_type",
            "organization_id",
            "action",
            "fields_accessed",
            "outcome",
            "justification",
        )
    )
    return {
        "format": FORMAT,
        "generated_at": now().isoformat(),
        "subject": {"kind": kind, "id": subject_id},
        "regime": str(regime),
        "records": records,
        "personal_fields": personal,
        "data_access_log": [
            {
                **{k: _plain(v) for k, v in e.items() if k != "fields_accessed"},
                "fields": e["fields_accessed"],
            }
            for e in log
        ],
        "information": await disclosure.information(kind, subject_id, regime, categories),
    }


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def create_export(request: PrivacyRequest) -> tuple[ExportFile, str]:
    """Build the export of the request's person; returns the file and its one-time token."""
    kind = str(request.subject_kind)
    assert request.subject_id is not None, "only a minor-data report has none; not exported"
    document = await build_document(kind, request.subject_id, Regime(request.regime))
    token = secrets.token_urlsafe(32)
    file = await ExportFile.create(
        request_id=request.id,
        subject_kind=request.subject_kind,
        subject_id=request.subject_id,
        organization_id=request.organization_id,
        token_hash=_hash(token),
        content_encrypted=secretbox.encrypt(json.dumps(document), context=_CONTEXT),
        expires_at=now() + EXPORT_LINK,
    )
    return file, token


async def redeem(token: str) -> tuple[ExportFile, dict[str, Any]] | None:
    """The export behind ``token``, once: the content is removed as it is handed out. None for a
    token that is unknown, used, expired or whose file was erased."""
    file = await ExportFile.filter(token_hash=_hash(token)).first()
    current = now()
    if file is None or file.content_encrypted is None or file.expires_at <= current:
        return None
    taken = await ExportFile.filter(id=file.id, downloaded_at=None, removed_at=None).update(
        downloaded_at=current, removed_at=current, content_encrypted=None
    )
    if not taken:  # someone else redeemed it between our read and our update
        return None
    return file, json.loads(secretbox.decrypt(file.content_encrypted, context=_CONTEXT))


async def remove_expired(at: datetime | None = None) -> int:
    """Remove the content of every export whose link expired; returns how many."""
    moment = at or now()
    return await ExportFile.filter(expires_at__lte=moment, removed_at=None).update(
        content_encrypted=None, removed_at=moment
    )


async def remove_for(kind: str, subject_id: int) -> int:
    """Remove every export of a person (erasure)."""
    return await ExportFile.filter(
        subject_kind=kind, subject_id=subject_id, removed_at=None
    ).update(content_encrypted=None, removed_at=now())
