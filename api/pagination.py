"""Relay connections with keyset (cursor) pagination, newest first, page size capped."""

from __future__ import annotations

import base64
import binascii
from typing import Generic, TypeVar

import strawberry
from tortoise.queryset import QuerySet

from api import ids
from domain.errors import ValidationFailed

T = TypeVar("T")
DEFAULT_PAGE = 20
MAX_PAGE = 100


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type
class Edge(Generic[T]):
    cursor: str
    node: T


@strawberry.type(description="A page of results; `totalCount` counts every row you may see.")
class Connection(Generic[T]):
    edges: list[Edge[T]]
    page_info: PageInfo
    total_count: int

    @strawberry.field(description="The nodes of the edges, for clients that need no cursors.")
    def nodes(self) -> list[T]:
        return [edge.node for edge in self.edges]


def _cursor(pk: int) -> str:
    return base64.urlsafe_b64encode(f"c:{pk}".encode()).decode().rstrip("=")


def _after(cursor: str, largest: int) -> int:
    """The key inside ``cursor``; anything but a key this API could have issued is refused."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raw = ""
    prefix, _, pk = raw.partition(":")
    canonical = pk.isascii() and pk.isdigit() and len(pk) <= 19
    if prefix != "c" or not (canonical and 0 < int(pk) <= largest):
        raise ValidationFailed("not a cursor from this API", field="after")
    return int(pk)


def page_size(first: int | None) -> int:
    if first is None:
        return DEFAULT_PAGE
    if not 1 <= first <= MAX_PAGE:
        raise ValidationFailed(f"first must be between 1 and {MAX_PAGE}", field="first")
    return first


async def paginate(query: QuerySet, *, first: int | None, after: str | None) -> Connection:
    """One page of ``query`` (already filtered to what the principal may read), newest first."""
    size = page_size(first)
    total = await query.count()
    key = query.model._meta.pk_attr
    page_query = query.order_by(f"-{key}")
    if after:
        largest = ids.largest_pk(query.model.__name__)
        page_query = page_query.filter(**{f"{key}__lt": _after(after, largest)})
    rows = await page_query.limit(size + 1)
    has_next = len(rows) > size
    rows = rows[:size]
    edges = [Edge(cursor=_cursor(row.pk), node=row) for row in rows]
    return Connection(
        edges=edges,
        page_info=PageInfo(has_next_page=has_next, end_cursor=edges[-1].cursor if edges else None),
        total_count=total,
    )
