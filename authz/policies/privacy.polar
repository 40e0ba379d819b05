# Support access grants: a support agent's time-boxed, justified access to one person's data.
#
# Only open grants (not revoked, not expired) reach a principal (authz/principal.py loads them
# at the start of a request), so a grant created in a request counts from the next one.
# - a support agent creates grants for themselves, and reads and revokes their own;
# - the data subject (a user) sees every grant on their own data;
# - an organization's owners and admins see grants on their buyers (customer grants carry it);
# - privacy officers and platform admins see and revoke every grant;
# - security reviewers see every grant (the justification describes the access, not the person).

resource AccessGrant {
    permissions = ["read", "create", "revoke"];
    roles = [
        "admin", "subject", "grantee", "platform_admin", "privacy_officer", "security_reviewer"
    ];

    "read" if "admin";
    "read" if "subject";
    "read" if "grantee";
    "revoke" if "grantee";
    "read" if "platform_admin";
    "revoke" if "platform_admin";
    "read" if "privacy_officer";
    "revoke" if "privacy_officer";
    "read" if "security_reviewer";
}

has_role(actor: Principal, "subject", grant: AccessGrant) if
    actor.kind = "user" and
    grant.subject_kind = "user" and
    grant.subject_id = actor.user_id;

has_role(actor: Principal, "grantee", grant: AccessGrant) if
    actor.kind = "user" and
    grant.grantee_id = actor.user_id;

has_permission(actor: Principal, "create", grant: AccessGrant) if
    actor.kind = "user" and
    "support_agent" in actor.platform_roles and
    grant.grantee_id = actor.user_id;
