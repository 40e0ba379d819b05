"""Relay's object identification: the ``Node`` interface, and ``node(id:)`` / ``nodes(ids:)``.

Every object type with an id implements ``Node``; its id is the opaque global id of ``api/ids.py``
("Type:pk", the type being the model's name). ``node`` reads the type from the id and looks the
object up exactly as the type's own root look-up does (``api.access.get_readable``: filtered in
the database, a miss or an object you may not read is NOT_FOUND and a denied audit entry), and
the guard decides the object it returns like any other (``api/guarded_executor.py``).

Strawberry's ``relay.Node`` does not fit: its ids are "GraphQLTypeName:pk" in padded standard
base64, which would change every id Mandi ever issued (and the model and the GraphQL type differ
in places: ``Session`` ids of ``WebSession``s, ``Membership`` ids of ``OrganizationMember``s), and
its ``resolve_nodes`` would be a second way to fetch rows beside the guarded one.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Awaitable
from functools import cache
from typing import Any

import strawberry
from strawberry.types import Info
from tortoise.models import Model

from api import ids
from domain.errors import ValidationFailed

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
    try:
        raw = base64.urlsafe_b64decode(global_id + "=" * (-len(global_id) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
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
    def nodes(self, info: Info, ids: list[strawberry.ID]) -> list[Node | None] | None:
        if len(ids) > MAX_NODES:
            raise ValidationFailed(f"at most {MAX_NODES} ids", field="ids")
        # One awaitable per id: graphql-core completes each on its own, so a miss is an error
        # at its index and the others stand.
        looked_up: list[Awaitable[Any]] = [
            fetch(info.context, global_id, field="ids") for global_id in ids
        ]
        return looked_up  # type: ignore[return-value]
