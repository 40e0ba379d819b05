"""Bad input for ticketOpen/Reply/Close and organizationCreate/Update: coded, nothing written."""

from __future__ import annotations

import pytest

from tests.support import (
    ORGANIZATION_CREATE,
    ORGANIZATION_UPDATE,
    TICKET_CLOSE,
    TICKET_OPEN,
    TICKET_REPLY,
    BadInput,
    assert_rejected,
    bad_gstin_check_digit,
    gid,
)

MISSING_PK = 2_000_000_000


def _open(**overrides):
    return lambda w: {
        "input": {"organizationId": w.team.org_id, "subject": "Help", "body": "Hi", **overrides}
    }


def _reply(body="Thanks", ticket_id=lambda w: gid("Ticket", w.ticket.id)):
    return lambda w: {"id": ticket_id(w), "body": body}


def _close(ticket_id):
    return lambda w: {"id": ticket_id(w)}


def _new_org(**overrides):
    return lambda w: {"input": {"legalName": "Nova Traders", **overrides}}


def _update_org(**changes):
    return lambda w: {"input": {"id": w.team.org_id, **changes}}


def _update_org_id(org_id):
    return lambda w: {"input": {"id": org_id(w), "city": "Pune"}}


NOT_FOUND_TICKET_IDS = {
    "missing": lambda w: gid("Ticket", MISSING_PK),
    "beyond-int32": lambda w: gid("Ticket", 2**31),
    "wrong-type": lambda w: gid("Order", w.order.id),
    "garbage": lambda w: "💥",
}
BAD_GSTINS = {
    "check-digit": bad_gstin_check_digit,
    "short": lambda: "29AAGCB7383J1Z",
    "shape": lambda: "AAAAAAAAAAAAAAA",
    "no-z": lambda: "29AAGCB7383J1X4",
}

CASES = [
    BadInput("open/subject-201", TICKET_OPEN, _open(subject="s" * 201), "VALIDATION", "subject"),
    BadInput("open/subject-blank", TICKET_OPEN, _open(subject=""), "VALIDATION", "subject"),
    BadInput("open/body-10001", TICKET_OPEN, _open(body="b" * 10_001), "VALIDATION", "body"),
    BadInput("open/body-blank", TICKET_OPEN, _open(body=" \n "), "VALIDATION", "body"),
    BadInput("open/body-control", TICKET_OPEN, _open(body="a\x07"), "VALIDATION", "body"),
    BadInput("open/body-int", TICKET_OPEN, _open(body=5), "BAD_USER_INPUT"),
    BadInput(
        "open/org-wrong-type",
        TICKET_OPEN,
        _open(organizationId="VGlja2V0OjE"),
        "NOT_FOUND",
        "organizationId",
    ),
    BadInput("reply/body-10001", TICKET_REPLY, _reply("b" * 10_001), "VALIDATION", "body"),
    BadInput("reply/body-blank", TICKET_REPLY, _reply(""), "VALIDATION", "body"),
    BadInput("reply/body-null", TICKET_REPLY, _reply(None), "BAD_USER_INPUT"),
    *[
        BadInput(f"reply/{kind}", TICKET_REPLY, _reply(ticket_id=tid), "NOT_FOUND", "id")
        for kind, tid in NOT_FOUND_TICKET_IDS.items()
    ],
    *[
        BadInput(f"close/{kind}", TICKET_CLOSE, _close(tid), "NOT_FOUND", "id")
        for kind, tid in NOT_FOUND_TICKET_IDS.items()
    ],
    BadInput("close/id-list", TICKET_CLOSE, _close(lambda w: ["x"]), "BAD_USER_INPUT"),
    *[
        BadInput(
            f"org-create/gstin-{kind}",
            ORGANIZATION_CREATE,
            lambda w, make=make: {"input": {"legalName": "Nova", "gstin": make()}},
            "VALIDATION",
            "gstin",
        )
        for kind, make in BAD_GSTINS.items()
    ],
    BadInput(
        "org-create/name-201",
        ORGANIZATION_CREATE,
        _new_org(legalName="n" * 201),
        "VALIDATION",
        "legalName",
    ),
    BadInput(
        "org-create/name-blank",
        ORGANIZATION_CREATE,
        _new_org(legalName=""),
        "VALIDATION",
        "legalName",
    ),
    BadInput(
        "org-create/country", ORGANIZATION_CREATE, _new_org(country="IND"), "VALIDATION", "country"
    ),
    BadInput(
        "org-create/postal-21",
        ORGANIZATION_CREATE,
        _new_org(postalCode="1" * 21),
        "VALIDATION",
        "postalCode",
    ),
    BadInput("org-create/name-int", ORGANIZATION_CREATE, _new_org(legalName=1), "BAD_USER_INPUT"),
    *[
        BadInput(
            f"org-update/gstin-{kind}",
            ORGANIZATION_UPDATE,
            lambda w, make=make: {"input": {"id": w.team.org_id, "city": "Pune", "gstin": make()}},
            "VALIDATION",
            "gstin",
            role="owner",
        )
        for kind, make in BAD_GSTINS.items()
    ],
    BadInput(
        "org-update/name-null",
        ORGANIZATION_UPDATE,
        _update_org(legalName=None),
        "VALIDATION",
        "legalName",
        role="owner",
    ),
    BadInput(
        "org-update/name-201",
        ORGANIZATION_UPDATE,
        _update_org(legalName="n" * 201),
        "VALIDATION",
        "legalName",
        role="owner",
    ),
    BadInput(
        "org-update/city-101",
        ORGANIZATION_UPDATE,
        _update_org(city="c" * 101),
        "VALIDATION",
        "city",
        role="owner",
    ),
    BadInput(
        "org-update/country",
        ORGANIZATION_UPDATE,
        _update_org(country="X"),
        "VALIDATION",
        "country",
        role="owner",
    ),
    BadInput(
        "org-update/manager",
        ORGANIZATION_UPDATE,
        _update_org(city="Pune"),
        "FORBIDDEN",
        role="manager",
    ),
    *[
        BadInput(
            f"org-update/{kind}",
            ORGANIZATION_UPDATE,
            _update_org_id(oid),
            "NOT_FOUND",
            "id",
            role="owner",
        )
        for kind, oid in {
            "missing": lambda w: gid("Organization", MISSING_PK),
            "beyond-int32": lambda w: gid("Organization", 2**40),
            "wrong-type": lambda w: gid("Ticket", w.ticket.id),
            "garbage": lambda w: "=",
        }.items()
    ],
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
async def test_bad_input_is_refused_and_writes_nothing(world, case):
    await assert_rejected(world, case)
