"""Error codes: typed mutation errors, and ``extensions.code`` and ``extensions.requestId`` on
every GraphQL error."""

from __future__ import annotations

import logging
from enum import Enum
from typing import Any

import strawberry
from graphql import GraphQLError

from api.error_codes import Code
from domain.errors import DomainError

log = logging.getLogger("mandi.errors")


@strawberry.enum(description="Stable codes for expected failures.")
class ErrorCode(Enum):
    VALIDATION = "VALIDATION"
    NOT_FOUND = "NOT_FOUND"
    CONFLICT = "CONFLICT"
    FORBIDDEN = "FORBIDDEN"
    INVALID_TRANSITION = "INVALID_TRANSITION"
    INSUFFICIENT_STOCK = "INSUFFICIENT_STOCK"
    ARCHIVED = "ARCHIVED"
    TICKET_CLOSED = "TICKET_CLOSED"
    UNAUTHENTICATED = "UNAUTHENTICATED"
    RATE_LIMITED = "RATE_LIMITED"
    STEP_UP_REQUIRED = "STEP_UP_REQUIRED"
    MFA_INVALID = "MFA_INVALID"
    MFA_NOT_ENROLLED = "MFA_NOT_ENROLLED"
    INVALID_TOKEN = "INVALID_TOKEN"  # noqa: S105 - an error code
    SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE"
    MARKETPLACE_REFUSED = "MARKETPLACE_REFUSED"
    MARKETPLACE_UNAVAILABLE = "MARKETPLACE_UNAVAILABLE"


@strawberry.type(description="Why a mutation did not do what was asked.")
class MutationError:
    code: ErrorCode
    message: str
    field: str | None = strawberry.field(description="The input field at fault, when one is.")

    @classmethod
    def from_domain(cls, error: DomainError) -> MutationError:
        return cls(code=ErrorCode(error.code), message=error.message, field=error.field)


class CodedError(GraphQLError):
    """A GraphQL error whose ``extensions.code`` is set by the raiser."""

    def __init__(self, message: str, code: Code) -> None:
        super().__init__(message, extensions={"code": code})


class NotFoundError(CodedError):
    def __init__(self, what: str = "object") -> None:
        super().__init__(f"{what} not found", Code.NOT_FOUND)


class ForbiddenError(CodedError):
    def __init__(self, message: str = "not allowed") -> None:
        super().__init__(message, Code.FORBIDDEN)


class Unauthenticated(DomainError):
    """Raised before anything else when an operation needs a signed-in principal."""

    code = "UNAUTHENTICATED"

    def __init__(self) -> None:
        super().__init__("sign in first")


def with_code(error: GraphQLError) -> GraphQLError:
    """``error`` with a stable ``extensions.code``; unexpected failures lose their text.

    Parse, validation and request errors were coded where they arose (``api.error_phases``), and
    Mandi's own errors carry their code; a domain error raised outside a payload carries its own
    code (an ``ErrorCode``). Anything else is a bug: INTERNAL_SERVER_ERROR with a fixed message,
    logged by exception type only (the message may hold personal values).
    """
    if (error.extensions or {}).get("code"):
        return error
    original = error.original_error
    if isinstance(original, GraphQLError) and original.original_error is None:
        # graphql-core's own refusal of a value while executing: an explicit null sent for a
        # variable whose default fed a non-null argument ("Argument 'ids' of non-null type
        # '[ID!]!' must not be null."). Its message names only the schema: the input's fault.
        return GraphQLError(
            error.message,
            nodes=error.nodes,
            path=error.path,
            extensions={"code": Code.BAD_USER_INPUT},
        )
    if not isinstance(original, DomainError):
        log.error("unexpected %s at %s", type(original or error).__name__, error.path)
        return GraphQLError(
            "Internal server error",
            nodes=error.nodes,
            path=error.path,
            extensions={"code": Code.INTERNAL_SERVER_ERROR},
        )
    return _copy(error, {"code": ErrorCode(original.code).value}, original)


def with_request_id(error: GraphQLError, request_id: str | None) -> GraphQLError:
    """A copy of ``error`` naming the request in ``extensions.requestId`` (the ``X-Request-Id``
    of the answer). A copy, never the error itself: the validation cache hands the same error
    objects to every request that sends the same document."""
    if not request_id:
        return error
    extensions = {**(error.extensions or {}), "requestId": request_id}
    return _copy(error, extensions, error.original_error)


def _copy(
    error: GraphQLError, extensions: dict[str, Any], original: Exception | None
) -> GraphQLError:
    """``error`` where it was raised, with ``extensions`` and ``original`` instead of its own."""
    return GraphQLError(
        error.message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=original,
        extensions=extensions,
    )
