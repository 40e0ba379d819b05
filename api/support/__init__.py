"""GraphQL for support."""
