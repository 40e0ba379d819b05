"""Authentication records: MFA recovery codes, login challenges, password resets, partner
tokens, the email outbox and the login history. Secrets are stored only as hashes."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from domain.crypto.fields import BlindIndexField, RowUidField, SealedField
from domain.personal import NO_PERSONAL_DATA, Category, PersonalData, Subject, SubjectKind

if TYPE_CHECKING:
    from domain.accounts.models import Organization, User


_BY_USER = Subject(SubjectKind.USER, via="user_id")
_HASH = "a SHA-256 of a random secret: looked up by equality, reveals nothing"


class LoginOutcome(StrEnum):
    SUCCESS = "success"
    BAD_CREDENTIALS = "bad_credentials"
    MFA_REQUIRED = "mfa_required"
    MFA_FAILED = "mfa_failed"
    LOCKED = "locked"


class RecoveryCode(Model):
    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "mandi.User", related_name="recovery_codes", on_delete=fields.CASCADE, db_index=True
    )
    user_id: int
    code_hash = fields.CharField(max_length=64)
    used_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    personal_data = PersonalData(
        subject=_BY_USER, fields={"code_hash": Category.CREDENTIALS}, unsealed={"code_hash": _HASH}
    )

    class Meta:
        table = "recovery_code"


# The first factor passed, the second still due: a short-lived, single-use token.
class LoginChallenge(Model):
    id = fields.BigIntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "mandi.User", related_name=False, on_delete=fields.CASCADE
    )
    user_id: int
    token_hash = fields.CharField(max_length=64, unique=True)
    expires_at = fields.DatetimeField()
    used_at = fields.DatetimeField(null=True)

    personal_data = PersonalData(
        subject=_BY_USER,
        fields={"token_hash": Category.CREDENTIALS},
        unsealed={"token_hash": _HASH},
    )

    class Meta:
        table = "login_challenge"


class PasswordReset(Model):
    id = fields.BigIntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "mandi.User", related_name=False, on_delete=fields.CASCADE
    )
    user_id: int
    token_hash = fields.CharField(max_length=64, unique=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    expires_at = fields.DatetimeField()
    used_at = fields.DatetimeField(null=True)

    personal_data = PersonalData(
        subject=_BY_USER,
        fields={"token_hash": Category.CREDENTIALS},
        unsealed={"token_hash": _HASH},
    )

    class Meta:
        table = "password_reset"


# The emailed link that confirms a pending sign-up (the account is PENDING until it is used).
class SignUpConfirmation(Model):
    id = fields.BigIntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "mandi.User", related_name=False, on_delete=fields.CASCADE
    )
    user_id: int
    token_hash = fields.CharField(max_length=64, unique=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    expires_at = fields.DatetimeField()
    used_at = fields.DatetimeField(null=True)

    personal_data = PersonalData(
        subject=_BY_USER,
        fields={"token_hash": Category.CREDENTIALS},
        unsealed={"token_hash": _HASH},
    )

    class Meta:
        table = "sign_up_confirmation"


# A new email address waiting for its confirmation: it replaces the account's address only when
# the link mailed to it is used (domain/accounts/email_change.py).
class EmailChange(Model):
    id = fields.BigIntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "mandi.User", related_name=False, on_delete=fields.CASCADE
    )
    user_id: int
    new_email = SealedField()
    # the links one address received lately, whoever asked (a per-recipient mail limit)
    new_email_index = BlindIndexField("new_email", db_index=True)
    token_hash = fields.CharField(max_length=64, unique=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    expires_at = fields.DatetimeField()
    used_at = fields.DatetimeField(null=True)
    row_uid = RowUidField(null=True)

    personal_data = PersonalData(
        subject=_BY_USER,
        fields={"new_email": Category.CONTACT_EMAIL, "token_hash": Category.CREDENTIALS},
        unsealed={"token_hash": _HASH},
    )

    class Meta:
        table = "email_change"


# Mail waiting for a sender to deliver it. The body may carry a reset link, so it is encrypted.
class EmailOutbox(Model):
    id = fields.BigIntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "mandi.User", related_name=False, on_delete=fields.CASCADE
    )
    user_id: int
    to_address = SealedField()
    template = fields.CharField(max_length=64)
    body_encrypted = fields.TextField()
    created_at = fields.DatetimeField(auto_now_add=True)
    row_uid = RowUidField(null=True)
    sent_at = fields.DatetimeField(null=True)

    personal_data = PersonalData(
        subject=_BY_USER,
        fields={"to_address": Category.CONTACT_EMAIL, "body_encrypted": Category.CREDENTIALS},
        unsealed={"body_encrypted": "AES-256-GCM under the data key (domain/secretbox.py)"},
    )

    class Meta:
        table = "email_outbox"


class PartnerToken(Model):
    id = fields.IntField(primary_key=True)
    organization: fields.ForeignKeyRelation[Organization] = fields.ForeignKeyField(
        "mandi.Organization", related_name="partner_tokens", on_delete=fields.CASCADE
    )
    organization_id: int
    created_by: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "mandi.User", related_name="partner_tokens", on_delete=fields.CASCADE
    )
    created_by_id: int
    name = fields.CharField(max_length=100)
    prefix = fields.CharField(max_length=16, unique=True)
    secret_hash = fields.CharField(max_length=64)
    scopes: fields.JSONField[list[str]] = fields.JSONField()
    created_at = fields.DatetimeField(auto_now_add=True)
    expires_at = fields.DatetimeField()
    last_used_at = fields.DatetimeField(null=True)
    revoked_at = fields.DatetimeField(null=True)

    personal_data = NO_PERSONAL_DATA.because("a credential of an organization; secret hashed")

    class Meta:
        table = "partner_token"


class LoginEvent(Model):
    id = fields.BigIntField(primary_key=True)
    user: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "mandi.User",
        related_name="login_events",
        null=True,
        on_delete=fields.CASCADE,
        db_index=True,
    )
    user_id: int | None
    outcome = fields.CharEnumField(LoginOutcome, max_length=16)
    ip = SealedField(null=True)
    user_agent = SealedField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    row_uid = RowUidField(null=True)

    personal_data = PersonalData(
        subject=_BY_USER,
        fields={"ip": Category.DEVICE_IP, "user_agent": Category.DEVICE_USER_AGENT},
    )

    class Meta:
        table = "login_event"
