"""The edge: Starlette app, Strawberry schema, resolvers, auth middleware, request context."""
