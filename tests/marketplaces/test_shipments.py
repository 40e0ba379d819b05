"""Recording a shipment: who may, what it queues, who sees its tracking number."""

from __future__ import annotations

from api import ids
from domain.marketplaces.sync_models import JobKind, JobStatus
from tests.marketplaces.sync_support import connect, jobs_of
from tests.support import gql, gql_data, seed_order, seed_product

RECORD = """
mutation($input: ShipmentRecordInput!) { shipmentRecord(input: $input) {
  shipment { id carrier trackingNumber reportedAt } errors { code field } } }
"""


async def test_staff_record_a_shipment_and_its_push_is_queued(team, fakes):
    await seed_product(team.org.id, "SKU-1")
    connection = await connect(team.clients["owner"], team.org_id)
    order = await seed_order(team.org.id, [("SKU-1", 1, "100.00")])
    shipment = {
        "orderId": ids.encode("Order", order.id),
        "carrier": "BlueDart",
        "trackingNumber": "BD-778812",
    }
    denied = await gql_data(team.clients["viewer"], RECORD, input=shipment)
    assert denied["shipmentRecord"]["errors"] == [{"code": "FORBIDDEN", "field": None}]
    bad = await gql_data(team.clients["staff"], RECORD, input=shipment | {"trackingNumber": " "})
    assert bad["shipmentRecord"]["errors"] == [{"code": "VALIDATION", "field": "trackingNumber"}]

    data = await gql_data(team.clients["staff"], RECORD, input=shipment)
    recorded = data["shipmentRecord"]["shipment"]
    assert recorded["trackingNumber"] == "BD-778812" and recorded["reportedAt"] is None
    pushes = await jobs_of(connection, JobKind.PUSH_FULFILMENT)
    assert len(pushes) == 1 and pushes[0].status == JobStatus.QUEUED
    assert pushes[0].payload["shipment_id"] == ids.decode(recorded["id"], "Shipment")


async def test_an_order_of_another_organization_is_not_found(app, team, fakes):
    from tests.support import make_team

    other = await make_team(app)
    await seed_product(other.org.id, "SKU-1")
    order = await seed_order(other.org.id, [("SKU-1", 1, "100.00")])
    body = await gql(
        team.clients["owner"],
        RECORD,
        input={"orderId": ids.encode("Order", order.id), "carrier": "X", "trackingNumber": "T1"},
    )
    assert body["data"]["shipmentRecord"]["errors"] == [{"code": "NOT_FOUND", "field": "orderId"}]
    await other.close()
