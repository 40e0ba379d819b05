"""How resolvers reach data: only rows the principal may read, and actions the policy allows."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from strawberry.utils.str_converters import to_camel_case
from tortoise.models import Model
from tortoise.queryset import QuerySet

from api import ids
from api.context import RequestContext
from audit.models import Outcome
from audit.subjects import describe
from authz import policy
from domain.errors import DomainError, NotFound

M = TypeVar("M", bound=Model)


class Forbidden(DomainError):
    code = "FORBIDDEN"


def readable(
    ctx: RequestContext, model: type[M], organization_id: str | None = None
) -> QuerySet[M]:
    """Rows of ``model`` the principal may read (filtered in the database), optionally in one
    organization."""
    principal = ctx.require_user()
    query = policy.readable_query(principal, model)
    if organization_id is not None:
        query = query.filter(organization_id=ids.decode(organization_id, "Organization"))
    return query


async def get_readable(
    ctx: RequestContext, model: type[M], global_id: str, *, field: str = "id"
) -> M:
    """The object behind ``global_id`` if the principal may read it, else NotFound."""
    pk = ids.decode(global_id, model.__name__, field=field)
    obj = await readable(ctx, model).filter(pk=pk).first()
    if obj is None:
        raise NotFound(model.__name__, field=field)
    return obj


def authorize(ctx: RequestContext, action: str, obj: Any) -> None:
    """Raise FORBIDDEN (or NOT_FOUND when the object is not even readable) unless allowed."""
    ctx.require_user()
    try:
        policy.check_action(ctx.guard.decisions, action, obj)
    except policy.Denied as denied:
        verb = policy.action_name(action)
        ctx.audit.note(verb, **describe(obj), outcome=Outcome.DENIED)
        if not denied.found:
            raise NotFound(type(obj).__name__) from None
        raise Forbidden(f"not allowed to {verb}") from None


def authorize_fields(
    ctx: RequestContext, obj: Any, fields: Iterable[str], *, action: str = "update"
) -> None:
    """Raise FORBIDDEN unless the principal may ``action`` every personal field in ``fields``
    (model field names) on ``obj``; a mutation calls it with the fields it changes."""
    ctx.require_user()
    denied = policy.check_fields(ctx.guard.decisions, action, obj, fields)
    if denied:
        ctx.audit.note(action, **describe(obj), fields=denied, outcome=Outcome.DENIED)
        name = to_camel_case(denied[0])
        raise Forbidden(f"not allowed to change {name}", field=name)
