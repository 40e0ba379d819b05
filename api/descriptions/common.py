"""Descriptions: the roots, mutation errors and the shapes every area shares."""

from __future__ import annotations

DESCRIPTIONS: dict[str, str] = {
    "Query": (
        "Every read. Root fields are nullable: a look-up that finds nothing, or that you may not "
        "read, is null with NOT_FOUND at its path, and the rest of the response stands. Ids are "
        "opaque global ids; lists are Relay connections, newest first."
    ),
    "Mutation": (
        "Every write, named `<entity><Verb>`. Each answers a payload: the object when done, or "
        "`errors` (stable codes) when an expected failure stopped it, in which case nothing was "
        "written."
    ),
    "MutationError.code": "What went wrong, as a stable code to branch on.",
    "MutationError.message": "A sentence for people; it never echoes an input value.",
    "ErrorCode.VALIDATION": "An input is malformed or out of range; `field` names it.",
    "ErrorCode.NOT_FOUND": ("No such object, or one you may not read: the two answer alike."),
    "ErrorCode.CONFLICT": (
        "The change clashes with the current state: a duplicate (SKU, warehouse code, order, "
        "email), something done already, or a row changed meanwhile (reload and retry)."
    ),
    "ErrorCode.FORBIDDEN": "You may see the object but not do this to it.",
    "ErrorCode.INVALID_TRANSITION": "The object cannot move to that status from its current one.",
    "ErrorCode.INSUFFICIENT_STOCK": (
        "The adjustment would take stock on hand below the reserved quantity."
    ),
    "ErrorCode.ARCHIVED": "The product is archived: it can no longer change or receive stock.",
    "ErrorCode.TICKET_CLOSED": "The ticket is closed.",
    "ErrorCode.UNAUTHENTICATED": "Sign in first, or the credentials given are wrong.",
    "ErrorCode.RATE_LIMITED": "Too many attempts; wait `retryAfterSeconds` where given.",
    "ErrorCode.STEP_UP_REQUIRED": (
        "Needs a recent sign-in: call `sessionReauthenticate`, then retry within 10 minutes."
    ),
    "ErrorCode.MFA_INVALID": "The second-factor or recovery code is not right.",
    "ErrorCode.MFA_NOT_ENROLLED": "The account has no authenticator enrolled.",
    "ErrorCode.INVALID_TOKEN": "A link's token or a challenge is unknown, used or expired.",
    "ErrorCode.SERVICE_UNAVAILABLE": "Something Mandi depends on is unavailable; retry later.",
    "ErrorCode.MARKETPLACE_REFUSED": (
        "The marketplace refused the credentials or the request; `message` says how."
    ),
    "ErrorCode.MARKETPLACE_UNAVAILABLE": "The marketplace could not be reached; retry later.",
    "Query.node(id)": "A global id, as any object's `id` gives it.",
    "Query.nodes(ids)": "Global ids, at most 100.",
    "OkPayload.ok": "True when done (and always true where the answer must not tell).",
}
