"""Relay connections with keyset (cursor) pagination, newest first, page size capped.

`totalCount` and `pageInfo.hasPreviousPage` are each one more query, made only when asked.
`paginate_by` pages in the order of a column instead (the privacy queue: due soonest first).
A cursor names its row and its list's kind (the node type, and the column of a `paginate_by`
order), so a cursor of another kind of list is refused, never read as a position in this one.
"""

from __future__ import annotations

from typing import Generic, TypeVar

import strawberry
from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from api import ids
from domain.errors import ValidationFailed

T = TypeVar("T")
DEFAULT_PAGE = 20
MAX_PAGE = 100


@strawberry.type(description="Where a page sits in the list (Relay).")
class PageInfo:
    has_next_page: bool = strawberry.field(description="More rows follow this page.")
    start_cursor: str | None = strawberry.field(description="The cursor of the first edge.")
    end_cursor: str | None = strawberry.field(
        description="The cursor of the last edge: pass it as `after` for the next page."
    )
    _newer: strawberry.Private[QuerySet | None]

    @strawberry.field(
        description="Rows you may see come before this page (only with `after`); one look-up, "
        "made only when asked."
    )
    async def has_previous_page(self) -> bool:
        return self._newer is not None and await self._newer.exists()


@strawberry.type
class Edge(Generic[T]):
    cursor: str
    node: T


@strawberry.type(description="A page of results (a Relay connection).")
class Connection(Generic[T]):
    edges: list[Edge[T]]
    page_info: PageInfo
    _query: strawberry.Private[QuerySet]

    @strawberry.field(description="Every row you may see, on every page; counted only when asked.")
    async def total_count(self) -> int:
        return await self._query.count()

    @strawberry.field(description="The nodes of the edges, for clients that need no cursors.")
    def nodes(self) -> list[T]:
        return [edge.node for edge in self.edges]


def cursor(kind: str, pk: int) -> str:
    """The cursor of row ``pk`` in a list of ``kind``: ``c:<kind>:<key>``, URL-safe base64
    (the ``c:`` keeps it apart from a global id, ``<type>:<key>``)."""
    return ids.wrap(f"c:{kind}:{pk}")


def after_key(given: str, kind: str, largest: int) -> int:
    """The key inside the cursor ``given`` of a list of ``kind``; anything but a cursor this API
    could have issued for such a list (garbage, another list's, a key beyond ``largest``) is
    refused."""
    raw = ids.unwrap(given) or ""
    head = f"c:{kind}:"
    pk = raw.removeprefix(head) if raw.startswith(head) else ""
    if not (ids.canonical_key(pk) and int(pk) <= largest):
        raise ValidationFailed("not a cursor from this API", field="after")
    return int(pk)


def page_size(first: int | None) -> int:
    if first is None:
        return DEFAULT_PAGE
    if not 1 <= first <= MAX_PAGE:
        raise ValidationFailed(f"first must be between 1 and {MAX_PAGE}", field="first")
    return first


async def paginate(
    query: QuerySet, *, first: int | None, after: str | None, node_type: str | None = None
) -> Connection:
    """One page of ``query`` (already filtered to what the principal may read), newest first.
    Its cursors name ``node_type``: the model's name unless the nodes are another type (the
    model's rows shown as ``DataAccess``: a list of ``AuditEntry`` would refuse its cursors)."""
    kind = node_type or query.model.__name__
    key = query.model._meta.pk_attr
    page_query = query.order_by(f"-{key}")
    newer = None
    if after:
        start = after_key(after, kind, ids.largest_pk(query.model.__name__))
        page_query = page_query.filter(**{f"{key}__lt": start})
        newer = query.filter(**{f"{key}__gt": start})
    return await _page(query, page_query, newer, page_size(first), kind)


async def paginate_by(
    query: QuerySet, column: str, *, first: int | None, after: str | None
) -> Connection:
    """One page of ``query`` in ascending order of ``column``, then of the key (for ties); the
    cursor names a row of ``query``, and the page after it starts past that row's value of
    ``column``; a row that has left ``query`` since (a request closed) is refused, never a
    silently short list."""
    kind = f"{query.model.__name__}.{column}"  # a position in this order, not newest first
    key = query.model._meta.pk_attr
    page_query = query.order_by(column, key)
    newer = None
    if after:
        start = after_key(after, kind, ids.largest_pk(query.model.__name__))
        row = await query.filter(**{key: start}).first()
        if row is None:
            message = "the row of this cursor left the list; start again"
            raise ValidationFailed(message, field="after")
        value = getattr(row, column)
        later = Q(**{f"{column}__gt": value}) | Q(**{column: value, f"{key}__gt": start})
        earlier = Q(**{f"{column}__lt": value}) | Q(**{column: value, f"{key}__lt": start})
        page_query = page_query.filter(later)
        newer = query.filter(earlier)
    return await _page(query, page_query, newer, page_size(first), kind)


async def _page(
    query: QuerySet, page_query: QuerySet, newer: QuerySet | None, size: int, kind: str
) -> Connection:
    rows = await page_query.limit(size + 1)
    has_next = len(rows) > size
    rows = rows[:size]
    edges = [Edge(cursor=cursor(kind, row.pk), node=row) for row in rows]
    page_info = PageInfo(
        has_next_page=has_next,
        start_cursor=edges[0].cursor if edges else None,
        end_cursor=edges[-1].cursor if edges else None,
        _newer=newer,
    )
    return Connection(edges=edges, page_info=page_info, _query=query)
