"""Mutations: userSignUp, passwordChange, passwordResetRequest, passwordResetComplete."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from api.access import record_write
from api.accounts.session_mutations import start_session
from api.accounts.types import User
from api.errors import MutationError
from api.payloads import payload
from domain.accounts import passwords_flow
from domain.accounts.models import User as UserModel
from domain.accounts.password_policy import check_password
from domain.accounts.services import create_user


def note_revoked_tokens(ctx, user_id: int, revoked: list[tuple[int, int]], *, reason: str) -> None:
    """One ``token.revoke`` entry per partner token a new password revoked, in its
    organization's log (its owners see it), naming the user and why; never the secret."""
    for token_id, organization_id in revoked:
        ctx.audit.note(
            "token.revoke",
            "PartnerToken",
            token_id,
            subject=f"user:{user_id}",
            organization_id=organization_id,
            detail={"reason": reason},
        )


@strawberry.input
class UserSignUpInput:
    username: str
    email: str
    password: str
    full_name: str
    country: str
    adult_attested: bool = strawberry.field(
        description="I confirm I am 18 or over. Sign-up is refused, storing nothing, otherwise."
    )
    phone: str | None = None
    locale: str = "en-IN"


@strawberry.type
class UserPayload:
    user: User | None
    errors: list[MutationError]


@strawberry.type
class OkPayload:
    ok: bool = False
    errors: list[MutationError]


@strawberry.type
class UserMutations:
    @strawberry.mutation(description="Create an account and sign in to it.")
    @payload(UserPayload)
    async def user_sign_up(self, info: Info, input: UserSignUpInput) -> UserModel:
        check_password(input.password, personal=(input.username, input.email))
        user = await create_user(
            username=input.username,
            email=input.email,
            full_name=input.full_name,
            password=input.password,
            country=input.country,
            adult_attested=input.adult_attested,
            phone=input.phone,
            locale=input.locale,
        )
        record_write(info.context, user, action="create")
        await start_session(info.context, user)
        return user

    @strawberry.mutation(
        description="Set a new password (needs a recent sign-in or sessionReauthenticate); "
        "signs out every other session."
    )
    @payload(OkPayload)
    async def password_change(self, info: Info, new_password: str) -> bool:
        ctx = info.context
        session = ctx.require_step_up()
        user = await UserModel.get(id=ctx.principal.user_id)
        revoked = await passwords_flow.change_password(
            user=user, new_password=new_password, keep_session_id=session.id
        )
        record_write(ctx, user, ["password_hash"], action="password.change")
        note_revoked_tokens(ctx, user.id, revoked, reason="password.change")
        return True

    @strawberry.mutation(
        description="Mail a reset link if an account has this email. Always answers ok, so it "
        "does not reveal who has an account."
    )
    async def password_reset_request(self, info: Info, email: str) -> OkPayload:
        reset_url = f"{info.context.settings.public_url}/reset-password"
        done = await passwords_flow.request_reset(
            email=email,
            reset_url=reset_url,
            mails_per_hour=info.context.settings.account_mails_per_hour,
        )
        # Noted either way (no account: no id, no subject), so both answers write alike.
        user = done.user
        user_id = user.id if user else None
        subject = f"user:{user.id}" if user else None
        detail = {"mailed": False, "reason": "per-recipient limit"}
        limited = user is not None and not done.mailed
        info.context.audit.note(
            "password.reset_request",
            "User",
            user_id,
            subject=subject,
            detail=detail if limited else None,
        )
        return OkPayload(ok=True, errors=[])

    @strawberry.mutation(description="Set a new password with a reset token; signs out everywhere.")
    @payload(OkPayload)
    async def password_reset_complete(self, info: Info, token: str, new_password: str) -> bool:
        user, revoked = await passwords_flow.complete_reset(token=token, new_password=new_password)
        record_write(info.context, user, ["password_hash"], action="password.reset")
        note_revoked_tokens(info.context, user.id, revoked, reason="password.reset")
        return True
