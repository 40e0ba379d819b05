// Runs graphql-http's GraphQL-over-HTTP server audit against the URL given and prints the
// results as JSON: [{id, name, status: "ok" | "notice" | "warn" | "error", reason}].
const path = require("node:path");

const dir = process.env.GRAPHQL_HTTP_DIR;
const { auditServer } = require(
  path.join(dir, "node_modules", "graphql-http", "lib", "audits", "server.js"),
);

auditServer({ url: process.argv[2] })
  .then((results) => {
    const plain = results.map(({ id, name, status, reason }) => ({ id, name, status, reason }));
    process.stdout.write(JSON.stringify(plain));
  })
  .catch((error) => {
    console.error(error);
    process.exit(2);
  });
