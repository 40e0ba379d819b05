"""Fail closed: a request's audit entries are written before its response leaves.

Mutations run in one database transaction with their audit entries, so writes and entries
commit together or not at all. Security events (sign-in attempts) commit with them too, and when
the transaction rolls back they are written on their own once it has ended (never while it holds
SQLite's write lock). For queries the entries are written after execution; if that write fails,
the client gets an error and no data.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionContext, ExecutionResult
from strawberry.types.graphql import OperationType
from tortoise.transactions import in_transaction

from audit.recorder import AuditBuffer
from domain.errors import DomainError

log = logging.getLogger("mandi.audit")


class _RollBack(Exception):
    """Raised inside the mutation transaction to undo it."""


def _replace(context: ExecutionContext, message: str, code: str) -> None:
    """Swap the result for an error and no data (in place: Strawberry returns that object)."""
    error = GraphQLError(message, extensions={"code": code})
    result = context.result
    if result is None:
        context.result = ExecutionResult(data=None, errors=[error])
        return
    result.data = None
    result.errors = [error]


_UNAVAILABLE = "the audit log could not be written; nothing was returned or changed"


def _unexpected(result: ExecutionResult | None) -> bool:
    """True when a resolver failed unexpectedly (its writes must not stand)."""
    return any(
        error.original_error is not None
        and not isinstance(error.original_error, (GraphQLError, DomainError))
        for error in (result.errors if result else None) or []
    )


def _report_stats(context: ExecutionContext) -> None:
    """Leave the request's counters where StatsMiddleware reads them."""
    request_context = context.context
    state = request_context.request.scope.setdefault("state", {})
    state["stats"] = {
        "evaluations": request_context.guard.evaluations,
        "audit_inserts": request_context.audit.flushed,
    }


class AuditFlush(SchemaExtension):
    async def on_operation(self) -> AsyncIterator[None]:  # type: ignore[override]
        yield
        _report_stats(self.execution_context)

    async def on_execute(self) -> AsyncIterator[None]:  # type: ignore[override]
        context = self.execution_context
        buffer = context.context.audit
        if context.operation_type is not OperationType.MUTATION:
            yield
            try:
                await buffer.flush()
            except Exception as error:  # any failure to write means no data leaves
                log.error("audit write failed: %s", type(error).__name__)
                _replace(context, _UNAVAILABLE, "AUDIT_UNAVAILABLE")
            return
        try:
            async with in_transaction():
                yield
                if _unexpected(context.result):
                    raise _RollBack()
                await buffer.flush()
            await buffer.witness()
        except _RollBack:
            _replace(context, "the operation failed; nothing was changed", "INTERNAL_SERVER_ERROR")
            await _keep_security_events(buffer)
        except Exception as error:  # the writes rolled back with the entries
            log.error("audit write failed, mutation rolled back: %s", type(error).__name__)
            _replace(context, _UNAVAILABLE, "AUDIT_UNAVAILABLE")
            await _keep_security_events(buffer)


async def _keep_security_events(buffer: AuditBuffer) -> None:
    """The rolled-back mutation's sign-in attempts and refusals, written on their own."""
    try:
        await buffer.flush_kept()
    except Exception as error:  # the client already has an error; say what was lost
        log.error("security events of a rolled-back mutation lost: %s", type(error).__name__)
