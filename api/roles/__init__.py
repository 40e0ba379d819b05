"""GraphQL for role administration: who holds which organization and platform roles."""
