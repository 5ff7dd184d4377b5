/**
 * Our gateway with its production features off, for `npm run bench` (target `ours-bare`): what
 * gateway/server.ts builds, less everything a production deployment adds around the query plan,
 * so that the bench shows what those features cost.
 *
 * Kept, as in gateway/server.ts: Apollo Server over @apollo/gateway with the same supergraph, our
 * subgraph fetcher (gateway/subgraph-datasource.ts: undici keep-alive pools, the timeout, answers
 * for unavailable sources), API-key authentication (gateway/clients.ts) and the caller headers and
 * request id it forwards to the subgraphs, the body size limit, no stack traces.
 * Off: request signing (the subgraphs run with REQUIRE_GATEWAY_SIGNATURE=false), the Prometheus
 * metrics plugin and the timing of every subgraph fetch (gateway/metrics.ts,
 * gateway/observed-datasource.ts), request logging (gateway/request-log.ts), the per-client rate
 * limit, the query limits (depth, aliases, tokens: gateway/query-limits.ts), the registry (the
 * supergraph file is served as it is) with its polling and the recording of client operations,
 * the public endpoint and the operator routes (only /graphql and /health/ready answer).
 *
 * Usage (by scripts/bench.ts): node --import tsx scripts/bench/bare-gateway.ts --supergraph FILE
 * --port N [--host H], with SUBGRAPH_URLS, SUBGRAPH_TIMEOUT_MS, SUBGRAPH_CONNECTIONS in the environment.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled, ApolloServerPluginUsageReportingDisabled } from '@apollo/server/plugin/disabled';
import { ClientRegistry } from '../../gateway/clients.js';
import { gatewayConfigFromEnv } from '../../gateway/config.js';
import { SubgraphDataSource, type GatewayContext } from '../../gateway/subgraph-datasource.js';
import { CallerHeader } from '../../subgraphs/kit/caller.js';
import { BodyTooLargeError, executeGraphQL, readBody, sendGraphQLError, sendJson } from '../../subgraphs/kit/http.js';
import { listen, stopOnSignals } from '../../subgraphs/kit/listen.js';

process.env.APOLLO_TELEMETRY_DISABLED ??= '1';

const config = gatewayConfigFromEnv();
const clients = new ClientRegistry(config.clients);
const sources: SubgraphDataSource[] = [];
const gateway = new ApolloGateway({
  supergraphSdl: readFileSync(config.supergraphFile, 'utf8'),
  buildService: ({ name, url }) => {
    const source = new SubgraphDataSource({
      name,
      url: config.subgraphUrls[name] ?? url ?? '',
      timeoutMs: config.subgraphTimeoutMs,
      connections: config.subgraphConnections,
      signingSecret: null,
    });
    sources.push(source);
    return source;
  },
});
const server = new ApolloServer<GatewayContext>({
  gateway,
  includeStacktraceInErrorResponses: false,
  plugins: [ApolloServerPluginLandingPageDisabled(), ApolloServerPluginUsageReportingDisabled()],
});
await server.start();

function handler(req: IncomingMessage, res: ServerResponse): void {
  const requestId = randomUUID();
  const idHeader = { [CallerHeader.requestId]: requestId };
  const path = (req.url ?? '/').split('?')[0]!;
  if (path === '/health/ready') {
    req.resume();
    sendJson(res, 200, { status: 'ready' }, idHeader);
    return;
  }
  if (path !== '/graphql') {
    req.resume();
    sendGraphQLError(res, 404, 'NOT_FOUND', `no route ${path}`, idHeader);
    return;
  }
  const caller = clients.authenticate(req.headers.authorization);
  if (!caller) {
    req.resume();
    sendGraphQLError(res, 401, 'UNAUTHENTICATED', 'unknown or missing API key', idHeader);
    return;
  }
  readBody(req, config.maxBodyBytes)
    .then((body) => executeGraphQL(server, req, res, body, async () => ({ caller, requestId }), idHeader))
    .catch((err: unknown) => {
      if (err instanceof BodyTooLargeError) return sendGraphQLError(res, 413, 'PAYLOAD_TOO_LARGE', err.message, idHeader);
      if (!res.headersSent) sendGraphQLError(res, 500, 'INTERNAL', `internal error (request id ${requestId})`, idHeader);
    });
}

const running = await listen(handler, config.port, config.host);
console.log(`bare gateway listening at ${running.url}`);
stopOnSignals('bare-gateway', async () => {
  await running.close();
  await server.stop();
  await Promise.all(sources.map((s) => s.close()));
});
