"""The raw ids of audit entries as global ids on the GraphQL surface, and filters' ids back.

The log keeps raw ids (the hash chain covers them; ``mandi audit verify`` and ``export`` show
them). An entry's actor, resource and subject are shown as the global ids of their types
(``api/ids.py``), made from the type and the raw id alone: an entry about an object since
deleted, or a person since erased, still shows one. A filter's id is decoded without a look-up:
one of the right type that names nothing, or something the caller may not read, matches no
entry, exactly like one naming something without entries. A malformed id, or one of another
type, is BAD_USER_INPUT.
"""

from __future__ import annotations

from collections.abc import Mapping

import strawberry
from tortoise.expressions import Q

from api import ids
from api.error_codes import Code
from api.errors import CodedError
from api.node import ID_TYPE_OF_MODEL
from domain import db

# Entries' actor types and subject kinds, by the type of their global ids.
ACTOR_TYPES = {"user": "User", "token": "PartnerToken"}
SUBJECT_KINDS = {"user": "User", "customer": "Customer", "organization": "Organization"}
# Entries whose resource id is not the row's key: a refused token is named by the prefix sent.
KEYED_ACTIONS = frozenset({"token.rejected"})
_MODEL_OF_ID_TYPE = {id_type: model for model, id_type in ID_TYPE_OF_MODEL.items()}
_INT_COLUMN = 2**31 - 1  # actor_id, on_behalf_of, organization_id of audit_entry


def _id_type(model_name: str) -> str:
    return ID_TYPE_OF_MODEL.get(model_name, model_name)


def _encode(id_type: str, raw: object) -> strawberry.ID | None:
    text = str(raw) if raw is not None else ""
    if not (text.isascii() and text.isdigit()) or int(text) <= 0:
        return None
    return strawberry.ID(ids.encode(id_type, int(text)))


def actor(actor_type: str, actor_id: int | None) -> strawberry.ID | None:
    """A user's or a partner token's global id; None for the system and anonymous callers."""
    id_type = ACTOR_TYPES.get(actor_type)
    return None if id_type is None else _encode(id_type, actor_id)


def user(user_id: int | None) -> strawberry.ID | None:
    return _encode("User", user_id)


def subject(raw: str | None) -> strawberry.ID | None:
    """``"customer:12"`` as the Customer's global id."""
    kind, _, pk = (raw or "").partition(":")
    id_type = SUBJECT_KINDS.get(kind)
    return None if id_type is None else _encode(id_type, pk)


def resource(resource_type: str, resource_id: str | None, action: str) -> strawberry.ID | None:
    """The global id of the object an entry names, when it names a row (of any model)."""
    if action in KEYED_ACTIONS or resource_type not in db.models():
        return None
    return _encode(_id_type(resource_type), resource_id)


def resource_key(resource_type: str, resource_id: str | None, action: str) -> str | None:
    """An entry's resource id when it is no row's key (an idempotency key, a token prefix)."""
    if resource_id is None or resource(resource_type, resource_id, action) is not None:
        return None
    return resource_id


def keyed_resources() -> Q:
    """The entries whose resource id is no row's key (those ``resource_key`` shows)."""
    return Q(action__in=sorted(KEYED_ACTIONS)) | ~Q(resource_type__in=sorted(db.models()))


def _refused(message: str) -> CodedError:
    return CodedError(message, Code.BAD_USER_INPUT)


def decode(
    global_id: str, id_types: Mapping[str, str], *, field: str, int_column: bool = False
) -> tuple[str, int]:
    """(the key of ``id_types`` for the id's type, its primary key); BAD_USER_INPUT when the id
    is malformed, beyond its model's keys (or the audit column's, for an ``int_column``), or of
    a type not among ``id_types``' values."""
    raw = ids.unwrap(global_id)
    if raw is None:
        raise _refused(f"filter.{field} is not a global id")
    id_type, _, pk = raw.partition(":")
    if not ids.canonical_key(pk):
        raise _refused(f"filter.{field} is not a global id")
    by_type = {value: key for key, value in id_types.items()}
    if id_type not in _known_id_types():
        raise _refused(f"filter.{field} is not a global id")
    if id_type not in by_type:
        expected = " or a ".join(sorted(set(id_types.values())))
        raise _refused(f"filter.{field} is the id of a {id_type}, not of a {expected}")
    limit = ids.largest_pk(_MODEL_OF_ID_TYPE.get(id_type, id_type))
    if int(pk) > (min(limit, _INT_COLUMN) if int_column else limit):
        raise _refused(f"filter.{field} is not a global id")
    return by_type[id_type], int(pk)


def resource_types() -> dict[str, str]:
    """Every model's name by the type of its rows' global ids."""
    return {model: _id_type(model) for model in db.models()}


def _known_id_types() -> set[str]:
    return set(resource_types().values())
