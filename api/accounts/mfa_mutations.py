"""Mutations: mfaEnrollStart, mfaEnrollConfirm, mfaDisable, mfaRecoveryCodesRegenerate.

Every one needs a recent sign-in or re-authentication (step-up).
"""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from api.accounts.user_mutations import OkPayload
from api.audit_notes import wrote
from api.errors import MutationError
from api.payloads import attempt
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
    async def mfa_enroll_start(self, info: Info) -> MfaEnrollStartPayload:
        async def run() -> MfaEnrollment:
            user = await _stepped_up_user(info)
            secret, uri = await mfa.begin_enrolment(user)
            wrote(info.context, user, ["mfa_secret_encrypted"], action="mfa.enroll_start")
            return MfaEnrollment(secret=secret, provisioning_uri=uri)

        enrollment, errors = await attempt(run)
        return MfaEnrollStartPayload(enrollment=enrollment, errors=errors)

    @strawberry.mutation
    async def mfa_enroll_confirm(self, info: Info, code: str) -> RecoveryCodesPayload:
        async def run() -> list[str]:
            user = await _stepped_up_user(info)
            codes = await mfa.confirm_enrolment(user, code)
            info.context.audit.note("mfa.enable", "User", user.id, subject=f"user:{user.id}")
            return codes

        codes, errors = await attempt(run)
        return RecoveryCodesPayload(recovery_codes=codes, errors=errors)

    @strawberry.mutation(description="Turn MFA off; needs a current code or a recovery code.")
    async def mfa_disable(self, info: Info, code: str) -> OkPayload:
        async def run() -> bool:
            user = await _stepped_up_user(info)
            await mfa.disable(user, code)
            info.context.audit.note("mfa.disable", "User", user.id, subject=f"user:{user.id}")
            return True

        ok, errors = await attempt(run)
        return OkPayload(ok=bool(ok), errors=errors)

    @strawberry.mutation(description="Replace the recovery codes; the old ones stop working.")
    async def mfa_recovery_codes_regenerate(self, info: Info) -> RecoveryCodesPayload:
        async def run() -> list[str]:
            user = await _stepped_up_user(info)
            codes = await mfa.regenerate_recovery_codes(user)
            info.context.audit.note(
                "mfa.recovery_codes", "User", user.id, subject=f"user:{user.id}"
            )
            return codes

        codes, errors = await attempt(run)
        return RecoveryCodesPayload(recovery_codes=codes, errors=errors)
