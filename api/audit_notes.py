"""Noting writes of personal data in the request's audit buffer (field names, never values)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from api.context import RequestContext
from audit.subjects import describe
from domain.personal import declaration


def wrote(
    ctx: RequestContext, obj: Any, fields: Iterable[str] | None = None, *, action: str = "update"
) -> None:
    """Note that ``fields`` of ``obj`` (default: all its personal fields) were written."""
    decl = declaration(type(obj))
    personal = set(decl.fields) if decl else set()
    changed = personal if fields is None else personal & set(fields)
    if changed:
        ctx.audit.note(action, **describe(obj), fields=sorted(changed))
