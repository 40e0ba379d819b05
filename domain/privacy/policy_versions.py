"""Privacy policy versions: publishing one marked material tells every user (outbox) and asks
each to accept it; acceptances are recorded (which user, which version, when)."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.exceptions import IntegrityError
from tortoise.models import Model

from domain.accounts.models import User, UserStatus
from domain.errors import Conflict, NotFound, ValidationFailed
from domain.personal import NO_PERSONAL_DATA
from domain.privacy.models import GrantSubject, PrivacyNotice

if TYPE_CHECKING:
    from domain.accounts.models import User


class PrivacyPolicyVersion(Model):
    id = fields.IntField(primary_key=True)
    version = fields.CharField(max_length=32, unique=True)
    material = fields.BooleanField()
    text_digest = fields.CharField(max_length=64)  # SHA-256 of the published text
    published_at = fields.DatetimeField()
    published_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "mandi.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    published_by_id: int | None

    personal_data = NO_PERSONAL_DATA.because("a policy's version and digest")

    class Meta:
        table = "privacy_policy_version"


class PolicyAcceptance(Model):
    id = fields.BigIntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "mandi.User", related_name=False, on_delete=fields.CASCADE
    )
    user_id: int
    policy: fields.ForeignKeyRelation[PrivacyPolicyVersion] = fields.ForeignKeyField(
        "mandi.PrivacyPolicyVersion", related_name=False, on_delete=fields.CASCADE
    )
    policy_id: int
    accepted_at = fields.DatetimeField(auto_now_add=True)

    personal_data = NO_PERSONAL_DATA.because("which user accepted which version, by id")

    class Meta:
        table = "policy_acceptance"
        unique_together = (("user", "policy"),)


async def latest() -> PrivacyPolicyVersion | None:
    return await PrivacyPolicyVersion.all().order_by("-published_at", "-id").first()


async def publish(
    *, version: str, material: bool, text: str, by_user_id: int | None
) -> tuple[PrivacyPolicyVersion, int]:
    """Publish a version; a material one queues a notice to every active user. Returns the
    version and how many were told."""
    name = version.strip()
    if not 1 <= len(name) <= 32:
        raise ValidationFailed("1 to 32 characters", field="version")
    if not 1 <= len(text) <= 200_000:
        raise ValidationFailed("the policy's text, at most 200,000 characters", field="text")
    try:
        published = await PrivacyPolicyVersion.create(
            version=name,
            material=material,
            text_digest=hashlib.sha256(text.encode()).hexdigest(),
            published_at=datetime.now(UTC),
            published_by_id=by_user_id,
        )
    except IntegrityError:
        raise Conflict("that version is published already", field="version") from None
    told = 0
    if material:
        user_ids = await User.filter(status=UserStatus.ACTIVE).values_list("id", flat=True)
        await PrivacyNotice.bulk_create(
            [
                PrivacyNotice(
                    subject_kind=GrantSubject.USER,
                    subject_id=user_id,
                    template="policy.material_change",
                    facts={"version": published.version},
                )
                for user_id in user_ids
            ],
            batch_size=1000,
        )
        told = len(user_ids)
    return published, told


async def acceptance_required(user_id: int) -> PrivacyPolicyVersion | None:
    """The newest material version the user has not accepted, if any."""
    newest = await PrivacyPolicyVersion.filter(material=True).order_by("-published_at").first()
    if newest is None:
        return None
    done = await PolicyAcceptance.filter(user_id=user_id, policy_id=newest.id).exists()
    return None if done else newest


async def accept(*, user_id: int, version: str) -> PolicyAcceptance:
    name = version.strip()
    # a name no version can have is unknown (the column's length would refuse the look-up)
    policy = await PrivacyPolicyVersion.filter(version=name).first() if len(name) <= 32 else None
    if policy is None:
        raise NotFound("PrivacyPolicyVersion", field="version")
    found = await PolicyAcceptance.filter(user_id=user_id, policy_id=policy.id).first()
    return found or await PolicyAcceptance.create(user_id=user_id, policy_id=policy.id)
