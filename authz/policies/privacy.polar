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

# Restriction of processing and objection (domain/privacy/restrictions.py).
# - the person (a user) restricts, objects and lifts their own, and sees them;
# - for a buyer, the seller's owners and admins act on the buyer's behalf (the buyer asked the
#   seller through a verified contact channel); restrictions on users carry no organization;
# - privacy officers handle every one; platform admins and security reviewers see them (ids only).
# Lifting by anyone but the person is announced to them and takes effect a week later.

resource ProcessingRestriction {
    permissions = ["read", "create", "lift"];
    roles = ["admin", "subject", "privacy_officer", "platform_admin", "security_reviewer"];

    "read" if "admin";
    "create" if "admin";
    "lift" if "admin";
    "read" if "subject";
    "create" if "subject";
    "lift" if "subject";
    "read" if "privacy_officer";
    "create" if "privacy_officer";
    "lift" if "privacy_officer";
    "read" if "platform_admin";
    "read" if "security_reviewer";
}

has_role(actor: Principal, "subject", restriction: ProcessingRestriction) if
    actor.kind = "user" and
    restriction.subject_kind = "user" and
    restriction.subject_id = actor.user_id;

# Notices owed to a person (domain/privacy/notices.py): ids and facts, no personal values.
resource PrivacyNotice {
    permissions = ["read"];
    roles = ["admin", "subject", "privacy_officer"];

    "read" if "admin";
    "read" if "subject";
    "read" if "privacy_officer";
}

has_role(actor: Principal, "subject", notice: PrivacyNotice) if
    actor.kind = "user" and
    notice.subject_kind = "user" and
    notice.subject_id = actor.user_id;

# Privacy requests (domain/privacy/requests.py): a person exercising a right.
# - a user files requests about themselves (after signing in again) and follows them;
# - a seller's owners and admins file them for a buyer who asked through a verified channel;
# - privacy officers file them for anyone, take them on, extend, deny and fulfil them;
# - a user fulfils their own access, portability and erasure requests (as easily as asked);
# - platform admins and security reviewers see them (ids, dates and states only).

resource PrivacyRequest {
    permissions = ["read", "create", "take", "extend", "deny", "fulfil", "receive_export"];
    roles = ["admin", "subject", "privacy_officer", "platform_admin", "security_reviewer"];

    "read" if "admin";
    "create" if "admin";
    "read" if "subject";
    "create" if "subject";
    "read" if "privacy_officer";
    "create" if "privacy_officer";
    "take" if "privacy_officer";
    "extend" if "privacy_officer";
    "deny" if "privacy_officer";
    "fulfil" if "privacy_officer";
    "receive_export" if "subject";
    "read" if "platform_admin";
    "read" if "security_reviewer";
}

has_role(actor: Principal, "subject", request: PrivacyRequest) if
    actor.kind = "user" and
    request.subject_kind = "user" and
    request.subject_id = actor.user_id;

has_permission(actor: Principal, "fulfil", request: PrivacyRequest) if
    has_role(actor, "subject", request) and
    request.type in ["access", "portability", "erasure"];

# Legal holds veto erasure: only privacy officers set, see and release them.
resource LegalHold {
    permissions = ["read", "create", "release"];
    roles = ["privacy_officer"];

    "read" if "privacy_officer";
    "create" if "privacy_officer";
    "release" if "privacy_officer";
}

# A person's data export leaves only through its one-time link (api/privacy/download.py): no
# rule lets anyone read it through the API.
resource ExportFile {
    permissions = ["read"];
}

# Rows erasure kept because the law requires it, with their retain-until date (ids only).
resource RetainedRecord {
    permissions = ["read"];
    roles = ["privacy_officer"];

    "read" if "privacy_officer";
}

# Consent events (domain/privacy/consent.py): a user records and sees their own; privacy
# officers see every one (purpose, choice, method, version; the truncated IP only in exports).
resource ConsentEvent {
    permissions = ["read", "create"];
    roles = ["subject", "privacy_officer"];

    "read" if "subject";
    "create" if "subject";
    "read" if "privacy_officer";
}

has_role(actor: Principal, "subject", event: ConsentEvent) if
    actor.kind = "user" and
    event.user_id = actor.user_id;

# Breach incidents (domain/privacy/breach.py): privacy officers record them, report them to the
# authority and notify the people affected; platform admins and security reviewers read them.
resource BreachIncident {
    permissions = ["read", "create", "notify"];
    roles = ["privacy_officer", "platform_admin", "security_reviewer"];

    "read" if "privacy_officer";
    "create" if "privacy_officer";
    "notify" if "privacy_officer";
    "read" if "platform_admin";
    "read" if "security_reviewer";
}

# Privacy policy versions: every signed-in person reads them; privacy officers publish them.
# Acceptances: the person records and sees their own; privacy officers see every one.
resource PrivacyPolicyVersion {
    permissions = ["read", "publish"];
    roles = ["privacy_officer"];

    "publish" if "privacy_officer";
}

has_permission(actor: Principal, "read", _policy: PrivacyPolicyVersion) if
    actor.kind = "user";

resource PolicyAcceptance {
    permissions = ["read", "create"];
    roles = ["subject", "privacy_officer"];

    "read" if "subject";
    "create" if "subject";
    "read" if "privacy_officer";
}

has_role(actor: Principal, "subject", acceptance: PolicyAcceptance) if
    actor.kind = "user" and
    acceptance.user_id = actor.user_id;
