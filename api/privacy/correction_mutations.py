"""Mutations: viewerProfileCorrect (your own fields), emailChangeConfirm (your new address, from
its mailbox), customerCorrect (a buyer's, by the seller).

Only the fields given change; each personal field needs the policy's "update" field rule (the
person for themselves; a seller's managers and up for its buyers), and the audit entry names
the fields changed. Correcting your own data needs a recent sign-in. Your own new email address
changes only once the link mailed to it is used (domain/accounts/email_change.py): changed at
once, it would tell whether another account has it and let anyone take an address they do not
own.
"""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from api.access import authorize, authorize_fields, get_readable
from api.accounts.user_mutations import OkPayload, UserPayload
from api.context import RequestContext
from api.errors import MutationError
from api.orders.types import Customer
from api.payloads import payload
from audit.subjects import describe
from domain.accounts import email_change
from domain.accounts.models import User as UserModel
from domain.orders.models import Customer as CustomerModel
from domain.privacy import correction


@strawberry.input
class ViewerProfileCorrectInput:
    full_name: str | None = None
    email: str | None = None
    phone: str | None = strawberry.field(default=None, description="Empty to remove it.")
    country: str | None = None
    locale: str | None = strawberry.field(default=None, description="Language of messages.")


@strawberry.input
class CustomerCorrectInput:
    customer_id: strawberry.ID
    name: str | None = None
    email: str | None = strawberry.field(default=None, description="Empty to remove it.")
    phone: str | None = strawberry.field(default=None, description="Empty to remove it.")


@strawberry.type
class CustomerPayload:
    customer: Customer | None
    errors: list[MutationError]


def _given(input_: object, names: tuple[str, ...]) -> dict[str, object]:
    return {name: getattr(input_, name) for name in names if getattr(input_, name) is not None}


def _note(ctx: RequestContext, obj: object, changed: list[str]) -> None:
    if changed:
        ctx.audit.note("privacy.correct", **describe(obj), fields=changed)


@strawberry.type
class CorrectionMutations:
    @strawberry.mutation(
        description="Correct your own personal data (needs a recent sign-in). A new `email` "
        "takes effect once confirmed: a link is mailed to it (`emailChangeConfirm`), whether or "
        "not another account has that address (then the link answers CONFLICT)."
    )
    @payload(UserPayload)
    async def viewer_profile_correct(
        self, info: Info, input: ViewerProfileCorrectInput
    ) -> UserModel:
        ctx: RequestContext = info.context
        ctx.require_step_up()
        user = await UserModel.get(id=ctx.principal.user_id)
        authorize(ctx, "update", user)
        given = _given(input, ("full_name", "email", "phone", "country", "locale"))
        email = given.pop("email", None)
        changes = correction.user_changes(user, given)
        new_email = None if email is None else email_change.new_address(str(email))
        asked = changes if email is None else {**changes, "email": email}
        authorize_fields(ctx, "update", user, asked)
        changed = await correction.apply(user, changes, actor_id=ctx.principal.user_id)
        _note(ctx, user, changed)
        if new_email is not None and new_email != user.email:
            mailed = await email_change.request_change(
                user=user,
                email=new_email,
                confirm_url=f"{ctx.settings.public_url}/confirm-email",
                mails_per_hour=ctx.settings.account_mails_per_hour,
            )
            # nothing changed yet: no fields; the address is never looked up here
            ctx.audit.note("user.email_change_request", **describe(user), detail={"mailed": mailed})
        return user

    @strawberry.mutation(
        description="Make the address a link was mailed to (by `viewerProfileCorrect`) your "
        "account's address, with the link's token; the old address is told. INVALID_TOKEN for "
        "a used, replaced or expired link; CONFLICT if another account took the address since."
    )
    @payload(OkPayload)
    async def email_change_confirm(self, info: Info, token: str) -> bool:
        ctx: RequestContext = info.context
        user = await email_change.confirm_change(token=token)
        await correction.close_request(user, ["email"], actor_id=ctx.principal.user_id)
        ctx.audit.note("privacy.correct", **describe(user), fields=["email"])
        return True

    @strawberry.mutation(description="Correct a buyer's contact data at their request.")
    @payload(CustomerPayload)
    async def customer_correct(self, info: Info, input: CustomerCorrectInput) -> CustomerModel:
        ctx: RequestContext = info.context
        ctx.require_session()
        customer = await get_readable(ctx, CustomerModel, input.customer_id, field="customerId")
        changes = correction.customer_changes(customer, _given(input, ("name", "email", "phone")))
        authorize_fields(ctx, "update", customer, changes)
        changed = await correction.apply(customer, changes, actor_id=ctx.principal.user_id)
        _note(ctx, customer, changed)
        return customer
