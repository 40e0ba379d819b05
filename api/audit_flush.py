"""Fail closed: a request's audit entries are written before its response leaves, and every
failure is answered with what is known about its effect.

Mutations run in one database transaction with their audit entries, so writes and entries
commit together or not at all. Security events (sign-in attempts) commit with them too, and when
the transaction rolls back they are written on their own once it has ended (never while it holds
SQLite's write lock). For queries the entries are written after execution; if that write fails,
the client gets an error and no data.

Where a mutation failed decides its answer: before or while running (the database unreachable)
``SERVICE_UNAVAILABLE``, nothing changed; writing its audit entries ``AUDIT_UNAVAILABLE``,
nothing changed; during COMMIT ``OUTCOME_UNKNOWN``: it may have been applied, and a retry with
the same idempotency key is safe. A rolled-back mutation's cookies are not sent.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import AsyncIterator

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionContext, ExecutionResult
from strawberry.types.graphql import OperationType
from tortoise.transactions import in_transaction

from api import idempotency
from api.error_codes import Code
from api.faults import RETRY_AFTER
from audit.recorder import AuditBuffer
from domain.db_faults import is_unavailable
from domain.errors import DomainError

log = logging.getLogger("mandi.audit")


class _RollBack(Exception):
    """Raised inside the mutation transaction to undo it."""


class _Phase(enum.Enum):
    BEGIN = "begin"
    RUN = "run"
    AUDIT = "audit"
    COMMIT = "commit"


# code -> (message, HTTP status)
_ANSWERS = {
    Code.SERVICE_UNAVAILABLE: (
        "the service cannot reach its database; nothing was changed, try again shortly",
        503,
    ),
    Code.AUDIT_UNAVAILABLE: (
        "the audit log could not be written; nothing was returned or changed",
        503,
    ),
    Code.OUTCOME_UNKNOWN: (
        "the database failed while committing: the change may or may not have been applied; "
        "retrying with the same idempotency key is safe",
        500,
    ),
    Code.INTERNAL_SERVER_ERROR: ("the operation failed; nothing was changed", 200),
}


def _replace(context: ExecutionContext, code: Code) -> None:
    """Swap the result for an error and no data (in place: Strawberry returns that object)."""
    message, status = _ANSWERS[code]
    error = GraphQLError(message, extensions={"code": code})
    result = context.result
    if result is None:
        context.result = ExecutionResult(data=None, errors=[error])
    else:
        result.data = None
        result.errors = [error]
    if status != 200:
        response = context.context.response
        response.status_code = status
        if status == 503:
            response.headers["Retry-After"] = RETRY_AFTER


def _failures(result: idempotency.AnyResult) -> list[BaseException]:
    """The unexpected failures of resolvers (their writes must not stand)."""
    return [
        error.original_error
        for error in (result.errors if result else None) or []
        if error.original_error is not None
        and not isinstance(error.original_error, (GraphQLError, DomainError))
    ]


def _report_stats(context: ExecutionContext) -> None:
    """Leave the request's counters where StatsMiddleware reads them."""
    request_context = context.context
    state = request_context.request.scope.setdefault("state", {})
    state["stats"] = {
        "evaluations": request_context.guard.evaluations,
        "audit_inserts": request_context.audit.flushed,
    }


def _forget_cookies(context: ExecutionContext) -> None:
    """A rolled-back sign-in or sign-out sets no cookie (its session was never made or ended)."""
    headers = context.context.response.headers
    if "set-cookie" in headers:
        del headers["set-cookie"]


class AuditFlush(SchemaExtension):
    async def on_operation(self) -> AsyncIterator[None]:
        yield
        _report_stats(self.execution_context)
        await self.execution_context.context.record_door_refusals()

    async def on_execute(self) -> AsyncIterator[None]:
        context = self.execution_context
        if context.operation_type is not OperationType.MUTATION:
            yield
            await self._after_query(context)
            return
        buffer: AuditBuffer = context.context.audit
        claim = idempotency.requested(context)
        if isinstance(claim, GraphQLError):  # a malformed key: nothing runs
            context.result = ExecutionResult(data=None, errors=[claim])
            yield
            return
        phase, ran = _Phase.BEGIN, False
        try:
            async with in_transaction():
                phase = _Phase.RUN
                if claim is not None and (answer := await idempotency.earlier(context, claim)):
                    context.result = ExecutionResult(data=None, errors=[answer])
                    ran = True
                    yield  # with a result already set, Strawberry runs nothing
                    return
                ran = True
                yield
                if _failures(context.result):
                    raise _RollBack()
                if claim is not None and idempotency.applied(context.result):
                    idempotency.record(context, claim)
                phase = _Phase.AUDIT
                await buffer.flush()
                phase = _Phase.COMMIT
        except _RollBack:
            failures = _failures(context.result)
            down = any(map(is_unavailable, failures))
            _replace(context, Code.SERVICE_UNAVAILABLE if down else Code.INTERNAL_SERVER_ERROR)
        except Exception as error:
            self._failed(context, phase, error)
            if not ran:
                yield  # with a result already set, Strawberry runs nothing
                return
        else:
            await buffer.witness()
            return
        _forget_cookies(context)
        await _keep_security_events(buffer)

    @staticmethod
    def _failed(context: ExecutionContext, phase: _Phase, error: Exception) -> None:
        name = type(error).__name__
        if phase is _Phase.COMMIT:
            log.error("mutation outcome unknown, the commit failed: %s", name)
            _replace(context, Code.OUTCOME_UNKNOWN)
        elif phase is _Phase.AUDIT:
            log.error("audit write failed, mutation rolled back: %s", name)
            _replace(context, Code.AUDIT_UNAVAILABLE)
        else:
            log.error("database unavailable, mutation not applied: %s", name)
            down = is_unavailable(error)
            _replace(context, Code.SERVICE_UNAVAILABLE if down else Code.INTERNAL_SERVER_ERROR)

    @staticmethod
    async def _after_query(context: ExecutionContext) -> None:
        buffer: AuditBuffer = context.context.audit
        if any(map(is_unavailable, _failures(context.result))):
            _replace(context, Code.SERVICE_UNAVAILABLE)  # nothing is returned: nothing to record
            return
        try:
            await buffer.flush()
        except Exception as error:  # any failure to write means no data leaves
            log.error("audit write failed: %s", type(error).__name__)
            _replace(context, Code.AUDIT_UNAVAILABLE)


async def _keep_security_events(buffer: AuditBuffer) -> None:
    """The rolled-back mutation's sign-in attempts and refusals, written on their own."""
    try:
        await buffer.flush_kept()
    except Exception as error:  # the client already has an error; say what was lost
        log.error("security events of a rolled-back mutation lost: %s", type(error).__name__)
