"""The benchmark's counts, pinned: what a request costs must not grow with the page.

For the shapes of the benchmark's workloads (bench/workloads.py) on both databases: SQL
statements per request are the same for a page of 3 and a page of 30; a request writes its audit
entries in one insert at most, and in exactly one when it read personal data; policy evaluations
are one per distinct decision key and question, whatever the page size, and a request with the
same principal facts as an earlier one asks Oso nothing new. No timings here: bench/ has them.
"""

from __future__ import annotations

import httpx
import pytest

import api.cost
from api.app import create_app
from bench import workloads
from domain.accounts.models import Membership, OrgRole
from domain.db import count_statements
from domain.orders.models import OrderStatus
from domain.orders.services import transition_order
from domain.settings import Settings
from tests.support import (
    audit_head,
    bearer_client,
    clear_of_checkpoint,
    gid,
    gql,
    issue_token,
    make_team,
    seed_order,
    seed_product,
    seed_stock,
    seed_warehouse,
    signed_in,
)

ORDERS = 30
PRODUCTS = 30
SIZES = (3, 12, 30)
STATUSES = [[], [OrderStatus.PAID], [OrderStatus.PAID, OrderStatus.PACKED, OrderStatus.SHIPPED]]
# A page of orders in 3 statuses: Order 3 keys x (read, fields); Customer 1 key x (read,
# fields): no buyer is under a support grant; OrderLine and Product 1 key x read (no personal
# fields); the organization the list is filtered by, 1 key x (read, fields), so that a filter
# by an organization one may not read is recorded. Rows, fields and page size do not enter.
ORDER_PAGE_EVALUATIONS = 3 * 2 + 1 * 2 + 1 + 1 + 2
# The entries the audit-log page test's four requests write, at most (one a request).
AUDIT_PAGE_ENTRIES = 4
# Products and their stock levels and warehouses: one key each, read only.
PRODUCT_PAGE_EVALUATIONS = 3


class Counts:
    """The counters of one request, from the X-Mandi-* headers (bench reads the same)."""

    def __init__(self, response: httpx.Response) -> None:
        self.sql = int(response.headers["x-mandi-sql"])
        self.evaluations = int(response.headers["x-mandi-policy-evaluations"])
        self.audit_inserts = int(response.headers["x-mandi-audit-inserts"])
        self.body = response.json()

    def __repr__(self) -> str:
        return f"sql={self.sql} evaluations={self.evaluations} audit={self.audit_inserts}"


async def counted(client: httpx.AsyncClient, query: str, **variables: object) -> Counts:
    response = await client.post("/graphql", json={"query": query, "variables": variables})
    assert response.status_code == 200, response.text
    return Counts(response)


async def audit_statements(client: httpx.AsyncClient, query: str, **variables: object) -> int:
    """INSERTs into the audit log of one request, from the statements' text (a client of an app
    without the stats middleware, whose own counter would hide them from this one)."""
    with count_statements(keep_sql=True) as statements:
        response = await client.post("/graphql", json={"query": query, "variables": variables})
    assert response.status_code == 200, response.text
    return sum("INSERT INTO audit_entry" in sql for sql in statements.sql)


@pytest.fixture
def stats_app(backend):
    return create_app(Settings(expose_stats=True), manage_db=False)


async def _orders(team) -> None:
    skus = [f"P-{n}" for n in range(5)]
    for sku in skus:
        await seed_product(team.org.id, sku)
    for n in range(ORDERS):
        lines = [(skus[(n + k) % len(skus)], k + 1, "10.00") for k in range(1 + n % 3)]
        order = await seed_order(team.org.id, lines, email=f"b{n}@example.test")
        for status in STATUSES[n % len(STATUSES)]:
            order = await transition_order(order=order, to_status=status, actor_id=None)


async def _products(team) -> None:
    warehouses = [await seed_warehouse(team.org.id, code) for code in ("A", "B")]
    for n in range(PRODUCTS):
        product = await seed_product(team.org.id, f"S-{n}")
        for warehouse in warehouses:
            await seed_stock(product, warehouse, 5 + n)


async def _by_page_size(client, query: str, **variables: object) -> list[Counts]:
    """One request per page size, the fewer-statement one of two: a request whose entries cross
    a checkpoint boundary (every 1000th entry) also signs and witnesses the chain head."""
    await counted(client, query, first=SIZES[0], **variables)  # warm: first-use writes
    pages = []
    for size in SIZES:
        runs = [await counted(client, query, first=size, **variables) for _ in range(2)]
        pages.append(min(runs, key=lambda page: page.sql))
    return pages


@pytest.mark.parametrize("role", ["manager", "staff"])
async def test_order_page_costs_do_not_grow_with_page_size(team, app, stats_app, role):
    """W1 (manager) and W2 (staff, buyer contact denied)."""
    await _orders(team)
    async with await signed_in(stats_app, team.users[role]) as client:
        pages = await _by_page_size(client, workloads.ORDERS, org=team.org_id)
    for size, page in zip(SIZES, pages, strict=True):
        edges = page.body["data"]["orders"]["edges"]
        assert len(edges) == size
        assert all(edge["node"]["lines"] for edge in edges)
        denied = [e for e in page.body.get("errors", []) if e["extensions"]["code"] == "FORBIDDEN"]
        assert bool(denied) == (role == "staff"), page.body.get("errors")
    assert len({page.sql for page in pages}) == 1, pages
    assert all(page.audit_inserts == 1 for page in pages), pages
    assert all(page.evaluations == ORDER_PAGE_EVALUATIONS for page in pages), pages
    async with await signed_in(app, team.users[role]) as plain:
        for size in SIZES:
            assert await audit_statements(plain, workloads.ORDERS, org=team.org_id, first=size) == 1


async def test_partner_product_page_costs_do_not_grow_with_page_size(team, stats_app):
    """W3: a partner token lists products with their stock."""
    await _products(team)
    secret = await issue_token(team, "owner", ["catalog:read", "inventory:read"])
    async with bearer_client(stats_app, secret) as client:
        pages = await _by_page_size(client, workloads.PRODUCTS)
    for size, page in zip(SIZES, pages, strict=True):
        assert "errors" not in page.body, page.body["errors"]
        edges = page.body["data"]["products"]["edges"]
        assert len(edges) == size
        assert all(len(edge["node"]["stock"]) == 2 for edge in edges)
    assert len({page.sql for page in pages}) == 1, pages
    assert all(page.evaluations == PRODUCT_PAGE_EVALUATIONS for page in pages), pages
    # No personal data is read: nothing to audit, and never more than one insert.
    assert all(page.audit_inserts <= 1 for page in pages), pages


async def test_stock_adjust_costs_the_same_every_time(team, stats_app):
    """W4: the mutation's statements, evaluations and audit inserts do not drift."""
    product = await seed_product(team.org.id, "ADJ-1")
    warehouse = await seed_warehouse(team.org.id)
    await seed_stock(product, warehouse, 10)
    async with await signed_in(stats_app, team.users["manager"]) as client:
        calls = []
        for _ in range(4):
            calls.append(
                await counted(
                    client,
                    workloads.STOCK_ADJUST,
                    input={
                        "productId": gid("Product", product.id),
                        "warehouseId": gid("Warehouse", warehouse.id),
                        "delta": 1,
                        "reason": "RECEIPT",
                    },
                )
            )
    assert [c.body["data"]["stockAdjust"]["stock"]["onHand"] for c in calls] == [11, 12, 13, 14]
    assert len({c.sql for c in calls}) == 1, calls
    assert len({c.evaluations for c in calls}) == 1 and calls[0].evaluations <= 4, calls
    assert all(c.audit_inserts <= 1 for c in calls), calls


async def test_audit_log_page_costs_do_not_grow_with_page_size(team, stats_app):
    """W5 shape: a security reviewer reads one data subject's entries; the read is audited.

    AuditEntry's decision key is its organization: evaluations follow the organizations on the
    page (the buyer's, and none for the reviewer's own audited reads), not its length, plus the
    two questions about the search itself (may it run, may it read every match).
    """
    from domain.accounts.models import PlatformRole, PlatformRoleGrant

    await _orders(team)
    reviewer = team.users["viewer"]
    await PlatformRoleGrant.create(user=reviewer, role=PlatformRole.SECURITY_REVIEWER)
    async with await signed_in(stats_app, team.users["manager"]) as manager:
        for _ in range(4):  # each read of the page notes every buyer's data
            await counted(manager, workloads.ORDERS, org=team.org_id, first=30)
    subject = await _busiest_subject(team.org.id)
    subject_id = gid("Customer", int(subject.partition(":")[2]))
    sizes = (1, 2, 4)
    # Each page's read is audited: an entry that is a 1000th is also signed and witnessed
    # (3 statements more on that page), so the pages' entries are kept clear of one.
    await clear_of_checkpoint(AUDIT_PAGE_ENTRIES)
    head = await audit_head()
    async with await signed_in(stats_app, reviewer) as client:
        await counted(client, workloads.AUDIT_ENTRIES, subject=subject_id, first=1)
        pages = []
        for size in sizes:
            organizations = await _organizations_on_page(subject, size)
            page = await counted(client, workloads.AUDIT_ENTRIES, subject=subject_id, first=size)
            assert page.evaluations == 2 * organizations + 2, (size, page)
            pages.append(page)
    assert await audit_head() - head <= AUDIT_PAGE_ENTRIES, "more entries than kept clear"
    for size, page in zip(sizes, pages, strict=True):
        assert "errors" not in page.body, page.body["errors"]
        assert len(page.body["data"]["auditEntries"]["edges"]) == size
    assert len({page.sql for page in pages}) == 1, pages
    assert all(page.audit_inserts == 1 for page in pages), pages


async def _organizations_on_page(subject: str, size: int) -> int:
    from audit.models import AuditEntry

    newest = AuditEntry.filter(subject=subject).order_by("-seq").limit(size)
    return len(set(await newest.values_list("organization_id", flat=True)))


async def _busiest_subject(organization_id: int) -> str:
    from audit.models import AuditEntry

    subjects = await AuditEntry.filter(
        organization_id=organization_id, subject__startswith="customer:"
    ).values_list("subject", flat=True)
    return max(set(subjects), key=subjects.count)


async def test_repeated_requests_ask_oso_nothing_new(team, stats_app, guards):
    """Decisions are memoised by principal facts and decision key across requests."""
    await _orders(team)
    async with await signed_in(stats_app, team.users["manager"]) as client:
        for _ in range(3):
            await counted(client, workloads.ORDERS, org=team.org_id, first=30)
    assert [g.evaluations for g in guards] == [ORDER_PAGE_EVALUATIONS] * 3
    # The first request may find its answers memoised already (equal facts in another test:
    # the answer depends on nothing else); the next ones always do.
    assert guards[0].oso_calls <= ORDER_PAGE_EVALUATIONS
    assert [g.oso_calls for g in guards[1:]] == [0, 0]


async def test_a_changed_role_is_never_answered_from_the_memo(team, stats_app):
    """The memo is keyed by the principal's facts: a demoted manager loses buyer contact at once."""
    await _orders(team)
    query = workloads.ORDERS
    async with await signed_in(stats_app, team.users["manager"]) as client:
        before = await gql(client, query, org=team.org_id, first=5)
        await Membership.filter(user_id=team.users["manager"].id, organization=team.org).update(
            role=OrgRole.VIEWER
        )
        after = await gql(client, query, org=team.org_id, first=5)
    assert "errors" not in before
    assert before["data"]["orders"]["edges"][0]["node"]["customer"]["email"]
    assert {e["extensions"]["code"] for e in after["errors"]} == {"FORBIDDEN"}
    assert after["data"]["orders"]["edges"][0]["node"]["customer"]["email"] is None


PAGE = """query($org: ID!, $after: String) { orders(organizationId: $org, first: 5, after: $after) {
  %s edges { cursor node { id status } } } }"""


async def test_total_count_and_has_previous_page_cost_a_statement_only_when_asked(team, stats_app):
    """Counting every row and looking before the cursor are one statement each, made only when
    the operation selects ``totalCount`` / ``pageInfo.hasPreviousPage``."""
    await _orders(team)
    async with await signed_in(stats_app, team.users["manager"]) as client:
        first = await counted(client, PAGE % "pageInfo { endCursor }", org=team.org_id)
        after = first.body["data"]["orders"]["edges"][-1]["cursor"]

        async def sql(selection: str, cursor: str | None = None) -> Counts:
            await counted(client, PAGE % selection, org=team.org_id, after=cursor)  # warm
            return await counted(client, PAGE % selection, org=team.org_id, after=cursor)

        bare = await sql("pageInfo { endCursor }")
        counted_ = await sql("totalCount pageInfo { endCursor }")
        later_bare = await sql("pageInfo { endCursor }", after)
        later_prev = await sql("pageInfo { hasPreviousPage startCursor }", after)
        first_prev = await sql("pageInfo { hasPreviousPage }")
    assert counted_.sql == bare.sql + 1, (bare, counted_)
    assert counted_.body["data"]["orders"]["totalCount"] == ORDERS
    assert later_bare.sql == bare.sql, (bare, later_bare)
    assert later_prev.sql == bare.sql + 1, (bare, later_prev)
    info = later_prev.body["data"]["orders"]["pageInfo"]
    assert info["hasPreviousPage"] is True
    assert info["startCursor"] == later_prev.body["data"]["orders"]["edges"][0]["cursor"]
    # Without a cursor nothing comes before the page, and nothing is asked.
    assert first_prev.body["data"]["orders"]["pageInfo"]["hasPreviousPage"] is False
    assert first_prev.sql == bare.sql, (bare, first_prev)


NODES = "query($ids: [ID!]!) { nodes(ids: $ids) { id ... on Product { sku } } }"


async def test_nodes_by_id_cost_the_same_statements_for_3_ids_or_100(app, team, stats_app):
    """nodes(ids:) looks up each type's ids in one guarded statement, and its misses in one
    more (which exist elsewhere), not two per id; the denied entries are one insert."""
    other = await make_team(app, roles=(OrgRole.OWNER,))
    mine = [await seed_product(team.org.id, f"N-{n}") for n in range(100)]
    theirs = [await seed_product(other.org.id, f"T-{n}") for n in range(50)]
    hits = [gid("Product", product.id) for product in mine]
    misses = [gid("Product", product.id) for product in theirs]
    misses += [gid("Product", 10**9 + n) for n in range(50)]

    async def least(ids: list[str]) -> Counts:
        runs = [await counted(client, NODES, ids=ids) for _ in range(2)]
        return min(runs, key=lambda run: run.sql)

    async with await signed_in(stats_app, team.users["manager"]) as client:
        await counted(client, NODES, ids=hits[:3])  # warm: first-use writes
        few, many = await least(hits[:3]), await least(hits)
        few_missed, many_missed = await least(misses[::40]), await least(misses)
    assert "errors" not in many.body, many.body["errors"]
    assert [node["sku"] for node in many.body["data"]["nodes"]] == [p.sku for p in mine]
    assert many.body["extensions"]["cost"]["requested"] == 100 * api.cost.LOOKUP_COST
    assert few.sql == many.sql, (few, many)
    assert many_missed.body["data"]["nodes"] == [None] * 100
    assert len(many_missed.body["errors"]) == 100
    assert many_missed.sql == few_missed.sql, (few_missed, many_missed)
    assert many_missed.audit_inserts == 1, many_missed
    await other.close()
