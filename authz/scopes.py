"""Partner-token scopes. A token's rights are its scopes intersected with its creator's rights."""

from __future__ import annotations

SCOPES: dict[str, str] = {
    "catalog:read": "read products and listings",
    "catalog:write": "create, change and archive products",
    "inventory:read": "read warehouses, stock levels and the inventory ledger",
    "inventory:write": "adjust stock",
    "orders:read": "read orders and their lines, without buyer contact data",
    "orders:write": "import orders and move them through their lifecycle",
    "orders.buyer_contact:read": "read buyers' names, contact data and shipping addresses",
    "tickets:read": "read support tickets",
    "tickets:write": "open and answer support tickets",
}
