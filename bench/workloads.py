"""The benchmark's GraphQL documents: W1-W5 on Mandi, W1 and W3 on the baseline."""

from __future__ import annotations

ORDERS = """query W1($org: ID!, $first: Int!) {
  orders(organizationId: $org, first: $first) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node {
      id status total placedAt shippingName shippingCity shippingPostalCode
      customer { name email phone }
      lines { sku quantity unitPrice product { sku title } }
    } }
  } }"""

PRODUCTS = """query W3($first: Int!) {
  products(first: $first) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node {
      id sku title price currency
      stock { onHand reserved available warehouse { code name } }
    } }
  } }"""

# The baseline has no principal, so it is told the organization a token would be bound to.
PRODUCTS_BASELINE = PRODUCTS.replace("($first: Int!)", "($org: ID!, $first: Int!)").replace(
    "products(first: $first)", "products(organizationId: $org, first: $first)"
)

STOCK_ADJUST = """mutation W4($input: StockAdjustInput!) {
  stockAdjust(input: $input) {
    stock { onHand reserved available } movement { id delta onHandAfter } replayed
    errors { code field message } } }"""

AUDIT_ENTRIES = """query W5($subject: ID!, $first: Int!) {
  auditEntries(filter: {subject: $subject}, first: $first) {
    pageInfo { hasNextPage endCursor }
    totalCount
    edges { node {
      seq occurredAt actorType actorId action resourceType resourceId subject outcome fields
    } }
  } }"""

# The statements W5 costs in the database: auditEntries for a security reviewer (who may read
# every entry, so the policy adds no condition) counts the subject's entries and reads the newest
# page (api/audit/queries.py, api/pagination.py). The benchmark EXPLAINs them. The query names
# the subject by its global id; the log's column holds "customer:1".
AUDIT_STATEMENTS = {
    "count": "SELECT COUNT(*) FROM audit_entry WHERE subject = $1",
    "page": "SELECT * FROM audit_entry WHERE subject = $1 ORDER BY seq DESC LIMIT 101",
}
