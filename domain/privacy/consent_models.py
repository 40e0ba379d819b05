"""Consent, given and withdrawn as events, and the CCPA opt-out of sale or sharing."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from domain.personal import Category, PersonalData, Subject, SubjectKind

if TYPE_CHECKING:
    from domain.accounts.models import User


class ConsentPurpose(StrEnum):
    MARKETING_EMAIL = "marketing_email"
    ANALYTICS = "analytics"
    PERSONALIZATION = "personalization"
    COOKIES_FUNCTIONAL = "cookies_functional"
    COOKIES_ANALYTICS = "cookies_analytics"
    COOKIES_ADVERTISING = "cookies_advertising"
    SALE_OR_SHARING = "sale_or_sharing"  # CCPA: withdrawn = "do not sell or share"


class ConsentMethod(StrEnum):
    CHOICE = "choice"  # the person chose in the app
    OPT_OUT = "opt_out"  # the CCPA "do not sell or share" request
    GPC = "gpc"  # a Global Privacy Control signal (Sec-GPC: 1)


class ConsentEvent(Model):
    id = fields.BigIntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "mandi.User", related_name=False, on_delete=fields.CASCADE, db_index=True
    )
    user_id: int
    purpose = fields.CharEnumField(ConsentPurpose, max_length=24)
    granted = fields.BooleanField()
    method = fields.CharEnumField(ConsentMethod, max_length=8)
    policy_version = fields.CharField(max_length=32, null=True)
    notice_digest = fields.CharField(max_length=64, null=True)  # SHA-256 of the notice shown
    ip_truncated = fields.CharField(max_length=45, null=True)  # IPv4 /24, IPv6 /48
    created_at = fields.DatetimeField(auto_now_add=True)

    personal_data = PersonalData(
        subject=Subject(SubjectKind.USER, via="user_id"),
        fields={"ip_truncated": Category.DEVICE_IP},
        unsealed={
            "ip_truncated": "truncated to /24 (IPv4) or /48 (IPv6) when recorded: a network, "
            "not a device; kept as evidence of consent and anonymized on erasure"
        },
    )

    class Meta:
        table = "consent_event"
