/**
 * The configuration GraphQL Hive Gateway (`@graphql-hive/gateway`) runs with in `npm run bench`,
 * passed to its CLI as `hive-gateway supergraph FILE -c scripts/bench/hive-gateway.config.ts`:
 * it serves the same supergraph as our gateway, against the same subgraphs.
 *
 * - Caller identity: our subgraphs read who is asking from the x-credit-* headers
 *   (subgraphs/kit/caller.ts), which our gateway sets from the client's API key. Hive Gateway
 *   knows nothing of our keys, so the bench's load generator sends those headers itself and Hive
 *   Gateway forwards them (and x-request-id) to every subgraph fetch. It does no authentication
 *   and does not sign its requests: the subgraphs run with REQUIRE_GATEWAY_SIGNATURE=false.
 * - Request deduplication off: Hive Gateway merges identical in-flight subgraph requests unless
 *   told not to (`deduplicateInflightRequests`), and can merge identical incoming requests
 *   (`inboundInflightRequestDeduplication`, off by default, left off). The bench varies the ids,
 *   but a repeated id would still flatter it: every request does its own fetches, as ours does.
 * - Quiet: errors only in its log, no GraphiQL landing page, no request logging.
 *
 * The Hive Router runtime (`--hive-router-runtime`, package `@graphql-hive/router-runtime`) is
 * chosen on the command line; this file is the same for both runtimes. Both are installed in
 * scripts/bench/peers only when the bench needs them, so this file does not import their types.
 */

/** The headers our subgraphs read (subgraphs/kit/caller.ts: CallerHeader). */
const FORWARDED = ['x-credit-client', 'x-credit-role', 'x-credit-department', 'x-credit-matters', 'x-request-id'] as const;

export const gatewayConfig = {
  logging: 'error',
  graphiql: false,
  landingPage: false,
  propagateHeaders: {
    fromClientToSubgraphs({ request }: { request: Request }) {
      const headers: Record<string, string> = {};
      for (const name of FORWARDED) {
        const value = request.headers.get(name);
        if (value !== null) headers[name] = value;
      }
      return headers;
    },
  },
  transportEntries: {
    '*.http': {
      options: { deduplicateInflightRequests: false },
    },
  },
};
