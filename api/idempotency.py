"""``Idempotency-Key`` for every mutation: a retry of an applied mutation is not applied again.

A signed-in caller (or partner token) may send ``Idempotency-Key: <8-64 of A-Z a-z 0-9 . _ : ->``
with a mutation. When the mutation commits having done something (a root field without
payload errors), the key is recorded in the audit log in the same transaction
(``mutation.idempotency_key``, with a digest of the operation and its variables). A later request
with the same key from the same caller within a day is not run: it answers ``ALREADY_APPLIED``
naming the request that applied it (read the result back), or ``IDEMPOTENCY_KEY_REUSED`` when the
key came with another operation. Concurrent requests with one key are serialised (PostgreSQL: an
advisory lock on the key; SQLite: one writer at a time), so at most one applies. A malformed
key, or more than one ``Idempotency-Key`` header, is ``BAD_USER_INPUT`` and nothing runs.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from graphql import ExecutionResult as GraphQLResult
from graphql import GraphQLError
from graphql.execution import InitialIncrementalExecutionResult
from strawberry.types import ExecutionContext, ExecutionResult
from tortoise import connections

from api.error_codes import Code

# What ExecutionContext.result holds: Strawberry's result or graphql-core's.
AnyResult = ExecutionResult | GraphQLResult | InitialIncrementalExecutionResult | None

HEADER = "idempotency-key"
ACTION = "mutation.idempotency_key"  # also written out in the look-up and the index
KEPT_FOR = timedelta(days=1)
_KEY = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")
_LOCK_SPACE = 727_464  # advisory-lock namespace of idempotency keys (two-int form)


@dataclass(frozen=True)
class Claim:
    key: str
    digest: str


def _digest(context: ExecutionContext) -> str:
    text = json.dumps([context.query, context.variables or {}], sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def requested(context: ExecutionContext) -> Claim | GraphQLError | None:
    """The request's key (None when it sent none or is anonymous), or why it is refused."""
    ctx = context.context
    keys = ctx.request.headers.getlist(HEADER)
    if not keys or not ctx.principal.is_authenticated:
        return None
    # Two keys are one list as HTTP reads them ("a, b"): no key says which one to apply once.
    if len(keys) > 1:
        return GraphQLError(
            "send one Idempotency-Key, not several",
            extensions={"code": Code.BAD_USER_INPUT},
        )
    [key] = keys
    if not _KEY.match(key):
        return GraphQLError(
            "Idempotency-Key must be 8 to 64 letters, digits or . _ : -",
            extensions={"code": Code.BAD_USER_INPUT},
        )
    return Claim(key=key, digest=_digest(context))


async def earlier(context: ExecutionContext, claim: Claim) -> GraphQLError | None:
    """Inside the mutation's transaction: the answer when this key was already used."""
    ctx = context.context
    actor = ctx.audit.actor
    conn = connections.get("default")
    if conn.capabilities.dialect == "postgres":
        await conn.execute_query(
            "SELECT pg_advisory_xact_lock($1, hashtext($2))",
            [_LOCK_SPACE, f"{actor.type}:{actor.id}:{claim.key}"],
        )
    mark = (lambda n: f"${n}") if conn.capabilities.dialect == "postgres" else (lambda _: "?")
    # The action is written out so the partial index (migration 0004) serves the look-up.
    _, rows = await conn.execute_query(
        "SELECT request_id, detail FROM audit_entry"  # noqa: S608 - placeholders only
        " WHERE action = 'mutation.idempotency_key' "
        f"AND actor_type = {mark(1)} AND actor_id = {mark(2)} AND resource_id = {mark(3)} "
        f"AND occurred_at >= {mark(4)} LIMIT 1",
        [actor.type, actor.id, claim.key, datetime.now(UTC) - KEPT_FOR],
    )
    found = rows[0] if rows else None
    if found is None:
        return None
    detail = found["detail"]
    detail = json.loads(detail) if isinstance(detail, str) else detail or {}
    if detail.get("operation") != claim.digest:
        return GraphQLError(
            "this Idempotency-Key was used for another operation; use a new key",
            extensions={"code": Code.IDEMPOTENCY_KEY_REUSED},
        )
    return GraphQLError(
        "a request with this Idempotency-Key was already applied; read the result back",
        extensions={"code": Code.ALREADY_APPLIED, "appliedBy": found["request_id"]},
    )


def applied(result: AnyResult) -> bool:
    """True when some root field did something (its payload has no errors)."""
    if result is None or not result.data:
        return False
    return any(not _failed(value) for value in result.data.values())


def _failed(value: Any) -> bool:
    return value is None or (isinstance(value, dict) and bool(value.get("errors")))


def record(context: ExecutionContext, claim: Claim) -> None:
    """Note the key; it commits with the mutation or not at all."""
    context.context.audit.note(ACTION, "Mutation", claim.key, detail={"operation": claim.digest})
