# Warehouses, stock levels and the inventory ledger. No personal data: members read them.
# Adjusting stock is a permission on the product (catalog.polar); creating a warehouse one on
# the organization (accounts.polar).

resource Warehouse {
    permissions = ["read"];
    roles = ["viewer"];

    "read" if "viewer";
}

resource StockLevel {
    permissions = ["read"];
    roles = ["viewer"];

    "read" if "viewer";
}

resource InventoryMovement {
    permissions = ["read"];
    roles = ["viewer"];

    "read" if "viewer";
}

scope_covers("inventory:read", "read", _warehouse: Warehouse);
scope_covers("inventory:read", "read", _stock: StockLevel);
scope_covers("inventory:read", "read", _movement: InventoryMovement);
