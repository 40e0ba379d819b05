# The audit log. Entries name fields and subject ids, never values of the data accessed.
#
# A search of the log (AuditSearch: the subject and organization it asks for) is decided first:
# - security reviewers and platform admins run any search and read every entry it matches;
# - a privacy officer handles one data subject at a time: a search naming a subject, and then
#   every entry about that subject; never a search without one (whatever other roles they hold);
# - an organization's owner (who is no privacy officer) runs any search and reads the entries of
#   their organizations only (the rows' "list" rule below filters them).
# The actor's network identity (ip, user_agent: the actor's personal data) is for security
# reviewers and platform admins only, who need "from where". A data subject's view of who
# accessed their data is a separate query (viewer.dataAccessLog) showing no actor identity.

resource AuditSearch {
    permissions = ["run", "read_every_match"];
    roles = ["security_reviewer", "platform_admin", "privacy_officer"];

    "run" if "read_every_match";
    "read_every_match" if "security_reviewer";
    "read_every_match" if "platform_admin";
}

has_permission(actor: Principal, "read_every_match", search: AuditSearch) if
    has_role(actor, "privacy_officer", search) and
    search.subject != nil;

# (Not for a privacy officer, who searches one data subject whatever other roles they hold.)
has_permission(actor: Principal, "run", _search: AuditSearch) if
    actor.kind = "user" and
    not "privacy_officer" in actor.platform_roles and
    org_id in actor.organization_ids and
    role_at_least(actor.role_in(org_id), "owner");

# "list": the rows a search without read_every_match returns. "read": the entries a privacy
# officer reaches only through a search of one subject.
resource AuditEntry {
    permissions = ["read", "list"];
    roles = ["security_reviewer", "platform_admin", "privacy_officer", "owner"];

    "read" if "list";
    "list" if "security_reviewer";
    "list" if "platform_admin";
    "list" if "owner";
    "read" if "privacy_officer";
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
