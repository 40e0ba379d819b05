"""Erasure (GDPR Art. 17, CCPA deletion): in one transaction, per the declaration.

Every model that declares data of the person has a treatment here (a test fails for one that
has none): its rows are deleted, or anonymized where other records or the law need the row
(an order keeps its amounts, tax lines and place of supply for 72 months), or kept as they are
where they must stay (the append-only audit log keeps ids and the actor's network identity).
Sessions, one-time tokens, MFA, partner tokens and support grants are revoked. The person's own
data key is destroyed where per-subject keys exist. The receipt lists what was erased and what
was kept, with the legal basis of each; it holds field names, never values.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from tortoise.models import Model
from tortoise.transactions import in_transaction

from domain.accounts.models import Membership, OrgRole, PlatformRoleGrant, User, UserStatus
from domain.accounts.tokens import revoke_created_by
from domain.crypto.at_rest import sealed_fields
from domain.crypto.fields import BlindIndexField, Cleartext, lookup
from domain.errors import Conflict
from domain.orders.lifecycle import AWAITING_FULFILMENT
from domain.orders.models import Customer, Order
from domain.personal import Category
from domain.privacy.export import remove_for
from domain.privacy.holdings import Holding, holdings
from domain.privacy.models import AccessGrant, GrantSubject
from domain.privacy.request_models import LegalHold, PrivacyRequest, RetainedRecord
from domain.privacy.retention import GST_RECORDS

DELETE, ANONYMIZE, KEEP = "delete", "anonymize", "keep"

# model -> treatment; "keep" and kept fields carry their legal basis.
TREATMENT: Mapping[str, str] = {
    "User": ANONYMIZE,  # tickets, messages and audit entries refer to the account
    "WebSession": DELETE,
    "LoginEvent": DELETE,
    "LoginChallenge": DELETE,
    "PasswordReset": DELETE,
    "SignUpConfirmation": DELETE,
    "EmailChange": DELETE,
    "RecoveryCode": DELETE,
    "EmailOutbox": DELETE,
    "Ticket": ANONYMIZE,  # the seller's support history keeps its shape
    "TicketMessage": ANONYMIZE,
    "Customer": ANONYMIZE,  # orders refer to the buyer
    "CustomerAddress": DELETE,
    "Order": ANONYMIZE,
    "ExportFile": DELETE,
    "PrivacyNotice": ANONYMIZE,
    "ConsentEvent": ANONYMIZE,  # proof of what was consented to (GDPR Art. 7(1)), no IP
    "Shipment": ANONYMIZE,  # the order keeps that it shipped; the tracking number goes
    "AuditEntry": KEEP,
}
KEPT_FIELDS: Mapping[str, Mapping[str, str]] = {
    "Order": {
        "shipping_state": "place of supply on the GST invoice: CGST Act s. 35-36, 72 months",
        "shipping_country": "place of supply on the GST invoice: CGST Act s. 35-36, 72 months",
    },
    "User": {
        "adult_attested_at": "proof the account holder attested being 18 or older "
        "(legal obligation, GDPR Art. 17(3)(b))",
    },
}
KEPT_BASIS: Mapping[str, str] = {
    "AuditEntry": "the tamper-evident audit log of access to personal data keeps subject ids and "
    "the actor's network identity (security and accountability, GDPR Art. 17(3)(b), 5(2))",
}
ORDER_BASIS = "Indian GST: amounts, tax lines and place of supply kept 72 months (CGST s. 36)"


def now() -> datetime:
    return datetime.now(UTC)


async def shred_subject_key(kind: str, subject_id: int) -> int | None:
    """Destroy the person's own data keys (domain/crypto): every copy of their sealed values,
    backups included, becomes unreadable. Returns how many keys were destroyed."""
    from domain.crypto.erasure import shred_subject

    return int(await shred_subject(kind, subject_id))


def _placeholder(model: type[Model], name: str, category: Category, tag: str) -> Any:
    """What an erased field holds: nothing where it may be empty, else a neutral value (in
    clear: it is no one's data). Usernames and emails are unique: theirs carry ``tag``, random
    per erasure, so no one can take the placeholder beforehand (a sign-up named after a guessed
    user id) and make the erasure fail."""
    column = model._meta.fields_map[name]
    if column.null:
        return None
    if category is Category.CONTACT_EMAIL:
        return Cleartext(f"erased-{tag}@erased.invalid")
    if category is Category.USERNAME:
        return Cleartext(f"erased-{tag}")
    if category is Category.LOCATION_COUNTRY:
        return Cleartext("ZZ")  # ISO 3166 "unknown"
    if category is Category.NAME:
        return Cleartext("Erased")
    return Cleartext("[erased]")


def _indexes(model: type[Model], values: Mapping[str, Any]) -> dict[str, str | None]:
    """The blind indexes of the erased fields, recomputed from their placeholders (the old ones
    would still confirm a guess of the erased value)."""
    return {
        name: lookup(model, f.source, values[f.source])
        for name, f in model._meta.fields_map.items()
        if isinstance(f, BlindIndexField) and f.source in values
    }


async def _declassify(holding: Holding, kept: Mapping[str, str]) -> None:
    """Kept fields sealed under the person's key are rewritten in clear before the key is
    destroyed: the law keeps them (place of supply, age attestation), no name stays with them."""
    sealed = {attr: moment for attr, _, moment in sealed_fields(holding.model)}
    names = [name for name in kept if name in sealed]
    if not names:
        return
    for row in await holding.rows():
        clear = {}
        for name in names:
            value = getattr(row, name)
            if value is not None:
                clear[name] = Cleartext(value.isoformat() if sealed[name] else value)
        if clear:
            await holding.model.filter(pk=row.pk).update(**clear)


async def active_hold(kind: str, subject_id: int) -> LegalHold | None:
    return await LegalHold.filter(
        subject_kind=kind, subject_id=subject_id, released_at=None
    ).first()


async def _vetoes(kind: str, subject_id: int) -> None:
    hold = await active_hold(kind, subject_id)
    if hold is not None:
        # Not its reason: the caller may be the person, and a hold's reason (an investigation,
        # a lawsuit) may be one the law lets the controller withhold from them (GDPR Art. 23).
        # Officers read it on the hold; the person is told through the request's answer.
        raise Conflict("a legal hold set by a privacy officer vetoes erasure for now", field="id")
    if kind == "customer":
        pending = await Order.filter(
            customer_id=subject_id, status__in=sorted(AWAITING_FULFILMENT)
        ).exists()
        if pending:
            raise Conflict("orders still await fulfilment: erase after delivery", field="id")
    else:
        for org_id in await Membership.filter(user_id=subject_id, role=OrgRole.OWNER).values_list(
            "organization_id", flat=True
        ):
            owners = await Membership.filter(organization_id=org_id, role=OrgRole.OWNER).count()
            if owners == 1:
                raise Conflict("hand your organization to another owner first", field="id")


async def _erase_holding(holding: Holding, tag: str, receipt: dict[str, Any]) -> None:
    treatment = TREATMENT.get(holding.name)
    if treatment is None:
        raise LookupError(f"{holding.name} declares personal data but has no erasure treatment")
    fields = sorted(holding.personal)
    if treatment == KEEP:
        count = await holding.rows().count()
        if count:
            receipt["kept"].append(
                {
                    "record": holding.name,
                    "fields": fields,
                    "rows": count,
                    "basis": KEPT_BASIS[holding.name],
                }
            )
        return
    if treatment == DELETE:
        count = await holding.rows().delete()
        if count:
            receipt["erased"].append(
                {"record": holding.name, "fields": fields, "rows": count, "how": "deleted"}
            )
        return
    kept = KEPT_FIELDS.get(holding.name, {})
    values = {
        name: _placeholder(holding.model, name, category, tag)
        for name, category in holding.personal.items()
        if name not in kept
    }
    await _declassify(holding, kept)
    count = await holding.rows().update(**values, **_indexes(holding.model, values))
    if not count:
        return
    receipt["erased"].append(
        {"record": holding.name, "fields": sorted(values), "rows": count, "how": "anonymized"}
    )
    for name, basis in kept.items():
        held = await holding.rows().filter(**{f"{name}__isnull": False}).count()
        if held:  # the receipt lists what was kept, not what could have been
            receipt["kept"].append(
                {"record": holding.name, "fields": [name], "rows": held, "basis": basis}
            )


async def _retain_orders(kind: str, subject_id: int, request: PrivacyRequest) -> list[str]:
    if kind != "customer":
        return []
    orders = await Order.filter(customer_id=subject_id).values_list(
        "id", "placed_at", "organization_id"
    )
    await RetainedRecord.bulk_create(
        [
            RetainedRecord(
                model="Order",
                object_id=order_id,
                subject_kind=kind,
                subject_id=subject_id,
                organization_id=organization_id,
                basis=ORDER_BASIS,
                retain_until=placed_at + GST_RECORDS,
                request_id=request.id,
            )
            for order_id, placed_at, organization_id in orders
        ]
    )
    return [(placed_at + GST_RECORDS).isoformat() for _, placed_at, _ in orders]


@dataclass
class Ended:
    """What erasure took from an account, for the audit log of each organization concerned:
    partner tokens (id, organization id), memberships (id, organization id, role) and platform
    roles (id, role)."""

    tokens: list[tuple[int, int]] = field(default_factory=list)
    memberships: list[tuple[int, int, str]] = field(default_factory=list)
    platform_roles: list[tuple[int, str]] = field(default_factory=list)
    access_grants: list[tuple[int, int | None]] = field(default_factory=list)  # (id, org)


async def _revoke(kind: str, subject_id: int, ended: Ended) -> list[str]:
    current = now()
    revoked = []
    if kind == "user":
        await User.filter(id=subject_id).update(
            status=UserStatus.ERASED, mfa_enabled_at=None, mfa_last_step=None
        )
        ended.tokens = await revoke_created_by(subject_id)
        memberships = Membership.filter(user_id=subject_id)
        ended.memberships = [
            (int(i), int(o), str(r))
            for i, o, r in await memberships.values_list("id", "organization_id", "role")
        ]
        await memberships.delete()
        platform = PlatformRoleGrant.filter(user_id=subject_id)
        ended.platform_roles = [
            (int(i), str(r)) for i, r in await platform.values_list("id", "role")
        ]
        await platform.delete()
        revoked += [
            "sessions",
            "sign-in challenges and reset links",
            "MFA and recovery codes",
            f"partner tokens ({len(ended.tokens)})",
            "memberships and platform roles",
        ]
    open_grants = AccessGrant.filter(subject_kind=kind, subject_id=subject_id, revoked_at=None)
    ended.access_grants = [
        (int(i), o) for i, o in await open_grants.values_list("id", "organization_id")
    ]
    if ended.access_grants:
        await AccessGrant.filter(id__in=[i for i, _ in ended.access_grants]).update(
            revoked_at=current
        )
    revoked.append(f"support access grants ({len(ended.access_grants)})")
    return revoked


async def erase(*, request: PrivacyRequest) -> tuple[dict[str, Any], Ended]:
    """Erase the request's person; returns the receipt and what the account lost (for the
    audit log). CONFLICT when a legal hold (or an order still to be delivered, or an
    organization they alone own) vetoes it."""
    kind = str(request.subject_kind)
    subject_id = request.subject_id
    assert subject_id is not None, "only a minor-data report has no subject; fulfil refuses it"
    await _vetoes(kind, subject_id)
    receipt: dict[str, Any] = {
        "request_id": request.id,
        "subject": f"{kind}:{subject_id}",
        "erased_at": now().isoformat(),
        "erased": [],
        "kept": [],
    }
    async with in_transaction():
        retain_until = await _retain_orders(kind, subject_id, request)
        await remove_for(kind, subject_id)
        tag = secrets.token_hex(8)
        for holding in holdings(kind, subject_id):
            if holding.personal:
                await _erase_holding(holding, tag, receipt)
        ended = Ended()
        receipt["revoked"] = await _revoke(kind, subject_id, ended)
        if retain_until:
            receipt["retain_until"] = max(retain_until)
        shredded = await shred_subject_key(kind, subject_id)
        receipt["subject_key"] = (
            "this build has no per-subject keys" if shredded is None else f"destroyed ({shredded})"
        )
    return receipt, ended


async def contact_of(kind: GrantSubject, subject_id: int) -> str | None:
    """The address to send the receipt to, read before erasure."""
    model = User if kind is GrantSubject.USER else Customer
    found = await model.get_or_none(id=subject_id)
    return found.email if found is not None else None
