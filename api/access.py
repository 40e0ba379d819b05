"""The one way resolvers reach authorization: rows the principal may read, actions and fields the
policy allows, and the audit notes of what was refused and what was written.

Every refusal made here is an audit entry with a denied outcome before the error is raised, so
no resolver can refuse without a trace, and none asks the decision objects itself.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from typing import Any, TypeVar

from strawberry.utils.str_converters import to_camel_case
from tortoise.models import Model
from tortoise.queryset import QuerySet

from api import ids
from api.context import RequestContext
from audit.models import Outcome
from authz import policy
from domain.accounts.models import Organization
from domain.errors import DomainError, NotFound
from domain.personal import declaration

M = TypeVar("M", bound=Model)


class Forbidden(DomainError):
    code = "FORBIDDEN"


def readable(
    ctx: RequestContext, model: type[M], organization_id: str | None = None, *, action: str = "read"
) -> QuerySet[M]:
    """Rows of ``model`` the principal may ``action`` (filtered in the database), optionally in
    one organization."""
    principal = ctx.require_user()
    query = policy.readable_query(principal, model, action=action)
    if organization_id is not None:
        try:
            org_id = ids.decode(organization_id, "Organization", field="organizationId")
        except NotFound:
            raise record_missing(ctx, Organization, "organizationId") from None
        if not ctx.guard.decisions.allows("read", Organization(id=org_id)):
            # the list is empty either way; the attempt on another organization is recorded
            ctx.audit.note(
                "read", "Organization", org_id, organization_id=org_id, outcome=Outcome.DENIED
            )
        query = query.filter(organization_id=org_id)
    return query


async def get_readable(
    ctx: RequestContext,
    model: type[M],
    global_id: str,
    *,
    field: str = "id",
    id_type: str | None = None,
) -> M:
    """The object behind ``global_id`` if the principal may read it, else NotFound.

    A miss is a denied entry whether the object exists elsewhere or not at all: both cost the
    same two look-ups and answer alike, so the response cannot tell them apart.
    """
    return await _look_up(ctx, model, global_id, field=field, id_type=id_type)


async def _look_up(
    ctx: RequestContext,
    model: type[M],
    global_id: str,
    *,
    field: str,
    id_type: str | None = None,
    listed: Callable[[M], Model] | None = None,
) -> M:
    try:
        pk = ids.decode(global_id, id_type or model.__name__, field=field)
    except NotFound:
        # An id no object could have ("Order:-1", garbage): a miss like any other, noted too.
        raise record_missing(ctx, model, field) from None
    obj = await readable(ctx, model).filter(pk=pk).first()
    if obj is None:
        row = await model.filter(pk=pk).first()
        if row is not None and listed is not None and allows(ctx, "read", listed(row)):
            return row
        raise note_miss(ctx, model, _named(ctx, model, pk, row), field)
    return obj


async def get_subject(
    ctx: RequestContext,
    model: type[M],
    global_id: str,
    *,
    field: str,
    listed: Callable[[M], Model],
) -> M:
    """The person (a User or Customer) a list is filtered by: ``get_readable``'s look-up, so a
    malformed id, an id of another type, one that does not exist and one of a person the
    principal may not read are all NOT_FOUND with one denied entry, alike in the response.

    One exception: a person the principal may not read is still found when the principal may
    read the list's rows about them, ``listed(person)`` (a stand-in row naming the person, e.g. a
    privacy officer's view of any buyer's restrictions). The person found is for filtering only:
    never return it.
    """
    return await _look_up(ctx, model, global_id, field=field, listed=listed)


async def get_readable_many(
    ctx: RequestContext, model: type[M], pks: Collection[int]
) -> tuple[dict[int, M], dict[int, dict[str, Any]]]:
    """``get_readable`` of many keys of one model at once: the rows among ``pks`` the principal
    may read, by key, and for every other key what its denied entry names. One statement
    filtered in the database, and a second only when some key is missed (which of them exist
    elsewhere); the caller notes each miss where it answers it (``note_miss``)."""
    if not pks:
        return {}, {}
    found = {row.pk: row for row in await readable(ctx, model).filter(pk__in=list(pks))}
    missed = [pk for pk in pks if pk not in found]
    rows = {row.pk: row for row in await model.filter(pk__in=missed)} if missed else {}
    return found, {pk: _named(ctx, model, pk, rows.get(pk)) for pk in missed}


def _named(ctx: RequestContext, model: type, pk: int, row: Model | None) -> dict[str, Any]:
    """What the denied entry of a missed key names: the row when it exists elsewhere."""
    named = ctx.guard.describe(row) if row is not None else {"resource_type": model.__name__}
    return {**named, "resource_id": pk}


def note_miss(ctx: RequestContext, model: type, named: dict[str, Any], field: str) -> NotFound:
    """Note a look-up by a well-formed id that found nothing the principal may read (``named``
    by ``get_readable_many``); returns the NotFound to raise."""
    ctx.audit.note("read", **named, outcome=Outcome.DENIED)
    return NotFound(model.__name__, field=field)


def allows(ctx: RequestContext, action: str, obj: Any) -> bool:
    """The policy's answer, for a resolver that chooses between two allowed paths (a refusal
    goes through ``authorize``)."""
    return ctx.guard.decisions.allows(action, obj)


def authorize(
    ctx: RequestContext,
    action: str,
    obj: Any,
    *,
    message: str | None = None,
    field: str | None = None,
    planned: bool = False,
) -> None:
    """Return if the policy allows ``action`` on ``obj``; else record the denial and raise
    FORBIDDEN (NOT_FOUND when the principal may not even read the object, unless the object is
    only ``planned``: one the action would create)."""
    ctx.require_user()
    try:
        policy.check_action(ctx.guard.decisions, action, obj)
    except policy.Denied as denied:
        verb = action
        ctx.audit.note(verb, **ctx.guard.describe(obj), outcome=Outcome.DENIED)
        if not denied.found and not planned:
            raise NotFound(type(obj).__name__, field=field) from None
        raise Forbidden(message or f"not allowed to {verb}", field=field) from None


def authorize_fields(ctx: RequestContext, action: str, obj: Any, fields: Iterable[str]) -> None:
    """Return if the principal may ``action`` every personal field among ``fields`` (model field
    names) of ``obj``; else record the denial and raise FORBIDDEN naming the first."""
    ctx.require_user()
    denied = policy.check_fields(ctx.guard.decisions, action, obj, fields)
    if denied:
        ctx.audit.note(action, **ctx.guard.describe(obj), fields=denied, outcome=Outcome.DENIED)
        name = to_camel_case(denied[0])
        raise Forbidden(f"not allowed to {action} {name}", field=name)


def record_write(
    ctx: RequestContext, obj: Any, fields: Iterable[str] | None = None, *, action: str = "update"
) -> None:
    """Note that exactly ``fields`` of ``obj`` were written (default: every personal field, for a
    row just created with all of them); only personal fields are named."""
    decl = declaration(type(obj))
    personal = set(decl.fields) if decl else set()
    changed = personal if fields is None else personal & set(fields)
    if changed:
        ctx.audit.note(action, **ctx.guard.describe(obj), fields=sorted(changed))


def record_missing(ctx: RequestContext, model: type | str, field: str) -> NotFound:
    """Note a look-up by name or id that found nothing; returns the NotFound to raise. Signed
    out, it raises UNAUTHENTICATED instead, as a look-up of a well-formed id does (the refusal
    log records "sign in first" once per address and minute)."""
    ctx.require_user()
    name = model if isinstance(model, str) else model.__name__
    ctx.audit.note("read", name, outcome=Outcome.DENIED)
    return NotFound(name, field=field)


def decode_id(ctx: RequestContext, global_id: str, type_name: str, *, field: str) -> int:
    """The key inside ``global_id``, for a resolver that looks the object up itself (e.g. the
    person a privacy mutation names): a malformed id or one of another type is NOT_FOUND, as
    ``ids.decode`` answers, and a recorded miss, as ``get_readable`` records one."""
    try:
        return ids.decode(global_id, type_name, field=field)
    except NotFound:
        raise record_missing(ctx, type_name, field) from None


def record_refusal(ctx: RequestContext, action: str, obj: Any) -> None:
    """Note a refusal that only a domain rule could make (e.g. an organization's last owner)."""
    ctx.audit.note(action, **ctx.guard.describe(obj), outcome=Outcome.DENIED)
