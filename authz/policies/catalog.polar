# Products. No personal data: members read them, managers and up change them.

resource Product {
    permissions = ["read", "update", "archive", "adjust_stock"];
    roles = ["viewer", "staff", "manager"];

    "read" if "viewer";
    "adjust_stock" if "staff";
    "update" if "manager";
    "archive" if "manager";
}

scope_covers("catalog:read", "read", _product: Product);
scope_covers("catalog:write", "update", _product: Product);
scope_covers("catalog:write", "archive", _product: Product);
scope_covers("inventory:write", "adjust_stock", _product: Product);
