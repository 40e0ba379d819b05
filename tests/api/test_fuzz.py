"""Fuzzing: documents generated from the schema (hypothesis-graphql), for every root field and
mutation, with arbitrary arguments (Decimal and DateTime inputs included), sent as a signed-in
owner. None may answer INTERNAL_SERVER_ERROR, a 5xx, or more than the response limit."""

from __future__ import annotations

import asyncio
import functools
import os
import string

import pytest
import pytest_asyncio
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import nodes
from hypothesis_graphql import strategies as graphql_st

from api.app import create_app
from api.schema import schema
from domain.settings import Settings
from tests.support import make_team, signed_in

# Per root field and backend (52 fields: about 500 requests a run); MANDI_FUZZ_EXAMPLES digs deeper.
EXAMPLES = int(os.environ.get("MANDI_FUZZ_EXAMPLES", "5"))
SDL = schema._schema
ROOTS = [("query", name) for name in SDL.query_type.fields] + [
    ("mutation", name) for name in SDL.mutation_type.fields
]
TEXT = st.one_of(
    st.text(max_size=80),
    st.text(alphabet=string.digits + "٠١٢٣٤٥٦٧٨٩", min_size=6, max_size=8),
    st.sampled_from(["", " ", "0", "-1", "NaN", "Infinity", "1e999", "9" * 70, "ǅ", "\x00"]),
)
SCALARS = {
    "Decimal": st.one_of(st.decimals(allow_nan=True, allow_infinity=True).map(str), TEXT).map(
        nodes.String
    ),
    "DateTime": st.one_of(st.datetimes().map(lambda d: d.isoformat()), TEXT).map(nodes.String),
}
FUZZ_SETTINGS = Settings(
    rate_limit_ip="1000000/minute",
    rate_limit_principal="1000000/minute",
    rate_limit_auth="1000000/minute",
)


@pytest.fixture(scope="module")
def fuzz_app():
    return create_app(FUZZ_SETTINGS, manage_db=False)


@pytest_asyncio.fixture(scope="module")
async def fuzz_world(backend, fuzz_app):
    """The session's event loop (idle while a synchronous test runs) and a team's owner."""
    team = await make_team(fuzz_app)
    await team.close()
    return asyncio.get_running_loop(), team.users["owner"]


@functools.cache
def _documents(kind: str, name: str) -> st.SearchStrategy[str]:
    build = graphql_st.queries if kind == "query" else graphql_st.mutations
    return build(SDL, fields=[name], custom_scalars=SCALARS)


async def _send(app, owner, document: str) -> None:
    async with await signed_in(app, owner) as client:
        response = await client.post("/graphql", json={"query": document})
    assert response.status_code < 500, (document, response.text)
    assert len(response.content) <= FUZZ_SETTINGS.max_response_bytes
    codes = [
        (error.get("extensions") or {}).get("code") for error in response.json().get("errors") or []
    ]
    assert "INTERNAL_SERVER_ERROR" not in codes, (document, response.text)


@pytest.mark.parametrize(("kind", "name"), ROOTS, ids=[f"{k}.{n}" for k, n in ROOTS])
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.function_scoped_fixture,
    ],
)
@given(data=st.data())
def test_no_generated_document_reaches_an_internal_error(fuzz_app, fuzz_world, kind, name, data):
    loop, owner = fuzz_world
    document = data.draw(_documents(kind, name), label="document")
    loop.run_until_complete(_send(fuzz_app, owner, document))
