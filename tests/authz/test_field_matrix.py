"""Every persona x every type x every personal field, on the demo data.

The expected decisions are written down here, from the product's rules, independently of the
policy files: A = the object and all its personal fields (credentials excepted), O = the object
without any personal field, - = not even the object ("not found"), . = not applicable.
"""

from __future__ import annotations

import pytest

from audit.models import AuditEntry
from authz.decisions import Decisions
from domain import db
from domain.accounts.auth_models import EmailChange, EmailOutbox, LoginEvent
from domain.accounts.models import WebSession
from domain.marketplaces.sync_models import Shipment
from domain.personal import Category, declaration
from domain.privacy.consent_models import ConsentEvent
from domain.privacy.models import PrivacyNotice
from domain.privacy.request_models import ExportFile
from tests.authz.conftest import GRANTED_USER

PERSONAS = [
    "owner",
    "admin",
    "manager",
    "staff",
    "viewer",
    "platform_admin",
    "support_agent",
    "security_reviewer",
    "privacy_officer",
    "token:orders",
    "token:orders+contact",
    "token:orders+contact by staff",
    "token:catalog+inventory",
    "token:tickets",
]

# situation        own adm mgr stf vwr  pad sup sec prv  tOr tOC tOCs tCI tTk
EXPECTED = """
organization        A   A   A   A   A    -   -   -   -    O   O   O    O   O
own_user            A   A   A   A   A    A   A   A   A    -   -   -    -   -
other_user          O   O   O   O   O    O   O   O   O    -   -   -    -   -
granted_user        O   O   O   O   .    O   A   O   O    -   -   -    -   -
own_session         A   A   A   A   A    A   A   A   A    -   -   -    -   -
other_session       -   -   -   -   -    -   -   O   -    -   -   -    -   -
own_login           A   A   A   A   A    A   A   A   A    -   -   -    -   -
other_login         -   -   -   -   -    -   -   O   -    -   -   -    -   -
customer            A   A   A   O   O    -   -   -   -    O   A   O    -   -
granted_customer    A   A   A   O   O    -   A   -   -    O   A   O    -   -
address             A   A   A   O   O    -   -   -   -    O   A   O    -   -
granted_address     A   A   A   O   O    -   A   -   -    O   A   O    -   -
order_awaiting      A   A   A   A   O    -   -   -   -    O   A   A    -   -
order_done          A   A   A   O   O    -   -   -   -    O   A   O    -   -
granted_order       A   A   A   O   O    -   A   -   -    O   A   O    -   -
ticket              A   A   A   A   A    -   A   -   -    -   -   -    -   A
message             A   A   A   A   A    -   A   -   -    -   -   -    -   A
audit_entry         -   -   -   -   -    A   -   A   O    -   -   -    -   -
org_audit_entry     O   -   -   -   -    A   -   A   O    -   -   -    -   -
own_outbox          -   -   -   -   -    -   -   -   -    -   -   -    -   -
own_email_change    -   -   -   -   -    -   -   -   -    -   -   -    -   -
shipment            A   A   A   A   O    -   -   -   -    O   A   A    -   -
own_export          -   -   -   -   -    -   -   -   -    -   -   -    -   -
own_notice          O   O   O   O   O    O   O   O   O    -   -   -    -   -
own_consent         O   O   O   O   O    O   O   O   O    -   -   -    -   -
"""


def expected_table() -> dict[tuple[str, str], str]:
    table = {}
    for line in EXPECTED.strip().splitlines():
        situation, *codes = line.split()
        assert len(codes) == len(PERSONAS), situation
        for persona, code in zip(PERSONAS, codes, strict=True):
            table[situation, persona] = code
    return table


def readable_personal(model: type) -> frozenset[str]:
    decl = declaration(model)
    assert decl is not None
    return frozenset(n for n, c in decl.fields.items() if c is not Category.CREDENTIALS)


def code_of(decisions: Decisions, obj) -> str:
    decision = decisions.on(obj)
    if not decision.readable:
        return "-"
    personal = readable_personal(type(obj))
    allowed = personal if decision.fields is None else decision.fields & personal
    if allowed == personal and personal:
        return "A"
    if not allowed:
        return "O"
    return f"partial {sorted(allowed)}"


async def situations(demo, persona: str) -> dict[str, object]:
    me = demo.user_of(persona)
    other = demo.users["owner"] if me.username != "owner" else demo.users["admin"]
    granted = demo.users[GRANTED_USER]
    return {
        **demo.objects,
        "own_user": me,
        "other_user": other,
        "granted_user": granted,
        "own_session": await WebSession.filter(user_id=me.id).first(),
        "other_session": await WebSession.filter(user_id=other.id).first(),
        "own_login": await LoginEvent.filter(user_id=me.id).first(),
        "other_login": await LoginEvent.filter(user_id=other.id).first(),
        "audit_entry": AuditEntry(actor_type="user", action="read", resource_type="Order"),
        "org_audit_entry": AuditEntry(
            actor_type="user",
            action="read",
            resource_type="Order",
            organization_id=demo.objects["organization"].id,
        ),
        "own_outbox": EmailOutbox(user_id=me.id, to_address=me.email, template="reset"),
        "own_email_change": EmailChange(user_id=me.id, new_email="new@example.test"),
        "shipment": Shipment(
            organization_id=demo.objects["organization"].id,
            customer_id=demo.objects["customer"].id,
            carrier="BlueDart",
            tracking_number="BD123",
        ),
        "own_export": ExportFile(subject_kind="user", subject_id=me.id, content_encrypted="x"),
        "own_notice": PrivacyNotice(subject_kind="user", subject_id=me.id, template="t"),
        "own_consent": ConsentEvent(user_id=me.id, purpose="analytics", granted=True),
    }


@pytest.mark.parametrize("persona", PERSONAS)
async def test_each_persona_sees_exactly_what_the_table_says(demo, persona):
    expected = expected_table()
    decisions = Decisions(demo.principals[persona])
    got, want = {}, {}
    for situation, obj in (await situations(demo, persona)).items():
        code = expected[situation, persona]
        if code == ".":
            continue
        want[situation] = code
        got[situation] = code_of(decisions, obj)
    assert got == want


@pytest.mark.parametrize("persona", PERSONAS)
async def test_credentials_are_never_readable(demo, persona):
    decisions = Decisions(demo.principals[persona])
    for obj in (await situations(demo, persona)).values():
        decl = declaration(type(obj))
        credentials = {
            n for n, c in (decl.fields if decl else {}).items() if c is Category.CREDENTIALS
        }
        decision = decisions.on(obj)
        for name in credentials:
            assert not decision.may_read(name), (type(obj).__name__, name)


async def test_the_table_covers_every_model_with_readable_personal_fields(demo):
    covered = {type(obj) for obj in (await situations(demo, "owner")).values()}
    for name, model in db.models().items():
        if readable_personal(model):
            assert model in covered, f"{name} has personal fields but no row in the table"
