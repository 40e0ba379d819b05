# Mandi's authorization policy: the shared rules. One file per area holds its resource blocks.
#
# Deny by default: nothing is allowed unless a rule below or in another file says so.
# Every rule reads only a resource's *decision inputs* (authz/resources.py): the Python side
# decides on a stand-in carrying just those attributes, and caches decisions by them.
#
# Principals (authz/principal.py): kind "user" (a person with a session) or "token" (a partner
# token acting for one organization with its creator's current role, limited by its scopes).

actor Principal {}

allow(actor: Principal, action: String, resource: Resource) if
    has_permission(actor, action, resource) and
    within_scopes(actor, action, resource);

allow_field(actor: Principal, action: String, resource: Resource, field: String) if
    field_permission(actor, action, resource, field) and
    field_within_scopes(actor, action, resource, field);

# --- organization roles ------------------------------------------------------------------------
# owner > admin > manager > staff > viewer: a role includes every right of the roles below it.

org_role_rank("owner", 5);
org_role_rank("admin", 4);
org_role_rank("manager", 3);
org_role_rank("staff", 2);
org_role_rank("viewer", 1);

role_at_least(held, needed: String) if
    org_role_rank(needed, n) and
    org_role_rank(held, h) and
    h >= n;

# A role in an organization applies to everything that belongs to it (Organization itself
# exposes its id as organization_id). For a token, organization_ids holds only its organization
# and the role is its creator's current one.
has_role(actor: Principal, role: String, resource: Resource) if
    org_role_rank(role, _) and
    org_id in actor.organization_ids and
    role_at_least(actor.role_in(org_id), role) and
    resource.organization_id = org_id;

# --- platform roles ----------------------------------------------------------------------------
# platform_admin, support_agent, security_reviewer, privacy_officer: people of Mandi, never
# tokens. They hold on a resource only where its block lists them.

has_role(actor: Principal, role: String, _resource: Resource) if
    actor.kind = "user" and
    role in actor.platform_roles;

# --- partner-token scopes ----------------------------------------------------------------------
# A token's rights are its scopes intersected with its creator's current rights: the rules
# above decide the creator's rights, scope_covers/scope_covers_field (per area) the scopes.

within_scopes(actor: Principal, _action: String, _resource: Resource) if
    actor.kind = "user";
within_scopes(actor: Principal, action: String, resource: Resource) if
    actor.kind = "token" and
    scope in actor.scopes and
    scope_covers(scope, action, resource);

field_within_scopes(actor: Principal, _action: String, _resource: Resource, _field: String) if
    actor.kind = "user";
field_within_scopes(actor: Principal, action: String, resource: Resource, field: String) if
    actor.kind = "token" and
    scope in actor.scopes and
    scope_covers_field(scope, action, resource, field);
