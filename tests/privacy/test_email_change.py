"""A new email address is confirmed from its own mailbox before it replaces the old one, and the
answer does not tell whether another account has it."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlparse

from audit.models import AuditEntry
from domain.accounts.auth_models import EmailChange, EmailOutbox, PasswordReset
from domain.accounts.models import User
from domain.accounts.passwords_flow import read_outbox_body
from domain.settings import Settings
from tests.support import audit_head, gql_data, make_user, signed_in, unique

CORRECT = """mutation($input: ViewerProfileCorrectInput!) { viewerProfileCorrect(input: $input) {
  user { email } errors { code field } } }"""
CONFIRM = """mutation($t: String!) { emailChangeConfirm(token: $t) {
  ok errors { code field } } }"""
RESET = "mutation($e: String!) { passwordResetRequest(email: $e) { ok errors { code } } }"


async def _mails(user_id: int) -> list[tuple[str, str]]:
    rows = await EmailOutbox.filter(user_id=user_id).order_by("id")
    return [(m.template, m.to_address) for m in rows]


async def _link_token(user_id: int, to: str | None = None) -> str:
    mails = await EmailOutbox.filter(user_id=user_id, template="email_change_confirm").order_by(
        "-id"
    )
    message = next((m for m in mails if to is None or m.to_address == to), None)
    assert message is not None
    link = json.loads(read_outbox_body(message))["link"]
    return parse_qs(urlparse(link).query)["token"][0]


async def test_a_taken_address_is_handled_as_a_free_one_until_its_link(app, anon):
    """Nothing the requester sees differs: the answer, the entry, the mail queued (a link to the
    new address either way) and the change recorded. The link of a taken address is CONFLICT,
    told to the mailbox that has the account."""
    person, holder = await make_user(), await make_user()
    client = await signed_in(app, person)
    start = await audit_head()
    free = f"{unique('new')}@example.test"
    answers = [
        await gql_data(client, CORRECT, input={"email": address})
        for address in (holder.email.upper(), free)
    ]
    assert (
        answers[0]
        == answers[1]
        == {"viewerProfileCorrect": {"user": {"email": person.email}, "errors": []}}
    )
    assert (await User.get(id=person.id)).email == person.email
    assert await _mails(holder.id) == []
    assert await _mails(person.id) == [
        ("email_change_confirm", holder.email),
        ("email_change_confirm", free),
    ]
    entries = await AuditEntry.filter(seq__gt=start, action__startswith="user.email_change")
    assert [(e.action, e.subject, e.fields_accessed, e.detail) for e in entries] == [
        ("user.email_change_request", f"user:{person.id}", [], {"mailed": True}),
    ] * 2
    assert not any(free in str(e.__dict__) or holder.email in str(e.__dict__) for e in entries)
    changes = await EmailChange.filter(user_id=person.id).order_by("id")
    assert [c.used_at is None for c in changes] == [False, True]  # the newer replaced the older
    # the taken address's link: CONFLICT, nothing changes
    taken = await _link_token(person.id, holder.email)
    await EmailChange.filter(user_id=person.id).update(used_at=None)
    refused = await gql_data(anon, CONFIRM, t=taken)
    assert refused["emailChangeConfirm"]["errors"] == [{"code": "CONFLICT", "field": "token"}]
    assert (await User.get(id=person.id)).email == person.email
    assert (await User.get(id=holder.id)).email == holder.email
    await client.aclose()


async def test_one_address_receives_a_bounded_number_of_links_whoever_asks(app):
    address = f"{unique('target')}@example.test"
    limit = Settings().account_mails_per_hour
    for _ in range(limit + 2):
        person = await make_user()
        client = await signed_in(app, person)
        body = await gql_data(client, CORRECT, input={"email": address})
        assert body["viewerProfileCorrect"]["errors"] == []
        await client.aclose()
    sent = await EmailOutbox.filter(template="email_change_confirm").order_by("-id").limit(50)
    assert sum(m.to_address == address for m in sent) == limit


async def test_the_link_makes_the_address_the_accounts_once_and_tells_the_old_one(app, anon):
    person = await make_user()
    old = person.email
    client = await signed_in(app, person)
    await gql_data(anon, RESET, e=old)  # a reset link mailed to the old address
    new = f"{unique('moved')}@example.test"
    await gql_data(client, CORRECT, input={"email": new})
    token = await _link_token(person.id)

    done = await gql_data(anon, CONFIRM, t=token)  # from the mailbox: no session needed
    assert done["emailChangeConfirm"] == {"ok": True, "errors": []}
    assert (await User.get(id=person.id)).email == new
    assert ("email_changed", old) in await _mails(person.id)
    assert not await PasswordReset.filter(user_id=person.id, used_at=None).exists()
    entry = await AuditEntry.filter(action="privacy.correct", subject=f"user:{person.id}").first()
    assert entry is not None and entry.fields_accessed == ["email"]

    again = await gql_data(anon, CONFIRM, t=token)
    assert again["emailChangeConfirm"]["errors"] == [{"code": "INVALID_TOKEN", "field": None}]
    me = await gql_data(client, "{ viewer { user { email } } }")
    assert me["viewer"]["user"]["email"] == new
    await client.aclose()


async def test_a_newer_request_replaces_the_link_and_a_taken_address_fails_at_the_link(app, anon):
    person = await make_user()
    client = await signed_in(app, person)
    first, second = (f"{unique(n)}@example.test" for n in ("first", "second"))
    await gql_data(client, CORRECT, input={"email": first})
    stale = await _link_token(person.id)
    await gql_data(client, CORRECT, input={"email": second})
    fresh = await _link_token(person.id)
    replaced = await gql_data(anon, CONFIRM, t=stale)
    assert replaced["emailChangeConfirm"]["errors"] == [{"code": "INVALID_TOKEN", "field": None}]

    # another account gets the second address before the link is used
    taker = await make_user()
    taker.email = second
    await taker.save(update_fields=["email"])
    taken = await gql_data(anon, CONFIRM, t=fresh)
    assert taken["emailChangeConfirm"]["errors"] == [{"code": "CONFLICT", "field": "token"}]
    assert (await User.get(id=person.id)).email == person.email
    await client.aclose()


async def test_requests_past_the_hourly_limit_mail_nothing_and_answer_alike(app):
    person = await make_user()
    client = await signed_in(app, person)
    limit = Settings().account_mails_per_hour
    answers = []
    for n in range(limit + 2):
        body = await gql_data(client, CORRECT, input={"email": f"{unique(f'n{n}')}@example.test"})
        answers.append(body["viewerProfileCorrect"])
    assert all(a == answers[0] for a in answers) and answers[0]["errors"] == []
    assert len(await _mails(person.id)) == limit
    await client.aclose()


async def test_a_garbage_token_is_invalid(anon):
    for token in ("", "x" * 5000, "nope"):
        body = await gql_data(anon, CONFIRM, t=token)
        assert body["emailChangeConfirm"]["errors"] == [{"code": "INVALID_TOKEN", "field": None}]


async def test_the_same_address_changes_nothing(app):
    person = await make_user()
    client = await signed_in(app, person)
    body = await gql_data(client, CORRECT, input={"email": person.email.upper()})
    assert body["viewerProfileCorrect"]["errors"] == []
    assert await _mails(person.id) == []
    await client.aclose()


async def test_mandi_staff_changing_their_own_address_act_as_themselves(app):
    from domain.accounts.models import PlatformRole
    from tests.support import make_platform_user

    agent, client = await make_platform_user(app, PlatformRole.SUPPORT_AGENT)
    await gql_data(client, CORRECT, input={"email": f"{unique('agent')}@example.test"})
    entry = await AuditEntry.filter(
        action="user.email_change_request", subject=f"user:{agent.id}"
    ).first()
    assert entry is not None and "role" not in (entry.detail or {})
    await client.aclose()
