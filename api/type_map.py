"""The one map of GraphQL object types to what they show: the guard is built from it.

Every object type of the schema is here, or the schema refuses to build (api/guard.py):

- ``Shows(Model)``: the type shows rows of a model. Each of its fields is a column of the model
  (personal columns, from the model's personal-data declaration, get the field check), a field
  returning objects (they get the object decision), or a computed field that names the columns
  it reads in ``computed`` (it gets the check of every personal column among them).
- ``Holds("why")``: the type shows no model (a page, a payload, a summary): its fields returning
  model-backed objects still get the object decision, and the reason says why its other fields
  hold no one's personal data but the caller's own.
"""

from __future__ import annotations

from collections.abc import Mapping

from api.accounts import (
    mfa_mutations,
    org_mutations,
    session_mutations,
    token_mutations,
    user_mutations,
)
from api.accounts import queries as account_queries
from api.accounts import types as accounts
from api.audit import types as audit
from api.catalog import mutations as catalog_mutations
from api.catalog import types as catalog
from api.errors import MutationError
from api.guard_build import Holds, Shows
from api.inventory import mutations as inventory_mutations
from api.inventory import types as inventory
from api.marketplaces import mutations as marketplace_mutations
from api.marketplaces import sync_mutations
from api.marketplaces import sync_types as sync
from api.marketplaces import types as marketplaces
from api.orders import mutations as order_mutations
from api.orders import types as orders
from api.pagination import Connection, Edge, PageInfo
from api.privacy import (
    breach_api,
    consent_api,
    correction_mutations,
    fulfil_mutations,
    hold_mutations,
    policy_api,
    request_mutations,
    request_types,
    restriction_mutations,
)
from api.privacy import mutations as privacy_mutations
from api.privacy import types as privacy
from api.roles import mutations as role_mutations
from api.roles import types as roles
from api.support import mutations as support_mutations
from api.support import types as support
from audit import models as audit_models
from domain.accounts import auth_models
from domain.accounts import models as account_models
from domain.catalog import models as catalog_models
from domain.inventory import models as inventory_models
from domain.marketplaces import disclosure_models, sync_models
from domain.marketplaces import models as marketplace_models
from domain.orders import models as order_models
from domain.privacy import breach as breach_models
from domain.privacy import consent_models, policy_versions, request_models
from domain.privacy import models as privacy_models
from domain.support import models as support_models

_PAYLOAD = Holds("a mutation's result: the objects it returns are decided, errors name no values")

TYPES: Mapping[type, Shows | Holds] = {
    # --- roots and shapes of no model ---
    account_queries.Viewer: Holds("the caller's own summary; its user and memberships decided"),
    account_queries.ViewerToken: Holds(
        "the calling token's own name, prefix, scopes and expiry; its organization decided"
    ),
    audit.DataAccess: Holds(
        "the data subject's own view of who accessed their data: field names, no actor identity"
    ),
    Connection: Holds("a page: counts and cursors; its nodes are decided"),
    Edge: Holds("a cursor and a node; the node is decided"),
    PageInfo: Holds("cursors and a flag"),
    MutationError: Holds("a code, a message naming no value, an input field name"),
    mfa_mutations.MfaEnrollment: Holds("the caller's own new TOTP secret, shown to them once"),
    # --- payloads ---
    mfa_mutations.MfaEnrollStartPayload: _PAYLOAD,
    mfa_mutations.RecoveryCodesPayload: Holds("the caller's own new recovery codes, shown once"),
    session_mutations.SessionPayload: Holds(
        "a sign-in's result: the user is decided; an opaque challenge for the caller"
    ),
    token_mutations.PartnerTokenCreatePayload: Holds(
        "the token is decided; its secret is shown once to the person who created it"
    ),
    token_mutations.PartnerTokenPayload: _PAYLOAD,
    user_mutations.UserPayload: _PAYLOAD,
    user_mutations.OkPayload: _PAYLOAD,
    org_mutations.OrganizationPayload: _PAYLOAD,
    catalog_mutations.ProductPayload: _PAYLOAD,
    inventory_mutations.WarehousePayload: _PAYLOAD,
    inventory_mutations.StockAdjustPayload: _PAYLOAD,
    order_mutations.OrderPayload: _PAYLOAD,
    support_mutations.TicketPayload: _PAYLOAD,
    role_mutations.OrganizationMemberPayload: _PAYLOAD,
    role_mutations.PlatformRolePayload: _PAYLOAD,
    privacy_mutations.AccessGrantPayload: _PAYLOAD,
    marketplace_mutations.MarketplaceConnectionPayload: _PAYLOAD,
    sync_mutations.SyncJobPayload: _PAYLOAD,
    sync_mutations.ShipmentPayload: _PAYLOAD,
    marketplaces.MarketplaceSyncStatus: Holds(
        "a connection's sync counters, times and error codes: business data, no one's values"
    ),
    marketplaces.PerformanceReport: Holds("a seller's sales and standards figures (business)"),
    marketplaces.ReportMetric: Holds("one figure of a seller's performance report"),
    restriction_mutations.ProcessingRestrictionPayload: _PAYLOAD,
    request_mutations.PrivacyRequestPayload: _PAYLOAD,
    request_mutations.MinorDataReportPayload: Holds("a flag that says nothing of who matched"),
    fulfil_mutations.PrivacyRequestFulfilPayload: Holds(
        "the request is decided; the one-time export link only for the person themselves; the "
        "erasure receipt names records and fields, never values"
    ),
    correction_mutations.CustomerPayload: _PAYLOAD,
    hold_mutations.LegalHoldPayload: _PAYLOAD,
    consent_api.ConsentPayload: _PAYLOAD,
    breach_api.BreachIncidentPayload: _PAYLOAD,
    policy_api.PrivacyPolicyPayload: _PAYLOAD,
    # --- types over models ---
    accounts.Organization: Shows(account_models.Organization),
    accounts.User: Shows(account_models.User),
    accounts.Membership: Shows(account_models.Membership),
    accounts.PartnerToken: Shows(auth_models.PartnerToken),
    accounts.WebSession: Shows(account_models.WebSession, computed={"current": ("id",)}),
    accounts.LoginEvent: Shows(auth_models.LoginEvent),
    roles.OrganizationMember: Shows(account_models.Membership),
    roles.PlatformRoleAssignment: Shows(account_models.PlatformRoleGrant),
    audit.AuditEntry: Shows(
        audit_models.AuditEntry,
        computed={
            "fields_accessed_": ("fields_accessed",),
            "organization_id": ("organization_id",),
            "actor_id": ("actor_type", "actor_id"),
            "resource_id": ("resource_type", "resource_id", "action"),
            "resource_key": ("resource_type", "resource_id", "action"),
        },
    ),
    catalog.Product: Shows(catalog_models.Product),
    inventory.Warehouse: Shows(inventory_models.Warehouse),
    inventory.StockLevel: Shows(
        inventory_models.StockLevel, computed={"available": ("on_hand", "reserved")}
    ),
    inventory.InventoryMovement: Shows(inventory_models.InventoryMovement),
    marketplaces.MarketplaceConnection: Shows(
        marketplace_models.MarketplaceConnection,
        computed={
            "marketplace_ids": ("settings",),
            "region": ("settings",),
            "sync": (
                "last_success_at",
                "last_error_at",
                "last_error_code",
                "orders_pulled_until",
            ),
            "report": ("id",),
        },
    ),
    sync.SyncJob: Shows(sync_models.SyncJob),
    sync.Shipment: Shows(sync_models.Shipment),
    sync.Disclosure: Shows(
        disclosure_models.Disclosure,
        computed={"subject_id": ("subject_id",), "job_id": ("job_id",)},
    ),
    marketplaces.Listing: Shows(marketplace_models.Listing),
    orders.Customer: Shows(order_models.Customer),
    orders.CustomerAddress: Shows(order_models.CustomerAddress),
    orders.Order: Shows(order_models.Order, computed={"next_statuses": ("status",)}),
    orders.OrderLine: Shows(
        order_models.OrderLine, computed={"line_total": ("quantity", "unit_price")}
    ),
    orders.OrderStatusChange: Shows(order_models.OrderStatusChange),
    privacy.AccessGrant: Shows(
        privacy_models.AccessGrant, computed={"open": ("revoked_at", "expires_at")}
    ),
    privacy.ProcessingRestriction: Shows(
        privacy_models.ProcessingRestriction, computed={"active": ("lifts_at",)}
    ),
    request_types.PrivacyRequest: Shows(
        request_models.PrivacyRequest, computed={"days_left": ("due_at",), "history": ("id",)}
    ),
    request_types.PrivacyRequestStep: Shows(request_models.PrivacyRequestEvent),
    hold_mutations.LegalHold: Shows(request_models.LegalHold),
    consent_api.ConsentEvent: Shows(consent_models.ConsentEvent),
    breach_api.BreachIncident: Shows(
        breach_models.BreachIncident,
        computed={"authority_due_at": ("detected_at",), "authority_hours_left": ("detected_at",)},
    ),
    policy_api.PrivacyPolicyVersion: Shows(policy_versions.PrivacyPolicyVersion),
    support.Ticket: Shows(support_models.Ticket),
    support.TicketMessage: Shows(support_models.TicketMessage),
}
