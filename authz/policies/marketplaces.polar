# Marketplace connections and listings. No personal data: members read them.

resource MarketplaceConnection {
    permissions = ["read"];
    roles = ["viewer"];

    "read" if "viewer";
}

resource Listing {
    permissions = ["read"];
    roles = ["viewer"];

    "read" if "viewer";
}

scope_covers("catalog:read", "read", _connection: MarketplaceConnection);
scope_covers("catalog:read", "read", _listing: Listing);
