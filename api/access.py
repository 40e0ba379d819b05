"""How resolvers reach data: only rows the principal may read, and actions the policy allows."""

from __future__ import annotations

from typing import Any, TypeVar

from tortoise.models import Model
from tortoise.queryset import QuerySet

from api import ids
from api.context import RequestContext
from authz import policy
from domain.errors import DomainError, NotFound

M = TypeVar("M", bound=Model)


class Forbidden(DomainError):
    code = "FORBIDDEN"


def readable(
    ctx: RequestContext, model: type[M], organization_id: str | None = None
) -> QuerySet[M]:
    """Rows of ``model`` the principal may read, optionally in one organization."""
    principal = ctx.require_user()
    query = model.filter(policy.readable_filter(principal, model))
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
    try:
        policy.authorize(ctx.require_user(), action, obj)
    except policy.Denied as denied:
        if not denied.found:
            raise NotFound(type(obj).__name__) from None
        raise Forbidden(f"not allowed to {action}") from None
