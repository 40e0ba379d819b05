"""Mutation payloads: the changed object or coded errors, never both half-done."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from api.errors import MutationError
from domain.errors import DomainError

T = TypeVar("T")


async def attempt(action: Callable[[], Awaitable[T]]) -> tuple[T | None, list[MutationError]]:
    """Run ``action``; an expected failure becomes a coded error for the payload."""
    try:
        return await action(), []
    except DomainError as error:
        return None, [MutationError.from_domain(error)]
