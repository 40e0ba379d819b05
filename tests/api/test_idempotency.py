"""``Idempotency-Key`` on any mutation: a retry of an applied mutation is answered, not applied
again; a rolled-back or refused one can be retried; concurrent retries apply once."""

from __future__ import annotations

import asyncio

import audit.recorder
from tests.support import TICKET_OPEN, error_codes, tickets_titled, unique


def _ticket(team, subject: str) -> dict:
    return {"input": {"organizationId": team.org_id, "subject": subject, "body": "Please help."}}


async def _open(client, key: str | None, variables: dict):
    headers = {"Idempotency-Key": key} if key else {}
    return await client.post(
        "/graphql", json={"query": TICKET_OPEN, "variables": variables}, headers=headers
    )


async def test_a_retried_mutation_is_answered_not_applied_again(team):
    client, key, subject = team.clients["manager"], unique("key-"), unique("Leaking roof ")
    first = await _open(client, key, _ticket(team, subject))
    assert first.json()["data"]["ticketOpen"]["errors"] == []
    again = await _open(client, key, _ticket(team, subject))
    [error] = again.json()["errors"]
    assert error["extensions"] == {
        "code": "ALREADY_APPLIED",
        "appliedBy": first.headers["x-request-id"],
        "requestId": again.headers["x-request-id"],  # this answer's own
    }
    assert again.json()["data"] is None
    assert await tickets_titled(subject) == 1
    other = await _open(client, key, _ticket(team, unique("Another ")))
    assert error_codes(other.json()) == ["IDEMPOTENCY_KEY_REUSED"]
    # Under application/graphql-response+json the status says why nothing ran.
    strict = {"Accept": "application/graphql-response+json"}
    for variables, status, code in (
        (_ticket(team, subject), 409, "ALREADY_APPLIED"),
        (_ticket(team, unique("Another ")), 422, "IDEMPOTENCY_KEY_REUSED"),
    ):
        answer = await client.post(
            "/graphql",
            json={"query": TICKET_OPEN, "variables": variables},
            headers={"Idempotency-Key": key, **strict},
        )
        assert (answer.status_code, error_codes(answer.json())) == (status, [code])
    assert again.status_code == 200  # application/json: a GraphQL error is 200
    # Keys belong to their caller: the same key from someone else is theirs to use.
    owner = await _open(team.clients["owner"], key, _ticket(team, subject))
    assert owner.json()["data"]["ticketOpen"]["errors"] == []
    assert await tickets_titled(subject) == 2


async def test_concurrent_retries_apply_once(team):
    client, key, subject = team.clients["manager"], unique("key-"), unique("Burst ")
    answers = await asyncio.gather(*(_open(client, key, _ticket(team, subject)) for _ in range(6)))
    bodies = [a.json() for a in answers]
    applied = [b for b in bodies if b["data"] and b["data"]["ticketOpen"]["errors"] == []]
    assert len(applied) == 1
    assert all(error_codes(b) == ["ALREADY_APPLIED"] for b in bodies if b not in applied)
    assert await tickets_titled(subject) == 1


async def test_what_was_not_applied_can_be_retried_with_its_key(team, monkeypatch):
    client, key, subject = team.clients["manager"], unique("key-"), unique("Retry ")
    refused = await _open(client, key, _ticket(team, ""))  # a payload error: nothing done
    assert refused.json()["data"]["ticketOpen"]["errors"]

    real, calls = audit.recorder.append, []

    async def fails_once(entries):
        calls.append(1)
        if len(calls) == 1:
            raise ConnectionResetError("injected")
        return await real(entries)

    monkeypatch.setattr(audit.recorder, "append", fails_once)
    other_key = unique("key-")
    rolled_back = await _open(client, other_key, _ticket(team, subject))
    assert error_codes(rolled_back.json()) == ["AUDIT_UNAVAILABLE"]
    retried = await _open(client, other_key, _ticket(team, subject))
    assert retried.json()["data"]["ticketOpen"]["errors"] == []
    assert await tickets_titled(subject) == 1


async def test_a_malformed_key_is_refused_before_anything_runs(team):
    subject = unique("Bad key ")
    response = await _open(team.clients["manager"], "no spaces allowed", _ticket(team, subject))
    assert error_codes(response.json()) == ["BAD_USER_INPUT"]
    assert not await tickets_titled(subject)


async def test_two_keys_are_refused_before_anything_runs(team):
    """A request with two Idempotency-Key headers ran under the first; which one a retry would
    send is anyone's guess, so no key says what to apply once."""
    client, subject = team.clients["manager"], unique("Two keys ")
    first, second = unique("key-"), unique("key-")
    for keys in ((first, second), (first, first)):
        response = await client.post(
            "/graphql",
            json={"query": TICKET_OPEN, "variables": _ticket(team, subject)},
            headers=[("Idempotency-Key", key) for key in keys],
        )
        assert error_codes(response.json()) == ["BAD_USER_INPUT"], response.text
        assert "one Idempotency-Key" in response.json()["errors"][0]["message"]
    assert not await tickets_titled(subject)
    applied = await _open(client, first, _ticket(team, subject))  # neither key was recorded
    assert applied.json()["data"]["ticketOpen"]["errors"] == []
