"""Support tickets a seller's user opens with Mandi's support team, and their messages."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from domain.crypto.fields import RowUidField, SealedField
from domain.personal import Category, PersonalData, Subject, SubjectKind

if TYPE_CHECKING:
    from domain.accounts.models import Organization, User


class TicketStatus(StrEnum):
    OPEN = "open"
    ANSWERED = "answered"
    CLOSED = "closed"


class Ticket(Model):
    id = fields.IntField(primary_key=True)
    organization: fields.ForeignKeyRelation[Organization] = fields.ForeignKeyField(
        "mandi.Organization", related_name="tickets", on_delete=fields.CASCADE, db_index=True
    )
    organization_id: int
    opened_by: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "mandi.User", related_name="tickets", on_delete=fields.RESTRICT
    )
    opened_by_id: int
    subject = SealedField()
    status = fields.CharEnumField(TicketStatus, max_length=16, default=TicketStatus.OPEN)
    created_at = fields.DatetimeField(auto_now_add=True)
    row_uid = RowUidField(null=True)
    updated_at = fields.DatetimeField(auto_now=True)

    personal_data = PersonalData(
        subject=Subject(SubjectKind.USER, via="opened_by_id"),
        fields={"subject": Category.COMMUNICATION},
    )

    class Meta:
        table = "ticket"


class TicketMessage(Model):
    id = fields.BigIntField(primary_key=True)
    organization: fields.ForeignKeyRelation[Organization] = fields.ForeignKeyField(
        "mandi.Organization", related_name=False, on_delete=fields.CASCADE
    )
    organization_id: int
    ticket: fields.ForeignKeyRelation[Ticket] = fields.ForeignKeyField(
        "mandi.Ticket", related_name="messages", on_delete=fields.CASCADE, db_index=True
    )
    ticket_id: int
    author: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "mandi.User", related_name="ticket_messages", on_delete=fields.RESTRICT
    )
    author_id: int
    body = SealedField()
    from_support = fields.BooleanField(default=False)
    created_at = fields.DatetimeField(auto_now_add=True)
    row_uid = RowUidField(null=True)

    personal_data = PersonalData(
        subject=Subject(SubjectKind.USER, via="author_id"),
        fields={"body": Category.COMMUNICATION},
    )

    class Meta:
        table = "ticket_message"
