"""Mutations: mfaEnrollStart, mfaEnrollConfirm, mfaDisable, mfaRecoveryCodesRegenerate.

Every one needs a recent sign-in or re-authentication (step-up).
"""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from api.accounts.user_mutations import OkPayload
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
            secret, uri = await mfa.begin_enrolment(await _stepped_up_user(info))
            return MfaEnrollment(secret=secret, provisioning_uri=uri)

        enrollment, errors = await attempt(run)
        return MfaEnrollStartPayload(enrollment=enrollment, errors=errors)

    @strawberry.mutation
    async def mfa_enroll_confirm(self, info: Info, code: str) -> RecoveryCodesPayload:
        async def run() -> list[str]:
            return await mfa.confirm_enrolment(await _stepped_up_user(info), code)

        codes, errors = await attempt(run)
        return RecoveryCodesPayload(recovery_codes=codes, errors=errors)

    @strawberry.mutation(description="Turn MFA off; needs a current code or a recovery code.")
    async def mfa_disable(self, info: Info, code: str) -> OkPayload:
        async def run() -> bool:
            await mfa.disable(await _stepped_up_user(info), code)
            return True

        ok, errors = await attempt(run)
        return OkPayload(ok=bool(ok), errors=errors)

    @strawberry.mutation(description="Replace the recovery codes; the old ones stop working.")
    async def mfa_recovery_codes_regenerate(self, info: Info) -> RecoveryCodesPayload:
        async def run() -> list[str]:
            return await mfa.regenerate_recovery_codes(await _stepped_up_user(info))

        codes, errors = await attempt(run)
        return RecoveryCodesPayload(recovery_codes=codes, errors=errors)
