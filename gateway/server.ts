import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled, ApolloServerPluginUsageReportingDisabled } from '@apollo/server/plugin/disabled';
import { CallerHeader } from '../subgraphs/kit/caller.js';
import { ErrorCode } from '../subgraphs/kit/errors.js';
import { BodyTooLargeError, executeGraphQL, readBody, sendGraphQLError, sendJson } from '../subgraphs/kit/http.js';
import { listen, type RunningServer } from '../subgraphs/kit/listen.js';
import { ClientRegistry } from './clients.js';
import { OperationRecorder } from './operation-recorder.js';
import { PublicAccessPolicy } from './public-access.js';
import { RegistrySource } from './registry-source.js';
import { RateLimiter } from './rate-limiter.js';
import type { GatewayConfig } from './config.js';
import { SubgraphDataSource, type GatewayContext } from './subgraph-datasource.js';

const PUBLIC_CALLER = { clientId: 'public', role: 'PUBLIC' as const };
const PUBLIC_MAX_BODY_BYTES = 16 * 1024;
const OPERATION_FLUSH_MS = 2000;

// Offline deployments: never try to send Apollo's anonymous telemetry.
process.env.APOLLO_TELEMETRY_DISABLED ??= '1';

export interface Gateway {
  /** The registry version served, 0 when serving a supergraph file. */
  supergraphVersion(): number;
  /** Writes the operations observed so far to the registry (normally done every few seconds). */
  flushOperations(): Promise<void>;
  handler(req: IncomingMessage, res: ServerResponse): void;
  listen(port?: number, host?: string): Promise<RunningServer>;
  close(): Promise<void>;
}

/** Builds the gateway over the supergraph file of the config (without listening). */
export async function createGateway(config: GatewayConfig): Promise<Gateway> {
  const clients = new ClientRegistry(config.clients);
  const dataSources: SubgraphDataSource[] = [];
  const registry = config.registry ? await RegistrySource.open(config.registry, config.supergraphFile, config.registryPollMs) : null;
  const recorder = registry ? new OperationRecorder(registry.store, OPERATION_FLUSH_MS) : null;
  let publicPolicy = new PublicAccessPolicy(readFileSync(config.supergraphFile, 'utf8'));

  const gateway = new ApolloGateway({
    supergraphSdl: registry ? registry.hook() : readFileSync(config.supergraphFile, 'utf8'),
    buildService: ({ name, url }) => {
      const source = new SubgraphDataSource({
        name,
        url: config.subgraphUrls[name] ?? url ?? '',
        timeoutMs: config.subgraphTimeoutMs,
        connections: config.subgraphConnections,
      });
      dataSources.push(source);
      return source;
    },
  });

  const server = new ApolloServer<GatewayContext>({
    gateway,
    includeStacktraceInErrorResponses: false,
    plugins: [ApolloServerPluginLandingPageDisabled(), ApolloServerPluginUsageReportingDisabled(), ...(recorder ? [recorder.plugin()] : [])],
  });
  gateway.onSchemaLoadOrUpdate(({ coreSupergraphSdl }) => {
    publicPolicy = new PublicAccessPolicy(coreSupergraphSdl);
  });
  await server.start();

  const publicLimiter = new RateLimiter(config.publicRatePerMinute);
  const fail = (res: ServerResponse, requestId: string, idHeader: Record<string, string>) => (err: unknown) => {
    if (err instanceof BodyTooLargeError) {
      sendGraphQLError(res, 413, 'PAYLOAD_TOO_LARGE', err.message, idHeader);
      return;
    }
    console.error(`gateway: request ${requestId} failed:`, err);
    if (!res.headersSent) sendGraphQLError(res, 500, ErrorCode.Internal, `internal error (request id ${requestId})`, idHeader);
  };

  /**
   * The public endpoint: no key, a rate limit per address, and only the published red and black
   * lists and conduct reports (PublicAccessPolicy) — checked before anything is executed.
   */
  const servePublic = (req: IncomingMessage, res: ServerResponse, requestId: string, idHeader: Record<string, string>): void => {
    const wait = publicLimiter.take(req.socket.remoteAddress ?? 'unknown');
    if (wait > 0) {
      req.resume();
      sendGraphQLError(res, 429, 'RATE_LIMITED', `too many requests from this address: retry in ${wait} s`, { ...idHeader, 'retry-after': String(wait) });
      return;
    }
    if (req.method !== 'POST') {
      req.resume();
      sendGraphQLError(res, 405, 'METHOD_NOT_ALLOWED', 'the public endpoint takes POST with a JSON body', { ...idHeader, allow: 'POST' });
      return;
    }
    readBody(req, PUBLIC_MAX_BODY_BYTES)
      .then((body) => {
        let parsed: { query?: unknown; operationName?: unknown };
        try {
          parsed = JSON.parse(body);
        } catch {
          sendGraphQLError(res, 400, 'BAD_REQUEST', 'request body is not valid JSON', idHeader);
          return;
        }
        const refusal = publicPolicy.refuse(parsed?.query, parsed?.operationName);
        if (refusal) {
          sendGraphQLError(res, 403, ErrorCode.Forbidden, `public access: ${refusal}`, idHeader);
          return;
        }
        return executeGraphQL(server, req, res, body, async () => ({ caller: PUBLIC_CALLER, requestId }), idHeader);
      })
      .catch(fail(res, requestId, idHeader));
  };

  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const requestId = randomUUID();
    const idHeader = { [CallerHeader.requestId]: requestId };
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/health/live') {
      sendJson(res, 200, { status: 'ok' }, idHeader);
      return;
    }
    if (path === '/public/graphql') {
      servePublic(req, res, requestId, idHeader);
      return;
    }
    if (path !== '/graphql') {
      sendGraphQLError(res, 404, ErrorCode.NotFound, `no route ${path}; GraphQL is served at /graphql (and the public lists at /public/graphql)`, idHeader);
      return;
    }
    const caller = clients.authenticate(req.headers.authorization);
    if (!caller) {
      req.resume();
      const message = req.headers.authorization
        ? 'the API key is not known: send Authorization: Bearer <key> with a key issued to your client'
        : 'missing credentials: send Authorization: Bearer <key>';
      sendGraphQLError(res, 401, ErrorCode.Unauthenticated, message, { ...idHeader, 'www-authenticate': 'Bearer' });
      return;
    }
    readBody(req, config.maxBodyBytes)
      .then((body) => executeGraphQL(server, req, res, body, async () => ({ caller, requestId }), idHeader))
      .catch(fail(res, requestId, idHeader));
  };

  let running: RunningServer | undefined;
  return {
    handler,
    supergraphVersion: () => registry?.version ?? 0,
    flushOperations: async () => recorder?.flush(),
    async listen(port = config.port, host = config.host) {
      running = await listen(handler, port, host);
      return running;
    },
    async close() {
      await running?.close();
      await server.stop();
      await recorder?.close();
      await registry?.close();
      await Promise.all(dataSources.map((s) => s.close()));
    },
  };
}
