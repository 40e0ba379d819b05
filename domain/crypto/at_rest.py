"""Sealing before each save and opening after each select, for every model with sealed fields.

Installed once (``install``) after Tortoise has loaded the models. Before a save the row's data
key is fetched (or made) for the subject the declaration names; after a select, the keys a
whole page's values name are fetched in one query (then cached for the request), and each value
opens on its first read (``SealedAttribute``): the API layer and the dataloaders see plain model
instances, and a page pays only for the values the query asks for.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tortoise.backends.base.executor import BaseExecutor
from tortoise.models import Model
from tortoise.signals import Signals

from domain.crypto import keystore, sealing
from domain.crypto.fields import BlindIndexField, SealedField
from domain.personal import declaration

# model -> ((attribute, column, is_moment), ...) of its sealed fields
_SEALED: dict[type, tuple[tuple[str, str, bool], ...]] = {}
_original_select = BaseExecutor.execute_select


def sealed_fields(model: type) -> tuple[tuple[str, str, bool], ...]:
    found = _SEALED.get(model)
    if found is None:
        found = _SEALED[model] = tuple(
            (name, f.source_field or name, f.moment)
            for name, f in model._meta.fields_map.items()  # type: ignore[attr-defined]
            if isinstance(f, SealedField)
        )
    return found


async def prepare_key(instance: Model) -> None:
    """Put the data key of the row's subject on the instance, for ``SealedField.to_db_value``."""
    decl = declaration(type(instance))
    if decl is None or decl.subject is None:
        raise LookupError(f"{type(instance).__name__} seals values but names no data subject")
    kind = decl.subject.kind.value
    if decl.subject.via == instance._meta.pk_attr and instance.pk is None:
        key_id, aes = await keystore.new_unbound_key()
        instance.__dict__["_mandi_bind"] = kind
    else:
        subject_id = decl.subject.subject_id(instance)
        key_id, aes = await keystore.key_for_subject(
            kind, "-" if subject_id is None else subject_id
        )
    instance.__dict__["_mandi_key"] = (key_id, aes)


async def _pre_save(sender: type, instance: Model, using_db: Any, update_fields: Any) -> None:
    if update_fields is not None:
        names = {attr for attr, _, _ in sealed_fields(sender)}
        changed = names.intersection(update_fields)
        if not changed:
            return
        if isinstance(update_fields, list):  # a changed value's blind index changes with it
            for name, f in sender._meta.fields_map.items():  # type: ignore[attr-defined]
                if isinstance(f, BlindIndexField) and f.source in changed:
                    update_fields.append(name)
    await prepare_key(instance)


async def _post_save(
    sender: type, instance: Model, created: bool, using_db: Any, update_fields: Any
) -> None:
    if kind := instance.__dict__.pop("_mandi_bind", None):
        await keystore.bind(instance.__dict__["_mandi_key"][0], kind, instance.pk)


def _loaded(instances: list) -> list[Model]:
    """The instances and the related objects a ``select_related`` put on them."""
    found = []
    for instance in instances:
        found.append(instance)
        for value in instance.__dict__.values():
            if isinstance(value, Model):
                found.append(value)
    return found


class SealedAttribute:
    """The attribute of a sealed field: holds the stored value, opens it on first read with the
    keys its page loaded (so a page pays only for the values a query actually reads)."""

    __slots__ = ("attr", "column", "moment", "table")

    def __init__(self, table: str, attr: str, column: str, moment: bool) -> None:
        self.table, self.attr, self.column, self.moment = table, attr, column, moment

    def __get__(self, instance: Any, owner: type) -> Any:
        if instance is None:
            return self
        stored = instance.__dict__
        value = stored.get(self.attr)
        if type(value) is str and value.startswith(sealing.PREFIX):
            value = stored[self.attr] = self._open(stored, value)
        return value

    def __set__(self, instance: Any, value: Any) -> None:
        instance.__dict__[self.attr] = value

    def _open(self, stored: dict, value: str) -> Any:
        loaded = stored.get("_mandi_keys")
        if loaded is None:
            raise RuntimeError(f"{self.table}.{self.column} was read without its keys")
        aes = loaded.get(sealing.key_id_of(value))
        if aes is None:  # the subject's key was destroyed (erasure)
            return None
        opened = sealing.unseal(aes, value, sealing.aad(self.table, self.column, stored["row_uid"]))
        return datetime.fromisoformat(opened) if self.moment else opened


async def open_instances(instances: list) -> None:
    """Load the keys of these instances' sealed values (one query for them all); the values
    open when read."""
    pending: list[Model] = []
    key_ids = set()
    for instance in _loaded(instances):
        spec = sealed_fields(type(instance))
        if not spec:
            continue
        stored = instance.__dict__
        pending.append(instance)
        for attr, _, _ in spec:
            value = stored.get(attr)
            if type(value) is str and value.startswith(sealing.PREFIX):
                key_ids.add(sealing.key_id_of(value))
    if not key_ids:
        return
    found = await keystore.load(key_ids)
    for instance in pending:
        instance.__dict__["_mandi_keys"] = found


async def _execute_select(
    self: BaseExecutor, sql: str, values: Any = None, custom_fields: Any = None
):
    instances = await _original_select(self, sql, values, custom_fields)
    if instances and (sealed_fields(self.model) or self.select_related_idx):
        await open_instances(instances)
    return instances


def install(models: dict[str, type]) -> None:
    """Hook sealing into every model that has sealed fields (idempotent)."""
    BaseExecutor.execute_select = _execute_select  # type: ignore[method-assign]
    for model in models.values():
        _SEALED.pop(model, None)
        if not sealed_fields(model):
            continue
        table = model._meta.db_table  # type: ignore[attr-defined]
        for attr, column, moment in sealed_fields(model):
            setattr(model, attr, SealedAttribute(table, attr, column, moment))
        model.register_listener(Signals.pre_save, _pre_save)  # type: ignore[attr-defined]
        model.register_listener(Signals.post_save, _post_save)  # type: ignore[attr-defined]


async def open_raw(table: str, column: str, row_uid: str, value: str) -> str | None:
    """Open one sealed value read straight from a table (a backup, an export): None when its
    key was destroyed. Raises ``Undecryptable`` for a value altered or moved."""
    found = await keystore.load([sealing.key_id_of(value)])
    aes = found.get(sealing.key_id_of(value))
    if aes is None:
        return None
    return sealing.unseal(aes, value, sealing.aad(table, column, row_uid))
