"""Starlette's own refusals answer as Mandi's do: a path no route serves is a JSON 404
``NOT_FOUND``, a method a route does not take a JSON 405 ``METHOD_NOT_ALLOWED`` with ``Allow``,
in the accepted media type and naming the request, never plain text."""

from __future__ import annotations

import httpx
import pytest

from tests.support import error_codes

GQL = "application/graphql-response+json"


def _refusal(response: httpx.Response, status: int, code: str, media_type: str) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == media_type
    body = response.json()
    assert error_codes(body) == [code]
    [request_id] = response.headers.get_list("x-request-id")
    assert body["errors"][0]["extensions"]["requestId"] == request_id
    assert ("data" in body) is (media_type == "application/json")  # as every refusal
    return body


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/nope"),
        ("POST", "/nope"),
        ("GET", "/graphql/x"),
        ("GET", "/graphql/"),  # not a redirect built from the Host header
        ("POST", "/healthz/"),
        ("GET", "/privacy/exports"),
        ("GET", "/privacy/exports/a/b"),
    ],
)
@pytest.mark.parametrize(("accept", "media_type"), [(None, "application/json"), (GQL, GQL)])
async def test_an_unknown_path_is_a_json_not_found(anon, method, path, accept, media_type):
    headers = {"Accept": accept} if accept else {}
    response = await anon.request(method, path, headers=headers)
    _refusal(response, 404, "NOT_FOUND", media_type)


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("POST", "/privacy/exports/x", "GET"),
        ("PUT", "/privacy/exports/x", "GET"),
        ("DELETE", "/privacy/exports/x", "GET"),
        ("HEAD", "/privacy/exports/x", "GET"),  # HEAD would spend the link: refused too
        ("POST", "/healthz", "GET, HEAD"),
        ("DELETE", "/readyz", "GET, HEAD"),
    ],
)
async def test_a_method_a_route_does_not_take_is_a_json_405_with_allow(anon, method, path, allow):
    response = await anon.request(method, path)
    assert response.headers["allow"] == allow
    if method == "HEAD":  # no body to read
        assert response.status_code == 405
        assert response.headers["content-type"] == "application/json"
        return
    _refusal(response, 405, "METHOD_NOT_ALLOWED", "application/json")
    strict = await anon.request(method, path, headers={"Accept": GQL})
    _refusal(strict, 405, "METHOD_NOT_ALLOWED", GQL)
