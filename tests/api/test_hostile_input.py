"""Inputs an attacker would try get coded answers, never INTERNAL_SERVER_ERROR; a real bug is
logged at ERROR with the request id and still answers a generic error."""

from __future__ import annotations

import logging

import pytest

from tests.api.test_auth_mfa import CONFIRM, PASSWORD, SIGN_IN, START, VERIFY, code_at
from tests.support import clear_of_totp_step_edge, client_for, error_codes, gql, gql_data, make_user

ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
FULL_WIDTH = {ord("0") + n: 0xFF10 + n for n in range(10)}


@pytest.mark.parametrize("length", [41, 50, 64, 65, 500])
async def test_over_long_usernames_are_just_wrong_credentials(anon, length):
    body = await gql(anon, SIGN_IN, u="a" * length, p="whatever it is")
    assert "errors" not in body, body
    assert body["data"]["sessionCreate"]["errors"] == [{"code": "UNAUTHENTICATED"}]


async def test_usernames_are_unicode_normalized(app):
    user = await make_user(password=PASSWORD)
    wide = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in user.username)
    async with client_for(app, None) as client:
        data = await gql_data(client, SIGN_IN, u=f"  {wide.upper()} ", p=PASSWORD)
    assert data["sessionCreate"]["user"] == {"username": user.username}


async def test_non_ascii_digits_are_a_wrong_code_not_a_crash(app):
    user = await make_user(password=PASSWORD)
    async with client_for(app, None) as client:
        await gql_data(client, SIGN_IN, u=user.username, p=PASSWORD)
        secret = (await gql_data(client, START))["mfaEnrollStart"]["enrollment"]["secret"]
        arabic = code_at(secret).translate(ARABIC_INDIC)
        refused = await gql(client, CONFIRM, code=arabic)
        assert "errors" not in refused, refused
        assert refused["data"]["mfaEnrollConfirm"]["errors"] == [{"code": "MFA_INVALID"}]
        await clear_of_totp_step_edge()  # the previous step's code is sent well inside this one
        wide = code_at(secret, -1).translate(FULL_WIDTH)  # NFKC folds full-width digits
        confirmed = await gql_data(client, CONFIRM, code=wide)
        assert confirmed["mfaEnrollConfirm"]["errors"] == []
    async with client_for(app, None) as client:
        data = await gql_data(client, SIGN_IN, u=user.username, p=PASSWORD)
        challenge = data["sessionCreate"]["mfaChallenge"]
        answer = await gql(
            client, VERIFY, c=challenge, code=code_at(secret).translate(ARABIC_INDIC)
        )
        assert "errors" not in answer, answer
        assert answer["data"]["sessionVerifyMfa"]["errors"] == [{"code": "UNAUTHENTICATED"}]


async def test_an_unexpected_error_is_logged_at_error_with_the_request_id(
    team, monkeypatch, caplog
):
    import domain.catalog.services

    async def broken(**_):
        raise RuntimeError("a bug with a personal value: priya@example.test")

    monkeypatch.setattr(domain.catalog.services, "create_product", broken)
    document = """mutation($input: ProductCreateInput!) {
      productCreate(input: $input) { product { id } errors { code } } }"""
    from tests.support import product_input

    with caplog.at_level(logging.INFO, logger="mandi"):
        response = await team.clients["manager"].post(
            "/graphql", json={"query": document, "variables": {"input": product_input(team.org_id)}}
        )
    body = response.json()
    assert error_codes(body) == ["INTERNAL_SERVER_ERROR"]
    assert "priya" not in response.text
    request_id = response.headers["x-request-id"]
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert any(request_id in r.getMessage() and "RuntimeError" in r.getMessage() for r in errors)
    # where it was raised, innermost frame first, without the message
    assert any(
        "test_hostile_input.py:" in r.getMessage() and " broken" in r.getMessage() for r in errors
    )
    assert not any("priya" in r.getMessage() for r in caplog.records)


async def test_nul_characters_are_bad_input_on_every_backend(anon):
    literal = 'mutation { passwordResetRequest(email: "a\\u0000@example.test") { ok } }'
    assert error_codes(await gql(anon, literal)) == ["BAD_USER_INPUT"]
    body = await gql(anon, SIGN_IN, u="\x00", p="")
    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert body["data"] is None
    fine = await gql(
        anon, 'mutation { passwordResetRequest(email: "a\\u0041@example.test") { ok } }'
    )
    assert fine["data"]["passwordResetRequest"]["ok"] is True
