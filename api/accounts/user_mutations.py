"""Mutations: userSignUp, userSignUpConfirm, passwordChange, passwordResetRequest,
passwordResetComplete."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from api.access import record_write
from api.accounts.session_mutations import start_session
from api.accounts.types import User
from api.errors import MutationError
from api.payloads import payload
from domain.accounts import passwords_flow, sign_up
from domain.accounts.models import User as UserModel
from domain.accounts.password_policy import check_password


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
    @strawberry.mutation(
        description='Start a sign-up: always answers ok ("check your email"), so it does not '
        "reveal who has an account. A new address gets a link (userSignUpConfirm) that activates "
        "the account; an address that has one gets a notice instead. A taken username is "
        "refused (usernames are public)."
    )
    @payload(OkPayload)
    async def user_sign_up(self, info: Info, input: UserSignUpInput) -> bool:
        ctx = info.context
        check_password(input.password, personal=(input.username, input.email))
        done = await sign_up.request_sign_up(
            username=input.username,
            email=input.email,
            full_name=input.full_name,
            password=input.password,
            country=input.country,
            adult_attested=input.adult_attested,
            phone=input.phone,
            locale=input.locale,
            confirm_url=f"{ctx.settings.public_url}/confirm-sign-up",
            sign_in_url=f"{ctx.settings.public_url}/sign-in",
            mails_per_hour=ctx.settings.account_mails_per_hour,
        )
        # One entry either way, about the account concerned (never shown to the caller).
        detail = {"pending": done.pending, "mailed": done.mailed}
        ctx.audit.note(
            "user.sign_up",
            "User",
            done.user.id,
            subject=f"user:{done.user.id}",
            fields=["username", "email", "full_name", "phone", "country"] if done.pending else (),
            detail=detail,
        )
        return True

    @strawberry.mutation(
        description="Confirm a sign-up with the emailed link's token and the password the "
        "sign-up was made with, and sign in. A wrong password is UNAUTHENTICATED at `password` "
        "and leaves the link usable."
    )
    @payload(UserPayload)
    async def user_sign_up_confirm(self, info: Info, token: str, password: str) -> UserModel:
        user = await sign_up.confirm_sign_up(token=token, password=password)
        info.context.audit.note("user.confirm", "User", user.id, subject=f"user:{user.id}")
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
