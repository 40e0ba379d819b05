# Buyers (customers), their addresses, orders and order lines.
#
# Need to know for buyer contact data (a buyer's name, email, phone and addresses):
# - owners, admins and managers see it: they run the business and answer the buyer;
# - staff see an order's shipping name, phone and address only while the order awaits
#   fulfilment (placed, paid, packed: AWAITING_FULFILMENT in domain/orders/lifecycle.py), to pack
#   and ship it; they never read a Customer's or CustomerAddress's personal fields directly;
# - viewers see orders, customers and addresses without any buyer contact data;
# - support agents see one buyer's data (the customer, their addresses and orders) only under an
#   open access grant for that customer;
# - a partner token needs "orders.buyer_contact:read" on top of its creator's right to see it.

resource Customer {
    permissions = ["read"];
    roles = ["viewer", "manager", "granted_support"];

    "read" if "viewer";
    "read" if "granted_support";
}

resource CustomerAddress {
    permissions = ["read"];
    roles = ["viewer", "manager", "granted_support"];

    "read" if "viewer";
    "read" if "granted_support";
}

resource Order {
    permissions = ["read", "transition"];
    roles = ["viewer", "staff", "manager", "granted_support"];

    "read" if "viewer";
    "transition" if "staff";
    "read" if "granted_support";
}

resource OrderLine {
    permissions = ["read"];
    roles = ["viewer"];

    "read" if "viewer";
}

has_role(actor: Principal, "granted_support", customer: Customer) if
    actor.kind = "user" and
    "support_agent" in actor.platform_roles and
    customer.id in Grants.subject_ids(actor, "customer");
has_role(actor: Principal, "granted_support", address: CustomerAddress) if
    actor.kind = "user" and
    "support_agent" in actor.platform_roles and
    address.customer_id in Grants.subject_ids(actor, "customer");
has_role(actor: Principal, "granted_support", order: Order) if
    actor.kind = "user" and
    "support_agent" in actor.platform_roles and
    order.customer_id in Grants.subject_ids(actor, "customer");

# --- buyer contact fields ----------------------------------------------------------------------

customer_contact_field(field) if field in ["name", "email", "phone"];
address_field(field) if
    field in ["line1", "line2", "city", "state", "postal_code", "country"];
shipping_field(field) if
    field in [
        "shipping_name", "shipping_phone", "shipping_line1", "shipping_line2", "shipping_city",
        "shipping_state", "shipping_postal_code", "shipping_country"
    ];

field_permission(actor: Principal, "read", customer: Customer, field: String) if
    has_role(actor, "manager", customer) and customer_contact_field(field);
field_permission(actor: Principal, "read", customer: Customer, field: String) if
    has_role(actor, "granted_support", customer) and customer_contact_field(field);

field_permission(actor: Principal, "read", address: CustomerAddress, field: String) if
    has_role(actor, "manager", address) and address_field(field);
field_permission(actor: Principal, "read", address: CustomerAddress, field: String) if
    has_role(actor, "granted_support", address) and address_field(field);

field_permission(actor: Principal, "read", order: Order, field: String) if
    has_role(actor, "manager", order) and shipping_field(field);
field_permission(actor: Principal, "read", order: Order, field: String) if
    has_role(actor, "staff", order) and
    order.status in AWAITING_FULFILMENT and
    shipping_field(field);
field_permission(actor: Principal, "read", order: Order, field: String) if
    has_role(actor, "granted_support", order) and shipping_field(field);

# Importing an order writes its buyer's data: managers and up.
field_permission(actor: Principal, "update", customer: Customer, field: String) if
    has_role(actor, "manager", customer) and customer_contact_field(field);
field_permission(actor: Principal, "update", address: CustomerAddress, field: String) if
    has_role(actor, "manager", address) and address_field(field);
field_permission(actor: Principal, "update", order: Order, field: String) if
    has_role(actor, "manager", order) and shipping_field(field);

# --- partner-token scopes ----------------------------------------------------------------------

scope_covers("orders:read", "read", _customer: Customer);
scope_covers("orders:read", "read", _address: CustomerAddress);
scope_covers("orders:read", "read", _order: Order);
scope_covers("orders:read", "read", _line: OrderLine);
scope_covers("orders:write", "transition", _order: Order);

scope_covers_field("orders.buyer_contact:read", "read", _customer: Customer, _field: String);
scope_covers_field("orders.buyer_contact:read", "read", _address: CustomerAddress, _field: String);
scope_covers_field("orders.buyer_contact:read", "read", _order: Order, _field: String);
scope_covers_field("orders:write", "update", _customer: Customer, _field: String);
scope_covers_field("orders:write", "update", _address: CustomerAddress, _field: String);
scope_covers_field("orders:write", "update", _order: Order, _field: String);
