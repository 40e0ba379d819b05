"""No account enumeration through password reset or sign-up: the same answer, the same work,
and (measured here because the issue asks it of a test) timings within 1.5x of each other."""

from __future__ import annotations

import dataclasses
import statistics
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import httpx
import pytest_asyncio

from api.app import create_app
from audit.models import AuditEntry
from domain.accounts.auth_models import EmailOutbox
from domain.accounts.models import Organization, User, UserStatus
from domain.accounts.passwords_flow import read_outbox_body
from domain.crypto.fields import lookup
from domain.settings import Settings
from tests.api.test_auth_reset import COMPLETE, REQUEST, _mailed_token
from tests.support import client_for, gql, make_user, random_gstin, signed_in, unique

# Reset timing: batches of rounds, each round one known and one unknown address. The machine's
# other processes (CI runs a second pytest process on the other core) slow some stretches of
# requests, for seconds at a time: see the test.
RESET_BATCHES = 5
RESET_BATCH_ROUNDS = 40
SIGN_UP_ROUNDS = 15  # each one hashes a password


async def test_reset_answers_alike_and_writes_alike(anon):
    user = await make_user()
    known = await gql(anon, REQUEST, e=user.email)
    unknown = await gql(anon, REQUEST, e=f"{unique('nobody')}@example.test")
    assert known == unknown
    assert await EmailOutbox.filter(user_id=user.id).count() == 1
    noted = await AuditEntry.filter(action="password.reset_request").order_by("-seq").limit(2)
    assert [e.resource_id for e in noted] == [None, str(user.id)]
    assert noted[0].subject is None


@pytest_asyncio.fixture
async def unlimited(backend) -> AsyncIterator[httpx.AsyncClient]:
    """An anonymous client of an app without the per-recipient mail limit, so every known
    request here does the full work of mailing a link (the limit is tested on its own)."""
    settings = dataclasses.replace(Settings.from_env(), account_mails_per_hour=10**6)
    app = create_app(settings, manage_db=False)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://mandi.test") as client:
        yield client
    await app.state.refusals.close()


async def test_reset_timing_does_not_tell_whether_the_account_exists(unlimited):
    """Each round times a known and an unknown address back to back (which goes first
    alternates), so the two of a round run under the same load, and its ratio is known/unknown;
    a batch's ratio is the median of its rounds'. Another process on the machine slows whole
    stretches of requests, and not both kinds alike: under load a batch of 40 rounds was seen
    at 1.35 and a plain median of 40 rounds of each kind at 1.6, where a quiet machine measures
    1.17 (PostgreSQL: the known request commits two inserts). The batch judged is the least
    disturbed one: the fastest, by its median times of both kinds together, which does not
    look at their ratio."""
    anon = unlimited
    user = await make_user()

    async def timed(kind: str) -> float:
        email = user.email if kind == "known" else f"{unique('nobody')}@example.test"
        start = time.perf_counter()
        body = await gql(anon, REQUEST, e=email)
        elapsed = time.perf_counter() - start
        assert body["data"]["passwordResetRequest"]["ok"] is True
        return elapsed

    for kind in ("unknown", "known", "known", "unknown"):  # the first rounds warm caches
        await timed(kind)
    batches: list[list[tuple[float, float]]] = []
    for _ in range(RESET_BATCHES):
        rounds = []
        for n in range(RESET_BATCH_ROUNDS):
            order = ("known", "unknown") if n % 2 else ("unknown", "known")
            times = {kind: await timed(kind) for kind in order}
            rounds.append((times["known"], times["unknown"]))
        batches.append(rounds)
    mailed = 2 + RESET_BATCHES * RESET_BATCH_ROUNDS
    assert await EmailOutbox.filter(user_id=user.id).count() == mailed

    def speed(rounds: list[tuple[float, float]]) -> float:
        return statistics.median(k for k, _ in rounds) + statistics.median(u for _, u in rounds)

    def ratio(rounds: list[tuple[float, float]]) -> float:
        return statistics.median(k / u for k, u in rounds)

    quietest = min(batches, key=speed)
    known = statistics.median(k for k, _ in quietest)
    unknown = statistics.median(u for _, u in quietest)
    print(
        f"reset timing: known {known * 1e3:.2f} ms, unknown {unknown * 1e3:.2f} ms, "
        f"ratio {ratio(quietest):.3f}; every batch's: "
        + ", ".join(f"{ratio(b):.3f} ({speed(b) * 1e3:.1f} ms)" for b in batches)
    )
    assert max(ratio(quietest), 1 / ratio(quietest)) < 1.5, (known, unknown, ratio(quietest))


async def test_one_address_gets_at_most_n_reset_mails_an_hour_from_any_address(app):
    """Past the per-recipient limit a request answers exactly like an accepted one and mails
    nothing; the links already sent stay valid (a flood cannot cancel a wanted reset)."""
    user = await make_user()
    limit = Settings().account_mails_per_hour
    answers = []
    for n in range(limit + 3):
        transport = httpx.ASGITransport(app=app, client=(f"198.51.100.{n + 1}", 40000 + n))
        async with httpx.AsyncClient(transport=transport, base_url="http://mandi.test") as c:
            answers.append(await gql(c, REQUEST, e=user.email))
            if n == limit - 1:
                last_token = await _mailed_token(user.id)
    async with client_for(app, None) as anon:
        unknown = await gql(anon, REQUEST, e=f"{unique('nobody')}@example.test")
    assert all(answer == unknown for answer in answers)
    assert await EmailOutbox.filter(user_id=user.id).count() == limit
    noted = await AuditEntry.filter(action="password.reset_request", resource_id=str(user.id))
    assert [e.detail for e in noted].count({"mailed": False, "reason": "per-recipient limit"}) == 3
    async with client_for(app, None) as anon:
        done = await gql(anon, COMPLETE, t=last_token, p="my brand new passphrase")
    assert done["data"]["passwordResetComplete"]["ok"] is True


SIGN_UP = """
mutation($input: UserSignUpInput!) { userSignUp(input: $input) { ok errors { code field } } }"""


def _sign_up(email: str) -> dict:
    return {
        "username": unique("s"),
        "email": email,
        "password": "a long passphrase of mine",
        "fullName": "Asha Rao",
        "country": "IN",
        "adultAttested": True,
    }


async def test_sign_up_answers_alike_for_a_new_and_a_registered_email(anon):
    """A fresh username with someone's email: the same "check your email" answer as with a new
    email; the account's owner is mailed a notice, and no second account appears."""
    user = await make_user()
    known = await gql(anon, SIGN_UP, input=_sign_up(user.email.upper()))
    unknown = await gql(anon, SIGN_UP, input=_sign_up(f"{unique('nobody')}@example.test"))
    assert known == unknown
    assert known["data"] == {"userSignUp": {"ok": True, "errors": []}}
    assert "mandi_session" not in anon.cookies
    mails = await EmailOutbox.filter(user_id=user.id).values_list("template", flat=True)
    assert mails == ["sign_up_attempt"]
    assert await User.filter(email_index=lookup(User, "email", user.email)).count() == 1
    assert (await User.get(id=user.id)).status == UserStatus.ACTIVE


async def test_a_pending_sign_ups_username_does_not_tell_which_email_it_used(anon):
    """Its username with its own address and with any other (new, or someone's) answers the
    same ok: its own address renews it (a fresh link, which only its owner reads), another
    takes the name over."""
    pending = _sign_up(f"{unique('p')}@example.test")
    assert (await gql(anon, SIGN_UP, input=pending))["data"]["userSignUp"]["ok"] is True
    renewed = await gql(anon, SIGN_UP, input={**_sign_up(pending["email"]), **pending})
    held = await User.get(email_index=lookup(User, "email", pending["email"]))
    mails = await EmailOutbox.filter(user_id=held.id).values_list("template", flat=True)
    assert mails == ["sign_up_confirm", "sign_up_confirm"]  # renewed: a new link
    someone = await make_user()
    answers = [renewed]
    for email in (f"{unique('nobody')}@example.test", someone.email):
        answers.append(
            await gql(anon, SIGN_UP, input={**_sign_up(email), "username": pending["username"]})
        )
    assert answers[0] == answers[1] == answers[2]
    assert answers[0]["data"] == {"userSignUp": {"ok": True, "errors": []}}
    assert await EmailOutbox.filter(user_id=someone.id).count() == 1  # the notice
    assert not await User.filter(email_index=lookup(User, "email", pending["email"])).exists()


async def test_sign_up_timing_does_not_tell_whether_the_email_is_registered(unlimited):
    anon = unlimited
    user = await make_user()
    timings: dict[str, list[float]] = {"known": [], "unknown": []}
    for n in range(SIGN_UP_ROUNDS + 2):
        for kind in ("known", "unknown") if n % 2 else ("unknown", "known"):
            email = user.email if kind == "known" else f"{unique('nobody')}@example.test"
            start = time.perf_counter()
            body = await gql(anon, SIGN_UP, input=_sign_up(email))
            elapsed = time.perf_counter() - start
            assert body["data"]["userSignUp"] == {"ok": True, "errors": []}
            if n >= 2:  # the first rounds warm caches
                timings[kind].append(elapsed)
    assert await EmailOutbox.filter(user_id=user.id).count() == SIGN_UP_ROUNDS + 2
    known, unknown = (statistics.median(timings[k]) for k in ("known", "unknown"))
    print(f"sign-up timing: known {known * 1e3:.2f} ms, unknown {unknown * 1e3:.2f} ms")
    assert max(known, unknown) / min(known, unknown) < 1.5, (known, unknown)


async def test_sign_up_notices_to_one_address_are_limited_per_hour(app, anon):
    user = await make_user()
    limit = Settings().account_mails_per_hour
    answers = [await gql(anon, SIGN_UP, input=_sign_up(user.email)) for _ in range(limit + 2)]
    assert all(a["data"] == {"userSignUp": {"ok": True, "errors": []}} for a in answers)
    assert await EmailOutbox.filter(user_id=user.id).count() == limit


async def test_the_username_a_sign_up_gave_does_not_tell_whether_its_email_is_registered(anon):
    """Trying again, from another address, the username a sign-up of someone's email gave: a
    new address's pending sign-up held it ("taken") and a registered one's did not ("ok"), so
    the answer told who has an account. A pending sign-up of another address holds nothing."""
    user = await make_user()
    answers = []
    for email in (user.email, f"{unique('nobody')}@example.test"):
        probe = _sign_up(email)
        assert (await gql(anon, SIGN_UP, input=probe))["data"]["userSignUp"]["ok"] is True
        again = {**_sign_up(f"{unique('me')}@example.test"), "username": probe["username"]}
        answers.append((await gql(anon, SIGN_UP, input=again))["data"])
    assert answers[0] == answers[1] == {"userSignUp": {"ok": True, "errors": []}}
    # The later sign-up holds the name: nobody's pending account is left with it.
    index = lookup(User, "username", again["username"])
    assert [u.email for u in await User.filter(username_index=index)] == [again["email"]]
    assert await User.filter(email_index=lookup(User, "email", email)).count() == 0


ORG_CREATE = """mutation($input: OrganizationCreateInput!) {
  organizationCreate(input: $input) { organization { legalName gstin } errors { code field } }
}"""


async def test_organization_create_answers_alike_for_a_registered_and_a_new_gstin(app, team):
    """A GSTIN is personal data: one already registered is taken like a new one, and the owners
    of the organization that had it are mailed a notice instead of the caller being told."""
    taken = random_gstin()
    holder = await Organization.get(id=team.org.id)
    holder.gstin = taken
    await holder.save()
    fresh = random_gstin()
    t0 = datetime.now(UTC)
    someone = await signed_in(app, await make_user())
    try:
        known = await gql(someone, ORG_CREATE, input={"legalName": "Acme", "gstin": taken})
        unknown = await gql(someone, ORG_CREATE, input={"legalName": "Acme", "gstin": fresh})
    finally:
        await someone.aclose()
    assert known["data"]["organizationCreate"] == {
        "organization": {"legalName": "Acme", "gstin": taken},
        "errors": [],
    }
    assert unknown["data"]["organizationCreate"]["organization"]["gstin"] == fresh
    owner = team.users["owner"]
    notices = await EmailOutbox.filter(user_id=owner.id, template="gstin_registered_elsewhere")
    assert len(notices) == 1
    assert taken not in read_outbox_body(notices[0])  # the notice does not repeat the GSTIN
    fresh_notices = EmailOutbox.filter(template="gstin_registered_elsewhere", created_at__gte=t0)
    assert await fresh_notices.count() == 1, "only the holder's one owner; none for the new GSTIN"


async def test_a_pending_sign_up_is_no_user_another_person_can_see(app, anon):
    """A sign-up with a new address makes a pending account, the next user id; one with a
    registered address makes none. Were the pending account readable by id, any signed-in
    person could tell the two apart from the answers to user(id:)."""
    from api import ids
    from tests.support import error_codes, make_user, signed_in

    looker = await make_user()
    client = await signed_in(app, looker)
    new = f"{unique('pending')}@example.test"
    assert (await gql(anon, SIGN_UP, input=_sign_up(new)))["data"]["userSignUp"]["ok"]
    pending = await User.get(email_index=lookup(User, "email", new))
    assert pending.status == UserStatus.PENDING
    query = "query($id: ID!) { user(id: $id) { id } }"
    for pk in (pending.id, 2**31 - 1):
        body = await gql(client, query, id=ids.encode("User", pk))
        assert body["data"] == {"user": None} and error_codes(body) == ["NOT_FOUND"], pk
    seen = await gql(client, query, id=ids.encode("User", looker.id))
    assert seen["data"]["user"] == {"id": ids.encode("User", looker.id)}
    await client.aclose()


async def test_a_pending_sign_up_cannot_be_given_a_role(app, anon, team):
    """An owner granting a role by username or id finds no pending sign-up: "User not found", as
    for a username nobody has (found, it told a new address's sign-up from a registered one's,
    and put the unconfirmed account in the organization)."""
    from api import ids

    new = f"{unique('pending')}@example.test"
    given = _sign_up(new)
    assert (await gql(anon, SIGN_UP, input=given))["data"]["userSignUp"]["ok"]
    pending = await User.get(email_index=lookup(User, "email", new))
    grant = """mutation($input: OrganizationRoleGrantInput!) {
      organizationRoleGrant(input: $input) { member { role } errors { code field } } }"""
    answers = {}
    for name, target in (
        ("pending username", {"username": given["username"]}),
        ("pending id", {"userId": ids.encode("User", pending.id)}),
        ("nobody's username", {"username": unique("nobody")}),
    ):
        body = await gql(
            team.clients["owner"],
            grant,
            input={"organizationId": team.org_id, "role": "VIEWER", **target},
        )
        answers[name] = body["data"]["organizationRoleGrant"]
    assert (
        answers["pending username"]
        == answers["nobody's username"]
        == {
            "member": None,
            "errors": [{"code": "NOT_FOUND", "field": "username"}],
        }
    )
    assert answers["pending id"] == {
        "member": None,
        "errors": [{"code": "NOT_FOUND", "field": "userId"}],
    }
