# Organizations, users, memberships, platform roles, sessions and sign-in records.
#
# Not granted to anyone, so denied: LoginChallenge, PasswordReset, SignUpConfirmation,
# EmailChange and EmailOutbox (internal to sign-in, sign-up, address changes and mail delivery),
# and every credential field (password_hash, mfa_secret_encrypted, token_hash, code_hash,
# body_encrypted).

# Creating an organization (its creator becomes its owner) is for people, never partner tokens:
# no scope covers it.
resource Platform {
    permissions = ["create_organization"];
}

has_permission(actor: Principal, "create_organization", _platform: Platform) if
    actor.kind = "user";

resource Organization {
    permissions = [
        "read", "update", "create_product", "create_warehouse", "import_order", "open_ticket",
        "manage_tokens", "manage_roles"
    ];
    roles = ["viewer", "staff", "manager", "admin", "owner"];

    "read" if "viewer";
    "open_ticket" if "staff";
    "create_product" if "manager";
    "create_warehouse" if "manager";
    "import_order" if "manager";
    "update" if "admin";
    "manage_tokens" if "admin";
    "manage_roles" if "admin";
}

# Its GSTIN and address can be a sole proprietor's own: members see them, admins change them.
field_permission(actor: Principal, "read", org: Organization, field: String) if
    has_role(actor, "viewer", org) and
    field in ["gstin", "address_line1", "address_line2", "city", "state", "postal_code"];
field_permission(actor: Principal, "update", org: Organization, field: String) if
    has_role(actor, "admin", org) and
    field in ["gstin", "address_line1", "address_line2", "city", "state", "postal_code"];

# A token sees the organization it acts for (to name it in a call), never its personal fields.
scope_covers(_scope: String, "read", _org: Organization);
scope_covers("catalog:write", "create_product", _org: Organization);
scope_covers("orders:write", "import_order", _org: Organization);
scope_covers("tickets:write", "open_ticket", _org: Organization);

# --- users: the data subject reads and corrects their own data ---------------------------------

resource User {
    permissions = ["read", "update"];
    roles = ["subject", "granted_support"];

    "read" if "subject";
    "update" if "subject";
    "read" if "granted_support";
}

has_role(actor: Principal, "subject", user: User) if
    actor.kind = "user" and
    user.id = actor.user_id;

# A support agent under an open access grant for this user.
has_role(actor: Principal, "granted_support", user: User) if
    actor.kind = "user" and
    "support_agent" in actor.platform_roles and
    user.id in Grants.subject_ids(actor, "user");

# Any signed-in person may see that a user exists (id, locale, created_at: e.g. who created a
# partner token); every personal field below still needs its own rule. Not a pending sign-up:
# that is no account yet, and its id, the next one, would tell a sign-up with a new address
# (which makes one) from one with a registered address (which does not).
has_permission(actor: Principal, "read", user: User) if
    actor.kind = "user" and
    user.status != "pending";

field_permission(actor: Principal, "read", user: User, field: String) if
    has_role(actor, "subject", user) and
    field in ["username", "email", "phone", "full_name", "country", "adult_attested_at"];
field_permission(actor: Principal, "read", user: User, field: String) if
    has_role(actor, "granted_support", user) and
    field in ["username", "email", "phone", "full_name", "country", "adult_attested_at"];
field_permission(actor: Principal, "update", user: User, field: String) if
    has_role(actor, "subject", user) and
    field in ["email", "phone", "full_name", "country"];

# --- organization roles: who holds which; giving and taking them ------------------------------

resource Membership {
    permissions = ["read", "create", "delete"];
    roles = ["viewer", "subject", "security_reviewer"];

    "read" if "viewer";
    "read" if "subject";
    "read" if "security_reviewer";
}

has_role(actor: Principal, "subject", membership: Membership) if
    actor.kind = "user" and
    membership.user_id = actor.user_id;

# Owners and admins give and take roles no higher than their own, never their own.
# (That the last owner stays is checked where the count is known: domain/accounts/roles.py.)
has_permission(actor: Principal, action: String, membership: Membership) if
    action in ["create", "delete"] and
    actor.kind = "user" and
    membership.user_id != actor.user_id and
    org_id in actor.organization_ids and
    membership.organization_id = org_id and
    role_at_least(actor.role_in(org_id), "admin") and
    role_at_least(actor.role_in(org_id), membership.role);

# --- platform roles ----------------------------------------------------------------------------

resource PlatformRoleGrant {
    permissions = ["read", "create", "delete"];
    roles = ["subject", "platform_admin", "security_reviewer"];

    "read" if "subject";
    "read" if "platform_admin";
    "read" if "security_reviewer";
}

has_role(actor: Principal, "subject", grant: PlatformRoleGrant) if
    actor.kind = "user" and
    grant.user_id = actor.user_id;

# Platform admins give and take platform roles (platform_admin is the highest), never their own.
has_permission(actor: Principal, action: String, grant: PlatformRoleGrant) if
    action in ["create", "delete"] and
    actor.kind = "user" and
    "platform_admin" in actor.platform_roles and
    grant.user_id != actor.user_id;

# --- sessions and sign-in history: the person's own; security reviewers without the values ----

resource WebSession {
    permissions = ["read", "delete"];
    roles = ["subject", "security_reviewer"];

    "read" if "subject";
    "delete" if "subject";
    "read" if "security_reviewer";
}

has_role(actor: Principal, "subject", web_session: WebSession) if
    actor.kind = "user" and
    web_session.user_id = actor.user_id;

field_permission(actor: Principal, "read", web_session: WebSession, field: String) if
    has_role(actor, "subject", web_session) and
    field in ["ip", "user_agent"];

resource LoginEvent {
    permissions = ["read"];
    roles = ["subject", "security_reviewer"];

    "read" if "subject";
    "read" if "security_reviewer";
}

has_role(actor: Principal, "subject", event: LoginEvent) if
    actor.kind = "user" and
    event.user_id = actor.user_id;

field_permission(actor: Principal, "read", event: LoginEvent, field: String) if
    has_role(actor, "subject", event) and
    field in ["ip", "user_agent"];

resource RecoveryCode {
    permissions = ["read"];
    roles = ["subject"];

    "read" if "subject";
}

has_role(actor: Principal, "subject", code: RecoveryCode) if
    actor.kind = "user" and
    code.user_id = actor.user_id;

# --- partner tokens ----------------------------------------------------------------------------

# Who holds which token, with which scopes, used when: owners and admins, who manage them (the
# same as partnerTokens(organizationId)); node(id:) reads a token through this rule too.
resource PartnerToken {
    permissions = ["read", "manage_tokens"];
    roles = ["viewer", "admin"];

    "read" if "admin";
    "manage_tokens" if "admin";
}
