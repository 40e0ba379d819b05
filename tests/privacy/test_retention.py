"""``mandi retention purge`` deletes what expired, once, counts it, and is audited."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from audit.models import AuditEntry
from domain.accounts.auth_models import (
    EmailChange,
    LoginChallenge,
    LoginEvent,
    LoginOutcome,
    PasswordReset,
    SignUpConfirmation,
)
from domain.accounts.models import User, UserStatus, WebSession
from domain.accounts.sign_up import CONFIRM_TTL
from domain.orders.models import Order, OrderStatus
from domain.privacy.request_models import ExportFile, RetainedRecord
from domain.privacy.retention import SECURITY_LOGS
from tests.audit.test_audit_cli import mandi
from tests.privacy.helpers import FILE, FULFIL, file_for_buyer, seed_buyer_everywhere
from tests.support import gql_data, make_platform_user, make_user


async def _expire_now_what_expires_soon(window: timedelta = timedelta(minutes=10)) -> None:
    """Move into the past every row the purge (domain/privacy/purge.py) would take within
    ``window`` from now, so that its first run takes them all. The process's other tests leave
    rows that expire on the real clock (a sign-in challenge lives 5 minutes, a reset link an
    hour): one that expired between the two runs below was the second run's count."""
    now = datetime.now(UTC)
    soon, past = now + window, now - timedelta(days=800)  # past every period the purge keeps
    for model in (LoginChallenge, EmailChange, PasswordReset, SignUpConfirmation):
        await model.filter(expires_at__lt=soon).update(expires_at=past)
    await ExportFile.filter(expires_at__lte=soon, removed_at=None).update(expires_at=past)
    await LoginEvent.filter(created_at__lt=soon - SECURITY_LOGS).update(created_at=past)
    await WebSession.filter(expires_at__lt=soon - SECURITY_LOGS).update(expires_at=past)
    await WebSession.filter(revoked_at__lt=soon - SECURITY_LOGS).update(revoked_at=past)
    await User.filter(status=UserStatus.PENDING, created_at__lt=soon - CONFIRM_TTL).update(
        created_at=past
    )
    await RetainedRecord.filter(retain_until__lt=soon).update(retain_until=past)


async def test_purge_removes_what_expired_and_a_second_run_finds_nothing(app, team, backend):
    from domain.accounts.models import PlatformRole

    person = await make_user()
    long_ago = datetime.now(UTC) - timedelta(days=400)
    old = await LoginEvent.create(user_id=person.id, outcome=LoginOutcome.SUCCESS, ip="192.0.2.1")
    await LoginEvent.filter(id=old.id).update(created_at=long_ago)
    recent = await LoginEvent.create(
        user_id=person.id, outcome=LoginOutcome.SUCCESS, ip="192.0.2.2"
    )
    await PasswordReset.create(user_id=person.id, token_hash="p" * 64, expires_at=long_ago)
    never_confirmed = await make_user()
    await User.filter(id=never_confirmed.id).update(status=UserStatus.PENDING, created_at=long_ago)

    done = await gql_data(team.clients["viewer"], FILE, input={"type": "ACCESS"})
    await gql_data(team.clients["viewer"], FULFIL, id=done["privacyRequestCreate"]["request"]["id"])
    await ExportFile.filter(subject_id=team.users["viewer"].id).update(expires_at=long_ago)

    order = await seed_buyer_everywhere(team.org.id)
    await Order.filter(id=order.id).update(status=OrderStatus.DELIVERED)
    filed = await file_for_buyer(team.clients["owner"], "ERASURE", order.customer_id)
    _, officer = await make_platform_user(app, PlatformRole.PRIVACY_OFFICER)
    await gql_data(officer, FULFIL, id=filed["request"]["id"])
    await RetainedRecord.filter(object_id=order.id, model="Order").update(retain_until=long_ago)

    await _expire_now_what_expires_soon()  # else it may expire between the two runs
    code, out = await mandi(backend, "--progress", "retention", "purge", "--json")
    assert code == 0, out
    lines = out.strip().splitlines()
    assert "retention purge" in out and "7/7" in out  # the progress bar, forced on
    counts = json.loads(next(line for line in lines if line.startswith("{")))
    assert counts["sign-in history older than 12 months"] >= 1
    assert counts["expired sign-in challenges and reset links"] >= 1
    assert counts["expired export files"] >= 1
    assert counts["sign-ups never confirmed and expired sign-up links"] >= 1
    assert not await User.filter(id=never_confirmed.id).exists()
    assert await User.filter(id=person.id).exists()
    assert counts["erased buyers' orders past their 72 months"] == 1
    assert not await LoginEvent.filter(id=old.id).exists()
    assert await LoginEvent.filter(id=recent.id).exists()
    assert not await Order.filter(id=order.id).exists()
    assert not await ExportFile.filter(
        subject_id=team.users["viewer"].id, content_encrypted__not_isnull=True
    ).exists()
    assert await AuditEntry.filter(action="retention.purge_run", actor_type="system").exists()

    code, out = await mandi(backend, "retention", "purge", "--json", "--quiet")
    quiet = [line for line in out.splitlines() if line.startswith(("{", "["))]
    assert code == 0 and len(quiet) == 1 and set(json.loads(quiet[0]).values()) == {0}
    await officer.aclose()


def test_every_category_has_a_purpose_and_a_retention():
    """An export states why and how long each category is kept (GDPR Art. 15(1)(a), (d)): a
    category added to the declaration without them would fail the export."""
    from domain.personal import Category
    from domain.privacy.disclosure import PURPOSES
    from domain.privacy.retention import RETENTION

    assert set(Category) == set(PURPOSES) == set(RETENTION)


def test_what_erasure_keeps_the_retention_says_it_keeps(backend):
    """A field erasure keeps (erasure.KEPT_FIELDS) is described to the person as kept: its
    category's retention (the export's, and the README's table) says what stays on erasure."""
    from domain import db
    from domain.personal import declaration
    from domain.privacy.erasure import KEPT_FIELDS
    from domain.privacy.retention import RETENTION

    for model_name, kept in KEPT_FIELDS.items():
        decl = declaration(db.models()[model_name])
        assert decl is not None
        for field_name in kept:
            if field_name not in decl.fields:
                continue  # not personal data of its own (an order's place of supply)
            said = RETENTION[decl.fields[field_name]].period
            assert "on erasure" in said and "keeps no" not in said, (model_name, field_name)
