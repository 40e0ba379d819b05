"""The policy action each root field asks for before it acts, and on what, for its permission note.

The note itself (who may do the action) is written from the policy (api/permission_notes.py);
this map only says which ``authorize(ctx, action, obj)`` the resolver makes (the first, when it
makes several), and ``tests/api/test_schema_lint.py`` checks that the resolver does make it.
Root fields that need only a signed-in user (or nobody) are not here; their description says so.
"""

from __future__ import annotations

from authz.resources import PLATFORM, AuditSearch
from domain.accounts.auth_models import PartnerToken
from domain.accounts.models import Organization, PlatformRoleGrant, User
from domain.catalog.models import Product
from domain.marketplaces.models import MarketplaceConnection
from domain.marketplaces.sync_models import Shipment
from domain.orders.models import Customer, Order
from domain.privacy.breach import BreachIncident
from domain.privacy.consent_models import ConsentEvent
from domain.privacy.models import AccessGrant, ProcessingRestriction
from domain.privacy.policy_versions import PolicyAcceptance, PrivacyPolicyVersion
from domain.privacy.request_models import LegalHold, PrivacyRequest
from domain.support.models import Ticket

# (model, action) or (model, action, the personal fields the action writes)
Requirement = tuple[tuple[type, str] | tuple[type, str, tuple[str, ...]], ...]

REQUIRES: dict[str, Requirement] = {
    "Query.partnerTokens": ((Organization, "manage_tokens"),),
    "Query.auditEntries": ((AuditSearch, "run"),),
    "Mutation.partnerTokenCreate": ((Organization, "manage_tokens"),),
    "Mutation.partnerTokenRevoke": ((PartnerToken, "manage_tokens"),),
    "Mutation.organizationCreate": ((type(PLATFORM), "create_organization"),),
    "Mutation.organizationUpdate": ((Organization, "update"),),
    "Mutation.productCreate": ((Organization, "create_product"),),
    "Mutation.productUpdate": ((Product, "update"),),
    "Mutation.productArchive": ((Product, "archive"),),
    "Mutation.warehouseCreate": ((Organization, "create_warehouse"),),
    "Mutation.stockAdjust": ((Product, "adjust_stock"),),
    "Mutation.orderImport": ((Organization, "import_order"),),
    "Mutation.orderTransition": ((Order, "transition"),),
    "Mutation.marketplaceConnect": ((MarketplaceConnection, "connect"),),
    "Mutation.marketplaceDisconnect": ((MarketplaceConnection, "disconnect"),),
    "Mutation.marketplaceSyncRequest": ((MarketplaceConnection, "sync"),),
    "Mutation.listingPublish": ((MarketplaceConnection, "sync"),),
    "Mutation.shipmentRecord": ((Shipment, "create"),),
    "Mutation.ticketOpen": ((Organization, "open_ticket"),),
    "Mutation.ticketReply": ((Ticket, "reply"),),
    "Mutation.ticketClose": ((Ticket, "reply"),),
    "Mutation.organizationRoleGrant": ((Organization, "manage_roles"),),
    "Mutation.organizationRoleRevoke": ((Organization, "manage_roles"),),
    "Mutation.platformRoleGrant": ((PlatformRoleGrant, "create"),),
    "Mutation.platformRoleRevoke": ((PlatformRoleGrant, "delete"),),
    "Mutation.accessGrantCreate": ((AccessGrant, "create"),),
    "Mutation.accessGrantRevoke": ((AccessGrant, "revoke"),),
    "Mutation.processingRestrictionCreate": ((ProcessingRestriction, "create"),),
    "Mutation.processingRestrictionLift": ((ProcessingRestriction, "lift"),),
    "Mutation.privacyRequestCreate": ((PrivacyRequest, "create"),),
    "Mutation.privacyRequestTake": ((PrivacyRequest, "take"),),
    "Mutation.privacyRequestExtend": ((PrivacyRequest, "extend"),),
    "Mutation.privacyRequestDeny": ((PrivacyRequest, "deny"),),
    "Mutation.privacyRequestFulfil": ((PrivacyRequest, "fulfil"),),
    "Mutation.viewerProfileCorrect": ((User, "update"),),
    "Mutation.customerCorrect": ((Customer, "update", ("name", "email", "phone")),),
    "Mutation.legalHoldSet": ((LegalHold, "create"),),
    "Mutation.legalHoldRelease": ((LegalHold, "release"),),
    "Mutation.consentRecord": ((ConsentEvent, "create"),),
    "Mutation.ccpaOptOut": ((ConsentEvent, "create"),),
    "Mutation.breachIncidentRecord": ((BreachIncident, "create"),),
    "Mutation.breachIncidentNotifyPeople": ((BreachIncident, "notify"),),
    "Mutation.breachIncidentAuthorityNotified": ((BreachIncident, "notify"),),
    "Mutation.privacyPolicyPublish": ((PrivacyPolicyVersion, "publish"),),
    "Mutation.privacyPolicyAccept": ((PolicyAcceptance, "create"),),
}
