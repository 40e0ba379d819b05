# The audit log. Entries name fields and subject ids, never values of the data accessed.
#
# Security reviewers and platform admins read every entry; an organization's owner reads the
# entries of their organization; privacy officers read entries about data subjects (the API
# asks them for a subject filter). The actor's network identity (ip, user_agent: the actor's
# personal data) is for security reviewers and platform admins only, who need "from where".
# A data subject's view of who accessed their data is a separate query (viewer.dataAccessLog)
# showing no actor identity.

resource AuditEntry {
    permissions = ["read"];
    roles = ["security_reviewer", "platform_admin", "privacy_officer", "owner"];

    "read" if "security_reviewer";
    "read" if "platform_admin";
    "read" if "privacy_officer";
    "read" if "owner";
}

field_permission(actor: Principal, "read", entry: AuditEntry, field: String) if
    (has_role(actor, "security_reviewer", entry) or has_role(actor, "platform_admin", entry)) and
    field in ["ip", "user_agent"];

resource AuditCheckpoint {
    permissions = ["read"];
    roles = ["security_reviewer", "platform_admin"];

    "read" if "security_reviewer";
    "read" if "platform_admin";
}
