"""Organizations (the sellers), users, their memberships and platform roles, and web sessions."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from domain.crypto.fields import BlindIndexField, RowUidField, SealedField
from domain.personal import Category, PersonalData, Subject, SubjectKind

_TOKEN_HASH = "a SHA-256 of a random secret token: looked up by equality, reveals nothing"  # noqa: S105


class OrgRole(StrEnum):
    OWNER = "owner"
    ADMIN = "admin"
    MANAGER = "manager"
    STAFF = "staff"
    VIEWER = "viewer"


class PlatformRole(StrEnum):
    PLATFORM_ADMIN = "platform_admin"
    SUPPORT_AGENT = "support_agent"
    SECURITY_REVIEWER = "security_reviewer"
    PRIVACY_OFFICER = "privacy_officer"


class UserStatus(StrEnum):
    PENDING = "pending"  # signed up, the emailed link not yet followed: cannot sign in
    ACTIVE = "active"
    SUSPENDED = "suspended"
    ERASED = "erased"


class Organization(Model):
    id = fields.IntField(primary_key=True)
    legal_name = fields.CharField(max_length=200)
    trade_name = fields.CharField(max_length=200, null=True)
    gstin = SealedField(null=True)
    # Not unique: a GSTIN already registered is taken like a new one (saying it exists would
    # tell who is a seller here); the organizations that had it are told (services.py).
    gstin_index = BlindIndexField("gstin", null=True, db_index=True)
    address_line1 = SealedField(null=True)
    address_line2 = SealedField(null=True)
    city = SealedField(null=True)
    state = SealedField(null=True)
    postal_code = SealedField(null=True)
    country = fields.CharField(max_length=2, default="IN")
    created_at = fields.DatetimeField(auto_now_add=True)
    row_uid = RowUidField(null=True)

    # A sole proprietor's GSTIN embeds their PAN and the business address may be their home.
    personal_data = PersonalData(
        subject=Subject(SubjectKind.ORGANIZATION),
        fields={
            "gstin": Category.TAX_ID,
            "address_line1": Category.CONTACT_ADDRESS,
            "address_line2": Category.CONTACT_ADDRESS,
            "city": Category.CONTACT_ADDRESS,
            "state": Category.CONTACT_ADDRESS,
            "postal_code": Category.CONTACT_ADDRESS,
        },
    )

    class Meta:
        table = "organization"


class User(Model):
    id = fields.IntField(primary_key=True)
    username = SealedField()
    username_index = BlindIndexField("username", unique=True)
    email = SealedField()
    email_index = BlindIndexField("email", unique=True)
    phone = SealedField(null=True)
    full_name = SealedField()
    password_hash = fields.CharField(max_length=255, null=True)
    adult_attested_at = SealedField(moment=True)
    country = SealedField()
    locale = fields.CharField(max_length=10, default="en-IN")
    status = fields.CharEnumField(UserStatus, max_length=16, default=UserStatus.ACTIVE)
    password_changed_at = fields.DatetimeField(null=True)
    # TOTP secret, AES-GCM encrypted with a key that never lives in the database
    mfa_secret_encrypted = fields.CharField(max_length=255, null=True)
    mfa_enabled_at = fields.DatetimeField(null=True)
    mfa_last_step = fields.BigIntField(null=True)  # last accepted TOTP time step (no replays)
    created_at = fields.DatetimeField(auto_now_add=True)
    row_uid = RowUidField(null=True)

    personal_data = PersonalData(
        subject=Subject(SubjectKind.USER),
        fields={
            "username": Category.USERNAME,
            "email": Category.CONTACT_EMAIL,
            "phone": Category.CONTACT_PHONE,
            "full_name": Category.NAME,
            "password_hash": Category.CREDENTIALS,
            "mfa_secret_encrypted": Category.CREDENTIALS,
            "adult_attested_at": Category.AGE_ATTESTATION,
            "country": Category.LOCATION_COUNTRY,
        },
        unsealed={
            "password_hash": "an argon2id hash: one-way, salted, verified in memory",
            "mfa_secret_encrypted": "AES-256-GCM under the data key (domain/secretbox.py), "
            "bound to its row; deleted, not shredded, when MFA is turned off or on erasure",
        },
    )

    class Meta:
        table = "user_account"


class Membership(Model):
    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "mandi.User", related_name="memberships", on_delete=fields.CASCADE
    )
    user_id: int
    organization: fields.ForeignKeyRelation[Organization] = fields.ForeignKeyField(
        "mandi.Organization", related_name="memberships", on_delete=fields.CASCADE
    )
    organization_id: int
    role = fields.CharEnumField(OrgRole, max_length=16)
    created_at = fields.DatetimeField(auto_now_add=True)

    # About a person (their role), holding no personal value: the user is named by id.
    personal_data = PersonalData(
        subject=Subject(SubjectKind.USER, via="user_id"),
        reason="links a user id to an organization and a role",
    )

    class Meta:
        table = "membership"
        unique_together = (("user", "organization"),)


class PlatformRoleGrant(Model):
    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "mandi.User", related_name="platform_roles", on_delete=fields.CASCADE
    )
    user_id: int
    role = fields.CharEnumField(PlatformRole, max_length=32)
    granted_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "mandi.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    granted_by_id: int | None
    created_at = fields.DatetimeField(auto_now_add=True)

    personal_data = PersonalData(
        subject=Subject(SubjectKind.USER, via="user_id"), reason="links user ids to a platform role"
    )

    class Meta:
        table = "platform_role_grant"
        unique_together = (("user", "role"),)


# A signed-in browser. Only a hash of the opaque cookie token is stored.
class WebSession(Model):
    id = fields.BigIntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "mandi.User", related_name="sessions", on_delete=fields.CASCADE, db_index=True
    )
    user_id: int
    token_hash = fields.CharField(max_length=64, unique=True)
    ip = SealedField(null=True)
    user_agent = SealedField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    row_uid = RowUidField(null=True)
    last_seen_at = fields.DatetimeField()
    expires_at = fields.DatetimeField()
    revoked_at = fields.DatetimeField(null=True)
    reauthenticated_at = fields.DatetimeField(null=True)  # for step-up of sensitive operations

    personal_data = PersonalData(
        subject=Subject(SubjectKind.USER, via="user_id"),
        fields={
            "token_hash": Category.CREDENTIALS,
            "ip": Category.DEVICE_IP,
            "user_agent": Category.DEVICE_USER_AGENT,
        },
        unsealed={"token_hash": _TOKEN_HASH},
    )

    class Meta:
        table = "web_session"
