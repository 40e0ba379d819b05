"""Support tickets: open, reply, close; support agents answer every organization's tickets."""

from __future__ import annotations

import asyncio

from api import ids
from domain.accounts.models import PlatformRole
from domain.support.models import TicketMessage
from tests.support import (
    TICKET_CLOSE,
    TICKET_OPEN,
    TICKET_REPLY,
    gql_data,
    make_platform_user,
    make_team,
)

TICKET = """query($id: ID!) {
  ticket(id: $id) { id subject status messages { nodes { body fromSupport } } } }"""
TICKETS = """query($org: ID) {
  tickets(organizationId: $org, first: 100) { totalCount edges { node { id subject } } } }"""


async def _open(client, org_id, subject="Sync stopped"):
    variables = {"organizationId": org_id, "subject": subject, "body": "Prices are stale."}
    payload = (await gql_data(client, TICKET_OPEN, input=variables))["ticketOpen"]
    assert payload["errors"] == []
    return payload["ticket"]["id"]


async def test_open_reply_close(team):
    staff = team.clients["staff"]
    ticket_id = await _open(staff, team.org_id)
    data = await gql_data(staff, TICKET_REPLY, id=ticket_id, body="Still broken.")
    assert data["ticketReply"]["ticket"]["status"] == "OPEN"
    data = await gql_data(staff, TICKET_CLOSE, id=ticket_id)
    assert data["ticketClose"]["ticket"]["status"] == "CLOSED"

    data = await gql_data(staff, TICKET_REPLY, id=ticket_id, body="One more thing")
    errors = data["ticketReply"]["errors"]
    assert [e["code"] for e in errors] == ["TICKET_CLOSED"]
    ticket = (await gql_data(staff, TICKET, id=ticket_id))["ticket"]
    assert ticket["status"] == "CLOSED"
    bodies = [m["body"] for m in ticket["messages"]["nodes"]]
    assert bodies == ["Still broken.", "Prices are stale."]  # newest first


async def test_viewer_may_not_open_tickets(team):
    data = await gql_data(
        team.clients["viewer"],
        TICKET_OPEN,
        input={"organizationId": team.org_id, "subject": "Hi", "body": "Hi"},
    )
    assert data["ticketOpen"]["errors"][0]["code"] == "FORBIDDEN"


async def test_support_agent_sees_every_ticket_and_answers(app, team):
    other = await make_team(app)
    mine = await _open(team.clients["owner"], team.org_id, "Ours")
    theirs = await _open(other.clients["owner"], other.org_id, "Theirs")
    _, agent = await make_platform_user(app, PlatformRole.SUPPORT_AGENT)
    try:
        for org_id, ticket_id in ((team.org_id, mine), (other.org_id, theirs)):
            listed = (await gql_data(agent, TICKETS, org=org_id))["tickets"]
            assert [e["node"]["id"] for e in listed["edges"]] == [ticket_id]
        everything = (await gql_data(agent, TICKETS))["tickets"]
        seen = {e["node"]["id"] for e in everything["edges"]}
        assert {mine, theirs} <= seen  # the newest two, so on the first page

        data = await gql_data(agent, TICKET_REPLY, id=theirs, body="Fixed on our side.")
        assert data["ticketReply"]["errors"] == []
        assert data["ticketReply"]["ticket"]["status"] == "ANSWERED"
        ticket = (await gql_data(other.clients["staff"], TICKET, id=theirs))["ticket"]
        assert ticket["status"] == "ANSWERED"
        assert [m["fromSupport"] for m in ticket["messages"]["nodes"]] == [True, False]

        data = await gql_data(other.clients["staff"], TICKET_REPLY, id=theirs, body="Not yet")
        assert data["ticketReply"]["ticket"]["status"] == "OPEN"
        assert await TicketMessage.filter(ticket_id=ids.decode(theirs, "Ticket")).count() == 3
    finally:
        await agent.aclose()
        await other.close()


async def test_members_see_only_their_organizations_tickets(app, team):
    other = await make_team(app)
    try:
        mine = await _open(team.clients["owner"], team.org_id)
        await _open(other.clients["owner"], other.org_id)
        listed = (await gql_data(team.clients["viewer"], TICKETS))["tickets"]
        assert [e["node"]["id"] for e in listed["edges"]] == [mine]
        assert listed["totalCount"] == 1
    finally:
        await other.close()


async def test_a_reply_racing_a_close_never_reopens_the_ticket(team):
    staff = team.clients["staff"]
    ticket_id = await _open(staff, team.org_id)
    calls = [gql_data(staff, TICKET_CLOSE, id=ticket_id)]
    calls += [gql_data(staff, TICKET_REPLY, id=ticket_id, body=f"r{n}") for n in range(5)]
    replies = [r["ticketReply"] for r in (await asyncio.gather(*calls))[1:]]
    ticket = (await gql_data(staff, TICKET, id=ticket_id))["ticket"]
    assert ticket["status"] == "CLOSED"
    stored = sum(not r["errors"] for r in replies)
    assert len(ticket["messages"]["nodes"]) == 1 + stored
    assert all(r["errors"][0]["code"] == "TICKET_CLOSED" for r in replies if r["errors"])
