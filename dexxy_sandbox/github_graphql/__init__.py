"""The GitHub GraphQL emulator: schema, query cost, cursors, search, resolvers, the `/graphql` endpoint."""
