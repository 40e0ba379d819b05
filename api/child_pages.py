"""Child connections (``Ticket.messages(first:, after:)``): a page of each parent's rows, newest
first, for every parent of a level at once.

One statement reads the keys of the parents' rows, one more reads the rows of the pages; a
parent's ``totalCount`` and ``pageInfo.hasPreviousPage`` are one statement each, made only when
asked (as for the root connections of ``api.pagination``).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from strawberry.dataloader import DataLoader
from tortoise.models import Model

from api import ids
from api.pagination import Connection, Edge, PageInfo, after_key, cursor, page_size
from domain.accounts import access

PageKey = tuple[int, int | None, str | None]  # (parent id, first, after)


def child_pages(model: type[Model], parent_field: str) -> DataLoader[PageKey, Connection]:
    async def load(keys: list[PageKey]) -> list[Connection]:
        asked: dict[tuple[int | None, str | None], set[int]] = defaultdict(set)
        for parent, first, after in keys:
            asked[(first, after)].add(parent)
        pages: dict[PageKey, Connection] = {}
        for (first, after), parents in asked.items():
            for parent, page in (await _pages(model, parent_field, parents, first, after)).items():
                pages[(parent, first, after)] = page
        return [pages[key] for key in keys]

    return DataLoader(load_fn=load)


async def _pages(
    model: type[Model], parent_field: str, parents: set[int], first: int | None, after: str | None
) -> dict[int, Connection]:
    size = page_size(first)
    kind = model.__name__
    older = None
    if after:
        older = after_key(after, kind, ids.largest_pk(kind))
    keys: dict[int, list[int]] = defaultdict(list)
    for pk, parent in await _newest_keys(model, parent_field, parents, size + 1, older):
        keys[parent].append(pk)  # one more than the page: is there a next page?
    wanted = [pk for found in keys.values() for pk in found[:size]]
    by_pk: dict[int, Any] = {}
    if wanted:
        by_pk = {row.pk: row for row in await model.filter(id__in=wanted)}
    pages = {}
    for parent in parents:
        found = keys.get(parent, [])
        edges = [
            Edge(cursor=cursor(kind, pk), node=by_pk[pk]) for pk in found[:size] if pk in by_pk
        ]
        own = model.filter(**{parent_field: parent})
        pages[parent] = Connection(
            edges=edges,
            page_info=PageInfo(
                has_next_page=len(found) > size,
                start_cursor=edges[0].cursor if edges else None,
                end_cursor=edges[-1].cursor if edges else None,
                _newer=own.filter(id__gt=older) if older is not None else None,
            ),
            _query=own,
        )
    return pages


async def _newest_keys(
    model: type[Model], parent_field: str, parents: set[int], most: int, older: int | None
) -> list[tuple[int, int]]:
    """(id, parent) of each parent's ``most`` newest rows (below ``older``), newest first: cut
    per parent in the database, so a parent with a million rows costs a page, not a million."""
    conn, postgres = access.connection()
    mark = access.mark(postgres)
    parent_ids = sorted(parents)
    values: list[Any] = [*parent_ids, most]
    where = f"{parent_field} IN ({', '.join(mark(i + 1) for i in range(len(parent_ids)))})"
    if older is not None:
        values.append(older)
        where += f" AND id < {mark(len(values))}"
    table = model._meta.db_table
    _, rows = await conn.execute_query(
        f"SELECT id, {parent_field} FROM (SELECT id, {parent_field}, ROW_NUMBER() OVER "  # noqa: S608 -- names from the models, values as parameters
        f"(PARTITION BY {parent_field} ORDER BY id DESC) AS n FROM {table} WHERE {where}) AS t "
        f"WHERE n <= {mark(len(parent_ids) + 1)} ORDER BY id DESC",
        values,
    )
    return [(int(row[0]), int(row[1])) for row in rows]
