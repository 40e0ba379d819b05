"""Mutations: mfaEnrollStart, mfaEnrollConfirm, mfaDisable, mfaRecoveryCodesRegenerate.

Every one needs a recent sign-in or re-authentication (step-up).
"""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from api.access import record_write
from api.accounts.user_mutations import OkPayload
from api.errors import MutationError
from api.payloads import payload
from domain.accounts import mfa
from domain.accounts.models import User


@strawberry.type(description="Add the secret to an authenticator app, then confirm a code.")
class MfaEnrollment:
    secret: str
    provisioning_uri: str


@strawberry.type
class MfaEnrollStartPayload:
    enrollment: MfaEnrollment | None
    errors: list[MutationError]


@strawberry.type
class RecoveryCodesPayload:
    recovery_codes: list[str] | None = strawberry.field(
        description="Ten single-use codes, shown only now: store them safely."
    )
    errors: list[MutationError]


async def _stepped_up_user(info: Info) -> User:
    info.context.require_step_up()
    return await User.get(id=info.context.principal.user_id)


@strawberry.type
class MfaMutations:
    @strawberry.mutation
    @payload(MfaEnrollStartPayload)
    async def mfa_enroll_start(self, info: Info) -> MfaEnrollment:
        user = await _stepped_up_user(info)
        secret, uri = await mfa.begin_enrolment(user)
        record_write(info.context, user, ["mfa_secret_encrypted"], action="mfa.enroll_start")
        return MfaEnrollment(secret=secret, provisioning_uri=uri)

    @strawberry.mutation
    @payload(RecoveryCodesPayload)
    async def mfa_enroll_confirm(self, info: Info, code: str) -> list[str]:
        user = await _stepped_up_user(info)
        codes = await mfa.confirm_enrolment(user, code)
        info.context.audit.note("mfa.enable", "User", user.id, subject=f"user:{user.id}")
        return codes

    @strawberry.mutation(description="Turn MFA off; needs a current code or a recovery code.")
    @payload(OkPayload)
    async def mfa_disable(self, info: Info, code: str) -> bool:
        user = await _stepped_up_user(info)
        await mfa.disable(user, code)
        info.context.audit.note("mfa.disable", "User", user.id, subject=f"user:{user.id}")
        return True

    @strawberry.mutation(description="Replace the recovery codes; the old ones stop working.")
    @payload(RecoveryCodesPayload)
    async def mfa_recovery_codes_regenerate(self, info: Info) -> list[str]:
        user = await _stepped_up_user(info)
        codes = await mfa.regenerate_recovery_codes(user)
        info.context.audit.note("mfa.recovery_codes", "User", user.id, subject=f"user:{user.id}")
        return codes
