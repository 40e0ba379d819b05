# The audit log. Security reviewers read it; nobody reads an entry's network identity of the
# actor (ip, user_agent: personal data) through the API, so they see who did what to whose data,
# never a personal value. Its entries name fields and subject ids, never values.

resource AuditEntry {
    permissions = ["read"];
    roles = ["security_reviewer"];

    "read" if "security_reviewer";
}

resource AuditCheckpoint {
    permissions = ["read"];
    roles = ["security_reviewer"];

    "read" if "security_reviewer";
}
