# Marketplace connections and listings. No personal data: members read them.
# Connecting or disconnecting a seller account hands Mandi (or takes back) the right to act on
# the marketplace in the organization's name: owners and admins only (and the API asks for a
# recent sign-in). Managers may ask for a sync to run now.

resource MarketplaceConnection {
    permissions = ["read", "connect", "disconnect", "sync"];
    roles = ["viewer", "manager", "admin"];

    "read" if "viewer";
    "sync" if "manager";
    "connect" if "admin";
    "disconnect" if "admin";
}

resource Listing {
    permissions = ["read"];
    roles = ["viewer"];

    "read" if "viewer";
}

scope_covers("catalog:read", "read", _connection: MarketplaceConnection);
scope_covers("catalog:read", "read", _listing: Listing);

# --- shipments: the parcel's tracking number follows it to the buyer -------------------------
# Staff pack and ship, so they record and read tracking numbers; viewers see that an order
# shipped, not how to follow the parcel. A token needs "orders.buyer_contact:read" for it.

resource Shipment {
    permissions = ["read", "create"];
    roles = ["viewer", "staff"];

    "read" if "viewer";
    "create" if "staff";
}

field_permission(actor: Principal, action: String, shipment: Shipment, "tracking_number") if
    action in ["read", "update"] and
    has_role(actor, "staff", shipment);

scope_covers("orders:read", "read", _shipment: Shipment);
scope_covers("orders:write", "create", _shipment: Shipment);
scope_covers_field("orders.buyer_contact:read", "read", _shipment: Shipment, _field: String);
scope_covers_field("orders:write", "update", _shipment: Shipment, _field: String);

# --- sync jobs and the disclosure log --------------------------------------------------------
# Members see how sync is doing. The disclosure log says whose data went to which marketplace:
# the organization's owners and admins answer for it, privacy officers answer data subjects.

resource SyncJob {
    permissions = ["read"];
    roles = ["viewer"];

    "read" if "viewer";
}

resource Disclosure {
    permissions = ["read"];
    roles = ["admin", "privacy_officer"];

    "read" if "admin";
    "read" if "privacy_officer";
}
