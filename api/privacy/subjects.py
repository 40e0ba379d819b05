"""The person a privacy mutation names (``subjectKind`` + ``subjectId``): found, or refused in one
way whatever the reason.

A malformed id, an id of another type, one no person has and one of a person the caller may not
read all answer NOT_FOUND at the id's field ("Customer not found"), each with one denied entry,
so the answer cannot tell a person in another organization from nobody. A caller who may read
the person but not act on them is told FORBIDDEN: they know the person exists already.
"""

from __future__ import annotations

from api.access import allows, authorize, decode_id, readable
from api.context import RequestContext
from api.privacy.types import SUBJECT_TYPES
from audit.models import Outcome
from domain.accounts.models import User
from domain.errors import NotFound
from domain.orders.models import Customer
from domain.privacy.models import GrantSubject
from domain.privacy.services import subject_organization

SUBJECT_MODELS: dict[GrantSubject, type[User] | type[Customer]] = {
    GrantSubject.USER: User,
    GrantSubject.CUSTOMER: Customer,
}


def subject_key(
    ctx: RequestContext, kind: GrantSubject, global_id: str, *, field: str = "subjectId"
) -> int:
    """The person's key inside ``global_id``; a malformed id is a recorded miss."""
    return decode_id(ctx, global_id, SUBJECT_TYPES[kind], field=field)


async def holder_of(kind: GrantSubject, pk: int) -> int | None:
    """The organization holding the person, None for a user or a person who does not exist
    (for naming a refusal's organization, never for answering)."""
    try:
        return await subject_organization(kind=kind, subject_id=pk)
    except NotFound:
        return None


async def named_subject(
    ctx: RequestContext, kind: GrantSubject, global_id: str, *, field: str = "subjectId"
) -> tuple[int, int | None]:
    """The person's key and the organization holding them (None for a user). A malformed id
    and one no person has are recorded misses (a denied read of the person's type)."""
    pk = subject_key(ctx, kind, global_id, field=field)
    try:
        return pk, await subject_organization(kind=kind, subject_id=pk)
    except NotFound:
        ctx.audit.note("read", SUBJECT_TYPES[kind], pk, outcome=Outcome.DENIED)
        raise NotFound(SUBJECT_TYPES[kind], field=field) from None


async def authorize_about(
    ctx: RequestContext,
    action: str,
    planned: object,
    *,
    kind: GrantSubject,
    subject_id: int,
    field: str = "subjectId",
    message: str | None = None,
) -> None:
    """``authorize`` the row the mutation would create about the person. Refused, it is FORBIDDEN
    if the caller may read the person (the denied entry names the planned row), else NOT_FOUND
    with the entry a person who does not exist gets, a denied read of the person: the refused
    caller's own entries (their data export lists them) must not tell a person of another
    organization from nobody. The entry still names that organization and the person, so its
    seller sees the attempt."""
    ctx.require_user()
    if allows(ctx, action, planned):
        return
    if await readable(ctx, SUBJECT_MODELS[kind]).filter(pk=subject_id).exists():
        authorize(ctx, action, planned, message=message, planned=True)  # records, raises
        return
    ctx.audit.note(
        "read",
        SUBJECT_TYPES[kind],
        subject_id,
        subject=f"{kind.value}:{subject_id}",
        organization_id=getattr(planned, "organization_id", None),
        outcome=Outcome.DENIED,
    )
    raise NotFound(SUBJECT_TYPES[kind], field=field)


async def existing_subjects(
    ctx: RequestContext, named: list[tuple[GrantSubject, str]], *, field: str
) -> list[tuple[GrantSubject, int]]:
    """The people ``named`` (kind and global id) of the list input ``field``, for a caller the
    policy already let name anyone (e.g. a privacy officer recording a breach): one query per
    kind. The first malformed id or id no person has is NOT_FOUND at its place in the list
    (``affected.3.subjectId``), a recorded miss."""

    def at(index: int) -> str:
        return f"{field}.{index}.subjectId"

    people = [
        (kind, subject_key(ctx, kind, global_id, field=at(i)))
        for i, (kind, global_id) in enumerate(named)
    ]
    missing: set[tuple[GrantSubject, int]] = set()
    for kind in sorted({kind for kind, _ in people}):
        wanted = {pk for k, pk in people if k is kind}
        found = await SUBJECT_MODELS[kind].filter(id__in=wanted).values_list("id", flat=True)
        missing |= {(kind, pk) for pk in wanted - set(found)}
    for index, (kind, pk) in enumerate(people):
        if (kind, pk) in missing:
            ctx.audit.note("read", SUBJECT_TYPES[kind], pk, outcome=Outcome.DENIED)
            raise NotFound(SUBJECT_TYPES[kind], field=at(index))
    return people
