"""Every ``extensions.code`` the API puts on a top-level GraphQL error, by the phase it comes from.

Payload errors of mutations (``errors { code }``) have their own enum, ``api.errors.ErrorCode``;
a domain error raised outside a payload (a query's bad cursor, a query that needs a signed-in
caller) carries that same code. Everything else is one of the codes below: the README's list is
tested against this enum, and a test refuses a code written as a bare string anywhere in ``api/``.
"""

from __future__ import annotations

from enum import Enum, StrEnum


class Phase(Enum):
    """Where a top-level error comes from."""

    HTTP = "http"  # the request as HTTP: method, media type, body, batching, persisted queries
    PARSE = "parse"  # the document does not parse (or has too many tokens)
    VALIDATE = "validate"  # the document is not valid against the schema and Mandi's rules
    EXECUTE = "execute"  # the request could not run (variables, operation, limits) or failed
    DOMAIN = "domain"  # a resolver refused: not found, forbidden, a domain error's own code


class Code(StrEnum):
    """A top-level error's ``extensions.code``. A ``str``: it serializes as its value."""

    phase: Phase

    def __new__(cls, value: str, phase: Phase) -> Code:
        member = str.__new__(cls, value)
        member._value_ = value
        member.phase = phase
        return member

    # HTTP
    BAD_REQUEST = ("BAD_REQUEST", Phase.HTTP)
    METHOD_NOT_ALLOWED = ("METHOD_NOT_ALLOWED", Phase.HTTP)
    UNSUPPORTED_MEDIA_TYPE = ("UNSUPPORTED_MEDIA_TYPE", Phase.HTTP)
    BATCHING_NOT_SUPPORTED = ("BATCHING_NOT_SUPPORTED", Phase.HTTP)
    REQUEST_TOO_LARGE = ("REQUEST_TOO_LARGE", Phase.HTTP)
    RESPONSE_TOO_LARGE = ("RESPONSE_TOO_LARGE", Phase.HTTP)
    CSRF_REJECTED = ("CSRF_REJECTED", Phase.HTTP)
    UNAUTHENTICATED = ("UNAUTHENTICATED", Phase.HTTP)
    RATE_LIMITED = ("RATE_LIMITED", Phase.HTTP)
    PERSISTED_QUERY_NOT_FOUND = ("PERSISTED_QUERY_NOT_FOUND", Phase.HTTP)
    PERSISTED_QUERY_NOT_SUPPORTED = ("PERSISTED_QUERY_NOT_SUPPORTED", Phase.HTTP)
    PERSISTED_QUERY_HASH_MISMATCH = ("PERSISTED_QUERY_HASH_MISMATCH", Phase.HTTP)
    DOCUMENT_NOT_REGISTERED = ("DOCUMENT_NOT_REGISTERED", Phase.HTTP)
    # parse
    GRAPHQL_PARSE_FAILED = ("GRAPHQL_PARSE_FAILED", Phase.PARSE)
    # validate
    GRAPHQL_VALIDATION_FAILED = ("GRAPHQL_VALIDATION_FAILED", Phase.VALIDATE)
    SOLE_ROOT_FIELD_REQUIRED = ("SOLE_ROOT_FIELD_REQUIRED", Phase.VALIDATE)
    # execute
    BAD_USER_INPUT = ("BAD_USER_INPUT", Phase.EXECUTE)
    OPERATION_RESOLUTION_FAILURE = ("OPERATION_RESOLUTION_FAILURE", Phase.EXECUTE)
    COST_LIMIT_EXCEEDED = ("COST_LIMIT_EXCEEDED", Phase.EXECUTE)
    IDEMPOTENCY_KEY_REUSED = ("IDEMPOTENCY_KEY_REUSED", Phase.EXECUTE)
    ALREADY_APPLIED = ("ALREADY_APPLIED", Phase.EXECUTE)
    SERVICE_UNAVAILABLE = ("SERVICE_UNAVAILABLE", Phase.EXECUTE)
    AUDIT_UNAVAILABLE = ("AUDIT_UNAVAILABLE", Phase.EXECUTE)
    OUTCOME_UNKNOWN = ("OUTCOME_UNKNOWN", Phase.EXECUTE)
    INTERNAL_SERVER_ERROR = ("INTERNAL_SERVER_ERROR", Phase.EXECUTE)
    # domain (a resolver's refusal; domain errors' own codes are api.errors.ErrorCode)
    # also, outside GraphQL, a path no route serves and a dead export link (HTTP 404): one code
    # for "nothing there", whoever looked
    NOT_FOUND = ("NOT_FOUND", Phase.DOMAIN)
    FORBIDDEN = ("FORBIDDEN", Phase.DOMAIN)


class Refused(Exception):
    """A request refused before it runs: its code, a message, and its HTTP status under each
    media type (``application/json`` answers 200 for a GraphQL request error, as the spec says;
    ``application/graphql-response+json`` a 4xx)."""

    def __init__(
        self,
        code: Code,
        message: str,
        status: int = 400,
        *,
        json_status: int | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
        self.json_status = status if json_status is None else json_status
        self.headers = headers or {}
