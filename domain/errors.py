"""Errors a domain service raises for expected failures; each carries a stable code."""

from __future__ import annotations


class DomainError(Exception):
    """An expected failure the caller can show: a stable ``code``, a message, the field at fault."""

    code = "INTERNAL"

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        if code is not None:
            self.code = code


class ValidationFailed(DomainError):
    code = "VALIDATION"


class NotFound(DomainError):
    code = "NOT_FOUND"

    def __init__(self, what: str = "object", *, field: str | None = None) -> None:
        super().__init__(f"{what} not found", field=field)


class Conflict(DomainError):
    code = "CONFLICT"


class InvalidTransition(DomainError):
    code = "INVALID_TRANSITION"


class InsufficientStock(DomainError):
    code = "INSUFFICIENT_STOCK"
