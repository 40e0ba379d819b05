"""Attacks on signing in: batched sign-ins and resets, hashing on the event loop, MFA guessing."""

from __future__ import annotations

import asyncio
import threading

import domain.accounts.passwords as passwords
from domain.accounts.auth_models import EmailOutbox, LoginEvent
from tests.api.test_auth_mfa import (  # noqa: F401
    PASSWORD,
    SIGN_IN,
    VERIFY,
    code_at,
    enrolled,
    wrong_code,
)
from tests.support import client_for, error_codes, gql, make_user

ALIASED_SIGN_INS = (
    "mutation { "
    + " ".join(
        f'a{n}: sessionCreate(input: {{username: "u", password: "p{n}"}}) {{ mfaRequired }}'
        for n in range(30)
    )
    + " }"
)


async def test_thirty_aliased_sign_ins_are_one_refusal_and_no_hashing(anon):
    before = await LoginEvent.all().count()
    body = await gql(anon, ALIASED_SIGN_INS)
    assert body["data"] is None
    assert error_codes(body) == ["SOLE_ROOT_FIELD_REQUIRED"]
    assert "sessionCreate" in body["errors"][0]["message"]
    assert await LoginEvent.all().count() == before


async def test_a_sign_in_hidden_in_a_fragment_or_beside_another_field_is_refused(anon):
    hidden = """mutation { ...F }
      fragment F on Mutation {
        sessionCreate(input: {username: "u", password: "p"}) { mfaRequired } }"""
    body = await gql(anon, hidden + " ")
    assert "errors" not in body  # alone, through a fragment: allowed
    doubled = """mutation { ...F ... on Mutation { again: sessionRevoke } }
      fragment F on Mutation {
        sessionCreate(input: {username: "u", password: "p"}) { mfaRequired } }"""
    assert error_codes(await gql(anon, doubled)) == ["SOLE_ROOT_FIELD_REQUIRED"]
    beside = 'mutation { __typename userSignUp(input: {username: "x", email: "x@example.test", '
    beside += 'password: "p", fullName: "X", country: "IN", adultAttested: true}) { ok } }'
    assert error_codes(await gql(anon, beside)) == ["SOLE_ROOT_FIELD_REQUIRED"]


async def test_thirty_aliased_reset_requests_queue_no_mail(anon):
    user = await make_user(password=PASSWORD)
    aliases = " ".join(
        f'r{n}: passwordResetRequest(email: "{user.email}") {{ ok }}' for n in range(30)
    )
    before = await EmailOutbox.filter(user_id=user.id).count()
    body = await gql(anon, f"mutation {{ {aliases} }}")
    assert error_codes(body) == ["SOLE_ROOT_FIELD_REQUIRED"]
    assert await EmailOutbox.filter(user_id=user.id).count() == before


async def test_password_hashing_runs_in_worker_threads_a_bounded_number_at_once(app, monkeypatch):
    running = 0
    most = 0
    threads: set[int] = set()
    lock = threading.Lock()
    verify = passwords._verify

    def counting(stored_hash, password):
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
            threads.add(threading.get_ident())
        try:
            return verify(stored_hash, password)
        finally:
            with lock:
                running -= 1

    monkeypatch.setattr(passwords, "_verify", counting)

    async def attempt(n: int) -> dict:
        async with client_for(app, None) as client:
            return await gql(client, SIGN_IN, u=f"nobody-{n}", p="wrong")

    answers = await asyncio.gather(*(attempt(n) for n in range(6)))
    assert all(
        a["data"]["sessionCreate"]["errors"] == [{"code": "UNAUTHENTICATED"}] for a in answers
    )
    assert threading.main_thread().ident not in threads
    assert 1 <= most <= passwords.HASHING_AT_ONCE


async def test_a_right_password_does_not_reset_the_count_of_wrong_codes(app, enrolled):  # noqa: F811
    user, secret, _ = enrolled
    wrong = wrong_code(secret)
    tried = 0
    async with client_for(app, None) as client:
        for _round in range(4):
            data = (await gql(client, SIGN_IN, u=user.username, p=PASSWORD))["data"]
            challenge = data["sessionCreate"]["mfaChallenge"]
            for _ in range(4):
                answer = (await gql(client, VERIFY, c=challenge, code=wrong))["data"]
                codes = [e["code"] for e in answer["sessionVerifyMfa"]["errors"]]
                if codes == ["RATE_LIMITED"]:
                    break
                assert codes == ["UNAUTHENTICATED"]
                tried += 1
        assert tried == 5  # the sixth code is refused unheard, and so is the right one now
        data = (await gql(client, SIGN_IN, u=user.username, p=PASSWORD))["data"]
        challenge = data["sessionCreate"]["mfaChallenge"]
        right = (await gql(client, VERIFY, c=challenge, code=code_at(secret)))["data"]
        assert [e["code"] for e in right["sessionVerifyMfa"]["errors"]] == ["RATE_LIMITED"]
        assert "mandi_session" not in client.cookies


async def test_a_full_sign_in_clears_the_count_of_wrong_codes(app, enrolled):  # noqa: F811
    user, secret, _ = enrolled
    wrong = wrong_code(secret)
    async with client_for(app, None) as client:
        for _ in range(4):
            data = (await gql(client, SIGN_IN, u=user.username, p=PASSWORD))["data"]
            challenge = data["sessionCreate"]["mfaChallenge"]
            await gql(client, VERIFY, c=challenge, code=wrong)
        data = (await gql(client, SIGN_IN, u=user.username, p=PASSWORD))["data"]
        challenge = data["sessionCreate"]["mfaChallenge"]
        signed = (await gql(client, VERIFY, c=challenge, code=code_at(secret)))["data"]
        assert signed["sessionVerifyMfa"]["user"] == {"username": user.username}
    async with client_for(app, None) as client:
        for _ in range(4):  # four more wrong codes are not a lock-out: the count restarted
            data = (await gql(client, SIGN_IN, u=user.username, p=PASSWORD))["data"]
            challenge = data["sessionCreate"]["mfaChallenge"]
            answer = (await gql(client, VERIFY, c=challenge, code=wrong))["data"]
            assert answer["sessionVerifyMfa"]["errors"] == [{"code": "UNAUTHENTICATED"}]
