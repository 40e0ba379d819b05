"""Seeding a person with data in every place the declaration names, and reading exports."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, datetime, timedelta

from domain import db
from domain.accounts.auth_models import (
    EmailChange,
    EmailOutbox,
    LoginChallenge,
    LoginEvent,
    LoginOutcome,
    PasswordReset,
    RecoveryCode,
    SignUpConfirmation,
)
from domain.orders.models import Customer, CustomerAddress, Order
from domain.personal import declaration
from tests.support import gid, gql_data, seed_order, seed_product, seed_ticket

FILE = """mutation($input: PrivacyRequestCreateInput!) {
  privacyRequestCreate(input: $input) { created request { id status } errors { code field } } }"""
FULFIL = """mutation($id: ID!) { privacyRequestFulfil(id: $id) {
  downloadUrl request { id status } errors { code field } } }"""


async def file_for_buyer(client, kind: str, customer_id: int) -> dict:
    """A seller files a request of ``kind`` for a buyer, identity checked by email: the payload."""
    body = await gql_data(
        client,
        FILE,
        input={
            "type": kind,
            "subjectKind": "CUSTOMER",
            "subjectId": gid("Customer", customer_id),
            "verifiedChannel": "EMAIL",
        },
    )
    return body["privacyRequestCreate"]


async def set_fields(model: type, filters: dict, **values) -> None:
    """Change fields row by row (a sealed field is sealed on save; a bulk update refuses it)."""
    for row in await model.filter(**filters):
        for name, value in values.items():
            setattr(row, name, value)
        await row.save(update_fields=list(values))


def declared_fields(kind: str) -> dict[str, set[str]]:
    """Every personal field the declaration holds about a person of ``kind``, by model."""
    found: dict[str, set[str]] = {}
    for name, model in db.models().items():
        decl = declaration(model)
        if decl and decl.is_personal and decl.subject and decl.subject.holds(kind):
            found[name] = set(decl.fields)
    return found


async def seed_user_everywhere(user, organization_id: int) -> None:
    """Rows about ``user`` in every user-holding model the export could miss."""
    soon = datetime.now(UTC) + timedelta(hours=1)
    await RecoveryCode.create(user_id=user.id, code_hash="a" * 64)
    await LoginChallenge.create(user_id=user.id, token_hash=f"c{user.id:063d}", expires_at=soon)
    await PasswordReset.create(user_id=user.id, token_hash=f"r{user.id:063d}", expires_at=soon)
    await SignUpConfirmation.create(user_id=user.id, token_hash=f"s{user.id:063d}", expires_at=soon)
    await EmailChange.create(
        user_id=user.id,
        new_email="moving@example.test",
        token_hash=f"e{user.id:063d}",
        expires_at=soon,
    )
    await EmailOutbox.create(
        user_id=user.id, to_address=user.email, template="password_reset", body_encrypted="x"
    )
    await LoginEvent.create(
        user_id=user.id, outcome=LoginOutcome.SUCCESS, ip="203.0.113.7", user_agent="Firefox"
    )
    await seed_ticket(organization_id, user.id, subject="Where is my payout?")
    from domain.accounts.models import User

    await set_fields(
        User,
        {"id": user.id},
        mfa_secret_encrypted="secret",
        phone=f"+9198{user.id:08d}",
        password_hash="$argon2id$x",
    )
    from domain.privacy.models import GrantSubject
    from domain.privacy.notices import queue_notice

    await queue_notice(
        subject_kind=GrantSubject.USER, subject_id=user.id, template="t", deliver_to=user.email
    )
    from domain.privacy.consent import record
    from domain.privacy.consent_models import ConsentMethod, ConsentPurpose

    await record(
        user_id=user.id,
        purpose=ConsentPurpose.ANALYTICS,
        granted=True,
        method=ConsentMethod.CHOICE,
        ip="198.51.100.23",
    )


async def seed_buyer_everywhere(organization_id: int):
    """A buyer with an order, an address and every optional personal field filled in."""
    from domain.catalog.models import Product

    if not await Product.filter(organization_id=organization_id, sku="SKU-1").exists():
        await seed_product(organization_id, "SKU-1")
    order = await seed_order(organization_id, [("SKU-1", 2, "150.00")])
    await set_fields(Customer, {"id": order.customer_id}, phone="+919822222222")
    await set_fields(
        CustomerAddress,
        {"customer_id": order.customer_id},
        line2="Near the temple",
        state="Maharashtra",
    )
    await set_fields(
        Order,
        {"id": order.id},
        shipping_phone="+919822222222",
        shipping_line2="Near the temple",
        shipping_state="MH",
    )
    from domain.marketplaces.sync_models import Shipment

    await Shipment.create(
        organization_id=organization_id,
        order_id=order.id,
        customer_id=order.customer_id,
        carrier="Delhivery",
        tracking_number=f"DLV{order.id:010d}",
        shipped_at=datetime.now(UTC),
    )
    from domain.privacy.models import GrantSubject
    from domain.privacy.notices import queue_notice

    customer = await Customer.get(id=order.customer_id)
    await queue_notice(
        subject_kind=GrantSubject.CUSTOMER,
        subject_id=customer.id,
        template="t",
        deliver_to=customer.email,
    )
    return await Order.get(id=order.id)


def unzip(content: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name).decode() for name in archive.namelist()}


def export_json(content: bytes) -> dict:
    return json.loads(unzip(content)["export.json"])


async def personal_values(kind: str, subject_id: int) -> dict[tuple[str, str], list]:
    """Every readable value of every declared personal field of the person, by (model, field):
    opened where sealed (a value whose key was destroyed reads as None)."""
    from domain.privacy.holdings import holdings

    found: dict[tuple[str, str], list] = {}
    for holding in holdings(kind, subject_id):
        if not holding.personal:
            continue
        rows = await holding.rows()
        for name in holding.personal:
            values = [getattr(row, name) for row in rows if getattr(row, name) is not None]
            if values:
                found[holding.name, name] = values
    return found


def kept_by_receipt(receipt: dict) -> set[tuple[str, str]]:
    return {(item["record"], f) for item in receipt["kept"] for f in item["fields"]}


async def assert_erased_as_the_receipt_says(before: dict, kind: str, subject_id: int, receipt):
    """After erasure no declared personal value of the person is readable, except exactly the
    (record, field) pairs the receipt lists as kept, which still hold their values."""
    after = await personal_values(kind, subject_id)
    kept = kept_by_receipt(receipt)
    erased = {(item["record"], f) for item in receipt["erased"] for f in item["fields"]}
    for key, old in before.items():
        still = [value for value in after.get(key, []) if value in old]
        if key in kept:
            assert still, f"{key}: the receipt says kept, but it is gone"
        else:
            assert not still, f"{key}: still readable but not listed as kept"
            assert key in erased, f"{key}: erased but missing from the receipt"
    assert kept <= set(before), "the receipt lists as kept what the person never had"


async def all_text_values() -> list[str]:
    """Every string stored in any table (for scanning that a value is gone everywhere)."""
    out: list[str] = []
    for model in db.models().values():
        columns = [
            name
            for name, f in model._meta.fields_map.items()
            if name in model._meta.fields_db_projection
            and type(f).__name__ in {"CharField", "TextField", "JSONField", "CharEnumFieldInstance"}
        ]
        if not columns:
            continue
        for row in await model.all().values_list(*columns):
            out.extend(str(value) for value in row if value is not None)
    return out
