"""The one shape of a mutation resolver: do the work, or say why not, never both half-done.

``@payload(OrderPayload)`` under ``@strawberry.mutation`` turns a resolver that returns the
changed object (or a dict of the payload's fields, or the payload itself) into one answering
the payload: the object in its field, or, when a domain service or the guard refuses
(``DomainError``), every field empty and the coded error in ``errors``. The resolver's own
return annotation stays honest for the type checker; GraphQL sees the payload.
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, ParamSpec, TypeVar

from api.errors import MutationError
from domain.errors import DomainError

P = TypeVar("P")
A = ParamSpec("A")


def _defaults(cls: type) -> dict[str, Any]:
    """Each field of the payload but ``errors``, with its default (None when it has none)."""
    found: dict[str, Any] = {}
    for field in cls.__strawberry_definition__.fields:  # type: ignore[attr-defined]
        if field.python_name == "errors":
            continue
        if field.default is not dataclasses.MISSING:
            found[field.python_name] = field.default
        elif field.default_factory is not dataclasses.MISSING:
            found[field.python_name] = field.default_factory()
        else:
            found[field.python_name] = None
    return found


def payload(
    cls: type[P],
) -> Callable[[Callable[A, Awaitable[Any]]], Callable[A, Awaitable[P]]]:
    defaults = _defaults(cls)
    main = next(iter(defaults))

    def empty(errors: list[MutationError]) -> P:
        return cls(**{**defaults, "errors": errors})

    def decorate(resolver: Callable[A, Awaitable[Any]]) -> Callable[A, Awaitable[P]]:
        @functools.wraps(resolver)
        async def run(*args: A.args, **kwargs: A.kwargs) -> P:
            info = kwargs.get("info")
            context = getattr(info, "context", None)
            if context is not None:  # mutations run one at a time: this one's refusals
                context.mutation = getattr(info, "field_name", None)
            try:
                result = await resolver(*args, **kwargs)
            except DomainError as error:
                return empty([MutationError.from_domain(error)])
            finally:
                if context is not None:
                    context.mutation = None
            if isinstance(result, cls):
                answer = result
            elif isinstance(result, Mapping):
                answer = cls(**{**defaults, **result, "errors": []})
            else:
                answer = cls(**{**defaults, main: result, "errors": []})
            written = getattr(answer, main, None)
            if context is not None and written is not None:
                context.written[id(written)] = written
            return answer

        run.__signature__ = inspect.signature(resolver).replace(  # type: ignore[attr-defined]
            return_annotation=cls
        )
        return run

    return decorate
