"""GraphQL for privacy: support access grants."""
