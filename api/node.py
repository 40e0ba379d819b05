"""Relay's object identification: the ``Node`` interface, and ``node(id:)`` / ``nodes(ids:)``.

Every object type with an id implements ``Node``; its id is the opaque global id of ``api/ids.py``
("Type:pk", the type being the model's name). ``node`` reads the type from the id and looks the
object up exactly as the type's own root look-up does (``api.access.get_readable``: filtered in
the database, a miss or an object you may not read is NOT_FOUND and a denied audit entry), and
the guard decides the object it returns like any other (``api/guarded_executor.py``). ``nodes``
makes the same look-up once per type for all its ids (``api.access.get_readable_many``), each
id still answered at its index.

Strawberry's ``relay.Node`` does not fit: its ids are "GraphQLTypeName:pk" in padded standard
base64, which would change every id Mandi ever issued (and the model and the GraphQL type differ
in places: ``Session`` ids of ``WebSession``s, ``Membership`` ids of ``OrganizationMember``s), and
its ``resolve_nodes`` would be a second way to fetch rows beside the guarded one.
"""

from __future__ import annotations

from collections.abc import Awaitable
from functools import cache
from typing import Any

import strawberry
from strawberry.types import Info
from tortoise.models import Model

from api import ids
from domain.errors import NotFound, ValidationFailed

MAX_NODES = 100
# Ids whose type is not their model's name (issued before this module existed).
ID_TYPE_OF_MODEL = {"WebSession": "Session"}


@strawberry.interface(
    description="An object with a global id (Relay): fetch it again with `node(id:)`."
)
class Node:
    @strawberry.field(description="The opaque global id of the object.")
    def id(self, root: Model) -> strawberry.ID:
        # Resolvers return model rows: the id names the row's model (api/ids.py).
        return strawberry.ID(ids.encode(id_type(type(root)), root.pk))

    @classmethod
    def resolve_type(cls, obj: Any, info: Info, abstract_type: Any) -> str:
        """The GraphQL type of a row returned as a Node (resolvers return model rows)."""
        return _registry()[1][type(obj)]

    @classmethod
    def is_type_of(cls, obj: Any, info: Info) -> bool:
        # Resolvers return model rows, not instances of the GraphQL types; the guard decides
        # every object as it is completed (api/guarded_executor.py): this check adds nothing.
        return True


@cache
def _registry() -> tuple[dict[str, type], dict[type, str]]:
    """(id type -> model, model -> GraphQL type name), from the one type map."""
    from api.guard_build import Shows
    from api.type_map import TYPES

    by_id_type: dict[str, type] = {}
    by_model: dict[type, str] = {}
    for gql_type, shown in TYPES.items():
        if not (isinstance(gql_type, type) and issubclass(gql_type, Node)):
            continue
        assert isinstance(shown, Shows), f"{gql_type.__name__} is a Node over no model"
        model = shown.model
        name = gql_type.__strawberry_definition__.name  # type: ignore[attr-defined]
        assert model not in by_model, f"{model.__name__} is shown by two Node types"
        by_model[model] = name
        by_id_type[id_type(model)] = model
    return by_id_type, by_model


def id_type(model: type) -> str:
    """The type named inside the global ids of ``model``'s rows."""
    return ID_TYPE_OF_MODEL.get(model.__name__, model.__name__)


def node_models() -> dict[str, type]:
    return dict(_registry()[0])


def _kind(global_id: str) -> str | None:
    raw = ids.unwrap(global_id)
    if raw is None:
        return None
    kind, sep, _ = raw.partition(":")
    return kind if sep else None


async def fetch(ctx: Any, global_id: str, *, field: str = "id") -> Any:
    """The object behind any global id, through the type's own guarded look-up."""
    from api.access import get_readable, record_missing

    model = _registry()[0].get(_kind(global_id) or "")
    if model is None:
        # No type of this API: a miss like any other, noted and answered alike.
        raise record_missing(ctx, Node, field)
    return await get_readable(ctx, model, global_id, field=field, id_type=id_type(model))


async def fetch_many(ctx: Any, global_ids: list[str], *, field: str = "ids") -> list[Any]:
    """``fetch`` of each global id, in the order given: the object, or the NotFound to raise at
    its index (its denied entry noted, in the order asked). One guarded statement per type, and
    one more for its misses (``api.access.get_readable_many``), instead of two per id."""
    from api.access import get_readable_many, note_miss, record_missing

    ctx.require_user()
    by_id_type = _registry()[0]
    # (model, key) of each id asked; no key: no object could have it
    asked: list[tuple[type | None, int | None]] = []
    wanted: dict[type, dict[int, None]] = {}  # the keys of each model, once each, in order
    for global_id in global_ids:
        model = by_id_type.get(_kind(global_id) or "")
        pk = None
        if model is not None:
            try:
                pk = ids.decode(global_id, id_type(model), field=field)
            except NotFound:
                pass
            else:
                wanted.setdefault(model, {})[pk] = None
        asked.append((model, pk))
    looked_up: dict[type, tuple[dict[int, Any], dict[int, dict[str, Any]]]] = {
        model: await get_readable_many(ctx, model, list(pks)) for model, pks in wanted.items()
    }
    answers: list[Any] = []
    for model, pk in asked:
        if model is None or pk is None:
            answers.append(record_missing(ctx, model or Node, field))
            continue
        found, missed = looked_up[model]
        obj = found.get(pk)
        answers.append(obj if obj is not None else note_miss(ctx, model, missed[pk], field))
    return answers


async def _settled(answer: Any) -> Any:
    if isinstance(answer, Exception):
        raise answer
    return answer


@strawberry.type
class NodeQueries:
    @strawberry.field(
        description="Any object by its global id; null and NOT_FOUND when it does not exist or "
        "you may not read it (the same look-up as the type's own, e.g. `order(id:)`)."
    )
    async def node(self, info: Info, id: strawberry.ID) -> Node | None:
        return await fetch(info.context, id)

    @strawberry.field(
        description="Objects by their global ids (at most 100), in the order asked; each one "
        "that does not exist or you may not read is null with NOT_FOUND at its index."
    )
    async def nodes(self, info: Info, ids: list[strawberry.ID]) -> list[Node | None] | None:
        if len(ids) > MAX_NODES:
            raise ValidationFailed(f"at most {MAX_NODES} ids", field="ids")
        answers = await fetch_many(info.context, list(ids))
        # One awaitable per id: graphql-core completes each on its own, so a miss is an error
        # at its index and the others stand, and the guard decides each object where it is
        # completed (a list's unreadable objects would be dropped, moving the others' indices).
        settled: list[Awaitable[Any]] = [_settled(answer) for answer in answers]
        return settled  # type: ignore[return-value]
