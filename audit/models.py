"""Audit entries and signed checkpoints of the chain head. Both tables are append-only: the
ORM exposes no update path and database triggers refuse UPDATE, DELETE and TRUNCATE."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from tortoise import fields
from tortoise.models import Model

from domain.personal import NO_PERSONAL_DATA, Category, PersonalData, Subject, SubjectKind


class Outcome(StrEnum):
    ALLOWED = "allowed"
    DENIED = "denied"
    ERROR = "error"


class AppendOnly(Model):
    """Refuses the ORM's update and delete paths; the database refuses the rest."""

    async def save(self, *args, **kwargs):
        if not self._saved_in_db:
            return await super().save(*args, **kwargs)
        raise PermissionError(f"{type(self).__name__} is append-only")

    async def delete(self, *args, **kwargs):
        raise PermissionError(f"{type(self).__name__} is append-only")

    class Meta:
        abstract = True


class AuditEntry(AppendOnly):
    seq = fields.BigIntField(primary_key=True)  # assigned by the writer, never generated
    occurred_at = fields.DatetimeField()
    request_id = fields.CharField(max_length=32, null=True)
    actor_type = fields.CharField(max_length=16)
    actor_id = fields.IntField(null=True)
    on_behalf_of = fields.IntField(null=True)
    organization_id = fields.IntField(null=True, db_index=True)
    action = fields.CharField(max_length=64)
    resource_type = fields.CharField(max_length=64)
    resource_id = fields.CharField(max_length=64, null=True)
    fields_accessed: fields.JSONField[list[str]] = fields.JSONField(default=list)
    subject = fields.CharField(max_length=64, null=True)
    outcome = fields.CharField(max_length=8)
    justification = fields.CharField(max_length=500, null=True)
    ip = fields.CharField(max_length=45, null=True)
    user_agent = fields.CharField(max_length=300, null=True)
    # Chained when set (audit/chain.py OPTIONAL): a refusal summary's count, the entries whose
    # network details a request read.
    detail: fields.JSONField[dict[str, Any] | None] = fields.JSONField(null=True)
    prev_hash = fields.CharField(max_length=64)
    hash = fields.CharField(max_length=64)

    # The actor's network identity is personal data of the actor; entries keep it (security
    # logging) but never a value of the data they accessed.
    personal_data = PersonalData(
        subject=Subject(SubjectKind.USER, via="actor_id", when={"actor_type": "user"}),
        fields={"ip": Category.DEVICE_IP, "user_agent": Category.DEVICE_USER_AGENT},
        unsealed=dict.fromkeys(
            ("ip", "user_agent"),
            "security logging kept for its retention period: the hash chain covers the clear "
            "value (verify needs no keys, and survives the actor's erasure); never a value of "
            "the data accessed",
        ),
    )

    class Meta:
        table = "audit_entry"
        indexes = (("subject", "seq"), ("actor_type", "actor_id", "seq"), ("occurred_at",))


class AuditCheckpoint(AppendOnly):
    id = fields.IntField(primary_key=True)
    seq = fields.BigIntField(unique=True)
    head_hash = fields.CharField(max_length=64)
    created_at = fields.DatetimeField()
    key_id = fields.CharField(max_length=16)
    signature = fields.CharField(max_length=128)

    personal_data = NO_PERSONAL_DATA.because("a hash and its signature")

    class Meta:
        table = "audit_checkpoint"
