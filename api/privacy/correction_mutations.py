"""Mutations: viewerProfileCorrect (your own fields), customerCorrect (a buyer's, by the seller).

Only the fields given change; each personal field needs the policy's "update" field rule (the
person for themselves; a seller's managers and up for its buyers), and the audit entry names
the fields changed. Correcting your own data needs a recent sign-in.
"""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from api.access import authorize, authorize_fields, get_readable
from api.accounts.user_mutations import UserPayload
from api.context import RequestContext
from api.errors import MutationError
from api.orders.types import Customer
from api.payloads import payload
from audit.subjects import describe
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
    @strawberry.mutation(description="Correct your own personal data (needs a recent sign-in).")
    @payload(UserPayload)
    async def viewer_profile_correct(
        self, info: Info, input: ViewerProfileCorrectInput
    ) -> UserModel:
        ctx: RequestContext = info.context
        ctx.require_step_up()
        user = await UserModel.get(id=ctx.principal.user_id)
        authorize(ctx, "update", user)
        given = _given(input, ("full_name", "email", "phone", "country", "locale"))
        changes = correction.user_changes(user, given)
        authorize_fields(ctx, "update", user, changes)
        changed = await correction.apply(user, changes, actor_id=ctx.principal.user_id)
        _note(ctx, user, changed)
        return user

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
