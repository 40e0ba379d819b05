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

# --- the system principal: sync jobs -----------------------------------------------------------
# A sync job runs as kind "system" with the viewer role in the organization of its connection
# (api/jobs/gate.py). Beyond what a viewer may, it may only what these rules say: import the
# orders it pulls (writing the buyer's contact data, as orderImport does for a manager), and
# share a shipment's tracking number with the marketplace the order came from. What a share
# may carry is this allow-list, per purpose: listing and stock sync share no personal field;
# fulfilment shares the tracking number, never the buyer's contact data.

within_scopes(actor: Principal, _action: String, _resource: Resource) if
    actor.kind = "system";
field_within_scopes(actor: Principal, _action: String, _resource: Resource, _field: String) if
    actor.kind = "system";

system_for(actor: Principal, resource: Resource) if
    actor.kind = "system" and
    org_id in actor.organization_ids and
    resource.organization_id = org_id;

has_permission(actor: Principal, "import_order", org: Organization) if
    system_for(actor, org);
field_permission(actor: Principal, "update", customer: Customer, field: String) if
    system_for(actor, customer) and customer_contact_field(field);
field_permission(actor: Principal, "update", order: Order, field: String) if
    system_for(actor, order) and shipping_field(field);
field_permission(actor: Principal, "update", address: CustomerAddress, field: String) if
    system_for(actor, address) and address_field(field);

has_permission(actor: Principal, "share_fulfilment", shipment: Shipment) if
    system_for(actor, shipment);
field_permission(actor: Principal, "share_fulfilment", shipment: Shipment, "tracking_number") if
    system_for(actor, shipment);
