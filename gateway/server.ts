import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled, ApolloServerPluginUsageReportingDisabled } from '@apollo/server/plugin/disabled';
import { CallerHeader, type Role } from '../subgraphs/kit/caller.js';
import { ErrorCode } from '../subgraphs/kit/errors.js';
import { BodyTooLargeError, executeGraphQL, readBody, sendGraphQLError } from '../subgraphs/kit/http.js';
import { listen, type RunningServer } from '../subgraphs/kit/listen.js';
import { createLogger } from '../subgraphs/kit/logger.js';
import { ClientRegistry, type AuthResult } from './clients.js';
import { DEFAULT_MAX_COST, knownOperationPlugin, limitRules, queryLimitsFromEnv } from './query-limits.js';
import { costLimitPlugin } from './query-cost.js';
import { Safelist, safelistPlugin } from './safelist.js';
import { signingConfigFromEnv } from '../subgraphs/kit/request-signing.js';
import { accessPolicyPlugin } from '../subgraphs/kit/policy-plugin.js';
import { OperatorRoutes } from './http-routes.js';
import { Pages } from './pages.js';
import { SourceAvailability } from './source-availability.js';
import { GatewayMetrics } from './metrics.js';
import { knownOperationNames } from './operation-labels.js';
import { ObservedDataSource, reportFetches } from './observed-datasource.js';
import { OperationRecorder } from './operation-recorder.js';
import { PublicAccessPolicy } from './public-access.js';
import { RegistrySource } from './registry-source.js';
import { clientAddress, gatewayLimits, LimitStoreUnavailableError } from './rate-limiter.js';
import { RequestLog } from './request-log.js';
import { tracingPlugin } from './tracing-plugin.js';
import { traceRequest } from '../subgraphs/kit/tracing.js';
import { RecentSourceErrors } from './source-errors.js';
import { SubgraphProbe } from './subgraph-probe.js';
import { isLoopback, type GatewayConfig } from './config.js';
import { ConfigError } from '../subgraphs/kit/env.js';
import { SubgraphDataSource, type GatewayContext } from './subgraph-datasource.js';
import { sha256Hex as sha256 } from '../subgraphs/kit/audit.js';

/** Roles that may read /metrics and /status. */
const OPERATOR_ROLES: readonly Role[] = ['ANALYST', 'CREDIT_OFFICE'];

/** `Basic base64(user:key)` (what a browser sends after asking) as `Bearer key`; anything else unchanged. */
function basicAsBearer(authorization: string | undefined): string | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization ?? '');
  if (!match) return authorization;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return `Bearer ${colon >= 0 ? decoded.slice(colon + 1) : decoded}`;
}

const PUBLIC_CALLER = { clientId: 'public', role: 'PUBLIC' as const };
/** Who every request is made as in development mode (`--dev`): no key is asked for. */
export const DEVELOPMENT_CALLER = { clientId: 'local-development', role: 'CREDIT_OFFICE' as const };
const PUBLIC_MAX_BODY_BYTES = 16 * 1024;
const OPERATION_FLUSH_MS = 2000;
const log = createLogger('gateway');

// Offline deployments: never try to send Apollo's anonymous telemetry.
process.env.APOLLO_TELEMETRY_DISABLED ??= '1';

export interface Gateway {
  /** The registry version served, 0 when serving a supergraph file. */
  supergraphVersion(): number;
  /** When the clients in use were read from the database (epoch ms; 0 when they come from the configuration). */
  clientsReadAt(): number;
  /** Writes the operations observed so far to the registry (normally done every few seconds). */
  flushOperations(): Promise<void>;
  handler(req: IncomingMessage, res: ServerResponse): void;
  listen(port?: number, host?: string): Promise<RunningServer>;
  close(): Promise<void>;
}

/** Builds the gateway over the supergraph file of the config (without listening). */
export async function createGateway(config: GatewayConfig): Promise<Gateway> {
  // Development mode: no authentication, no access policy, unsigned subgraph requests, and the
  // operations run are not recorded for the registry's checks. Loopback only (checked on listen).
  const development = config.development === true;
  if (development) log.warn('DEVELOPMENT MODE (--dev): no authentication, no access policy, unsigned subgraph requests; every request is made as local-development (CREDIT_OFFICE). For local development only: never expose it.');
  const clients = await ClientRegistry.fromConfig(config);
  const signingSecret = development ? null : config.signingSecret ?? signingConfigFromEnv().secret;
  const dataSources: SubgraphDataSource[] = [];
  const registry = config.registry ? await RegistrySource.open(config.registry, config.supergraphFile, config.registryPollMs) : null;
  const recorder = registry && !development ? new OperationRecorder(registry.store, OPERATION_FLUSH_MS) : null;
  const supergraphFile = readFileSync(config.supergraphFile, 'utf8');
  let publicPolicy = new PublicAccessPolicy(supergraphFile);
  // Observability (metrics, recent source errors, readiness and status, request logs): gateway/http-routes.ts.
  const metrics = new GatewayMetrics(() => registry?.version ?? 0, () => clients.readAt, knownOperationNames(config.safelistFile));
  const sourceErrors = new RecentSourceErrors();
  // The last day of each source's availability, for the dashboard: from the same fetches and probes.
  const availability = new SourceAvailability();
  const probe = new SubgraphProbe(config.subgraphTimeoutMs, new Set(config.markedDown ?? []), (name, up) => {
    metrics.probed(name, up);
    availability.probed(name, up);
  });
  const requestLog = new RequestLog(log, metrics);
  const reported = reportFetches(metrics, sourceErrors, log);
  const fetchObserver: typeof reported = {
    fetched(source, seconds, failures, requestId, clientId) {
      reported.fetched(source, seconds, failures, requestId, clientId);
      availability.fetched(source, seconds, failures);
    },
  };
  let supergraph = { sdl: supergraphFile, hash: sha256(supergraphFile) };

  const gateway = new ApolloGateway({
    supergraphSdl: registry ? registry.hook() : supergraphFile,
    buildService: ({ name, url }) => {
      const source = new SubgraphDataSource({
        name,
        url: config.subgraphUrls[name] ?? url ?? '',
        timeoutMs: config.subgraphTimeouts?.[name] ?? config.subgraphTimeoutMs,
        connections: config.subgraphConnections,
        signingSecret,
      });
      dataSources.push(source);
      return new ObservedDataSource(name, source, fetchObserver);
    },
  });

  const limits = config.queryLimits ?? queryLimitsFromEnv();
  const safelist = config.safelistFile ? Safelist.fromFile(config.safelistFile) : null;
  const server = new ApolloServer<GatewayContext>({
    gateway,
    includeStacktraceInErrorResponses: false,
    // Introspection is open to analysts and the credit office only: the access policy refuses it to others.
    introspection: true,
    validationRules: limitRules(limits),
    parseOptions: { maxTokens: limits.maxTokens },
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      // No subgraph sends cache hints and no answer is cached by HTTP: computing them wrapped every field.
      ApolloServerPluginCacheControlDisabled(),
      ApolloServerPluginUsageReportingDisabled(),
      knownOperationPlugin<GatewayContext>(),
      ...(development ? [] : [accessPolicyPlugin<GatewayContext>()]),
      costLimitPlugin<GatewayContext>(limits.maxCost ?? DEFAULT_MAX_COST),
      ...(safelist && !development ? [safelistPlugin<GatewayContext>(safelist)] : []),
      metrics.plugin(),
      requestLog.plugin(),
      ...(recorder ? [recorder.plugin()] : []),
      tracingPlugin(),
    ],
  });
  gateway.onSchemaLoadOrUpdate(({ coreSupergraphSdl }) => {
    publicPolicy = new PublicAccessPolicy(coreSupergraphSdl);
    supergraph = { sdl: coreSupergraphSdl, hash: sha256(coreSupergraphSdl) };
  });
  await server.start();
  const authorizeOperator = async (authorization: string | undefined): Promise<{ status: 401 | 403; message: string } | null> => {
    const auth = await clients.authenticateRequest(basicAsBearer(authorization));
    if (!('caller' in auth)) return { status: 401, message: auth.reason };
    if (!OPERATOR_ROLES.includes(auth.caller.role)) {
      return { status: 403, message: `forbidden by rule operators: metrics and status are for ANALYST and CREDIT_OFFICE, not ${auth.caller.role} ${auth.caller.clientId}` };
    }
    return null;
  };
  const operatorRoutes = new OperatorRoutes({
    registry,
    supergraph: () => supergraph,
    subgraphUrls: config.subgraphUrls,
    probe,
    errors: sourceErrors,
    metrics,
    authorize: authorizeOperator,
  });
  // Probed now and then even when nobody asks for the status, so the availability has no gaps.
  const probing = config.availabilityProbeMs ? setInterval(() => void operatorRoutes.status().catch(() => {}), config.availabilityProbeMs) : null;
  probing?.unref();

  const trustedProxies = new Set(config.trustedProxies ?? []);
  const rateLimits = await gatewayLimits(config.publicRatePerMinute, config.clientRatePerMinute ?? 60_000, config.rateLimitStore ?? null);
  const publicWait = async (req: IncomingMessage): Promise<number> => {
    const wait = await rateLimits.public.take(clientAddress(req.socket.remoteAddress, req.headers['x-forwarded-for'], trustedProxies));
    if (wait > 0) metrics.rateLimited('public');
    return wait;
  };
  const pages = new Pages({ departments: () => publicPolicy.listNamespaces(), availability, authorize: authorizeOperator, publicWait });
  const fail = (res: ServerResponse, requestId: string, idHeader: Record<string, string>) => (err: unknown) => {
    if (err instanceof BodyTooLargeError) {
      sendGraphQLError(res, 413, 'PAYLOAD_TOO_LARGE', err.message, idHeader);
      return;
    }
    log.error('request failed', { requestId, err });
    if (!res.headersSent) sendGraphQLError(res, 500, ErrorCode.Internal, `internal error (request id ${requestId})`, idHeader);
  };

  /**
   * The public endpoint: no key, a rate limit per address, and only the published red and black
   * lists and conduct reports (PublicAccessPolicy) — checked before anything is executed.
   */
  const servePublic = (req: IncomingMessage, res: ServerResponse, requestId: string, idHeader: Record<string, string>): void => {
    publicWait(req).then(
      (wait) => {
        if (wait > 0) {
          req.resume();
          sendGraphQLError(res, 429, 'RATE_LIMITED', `too many requests from this address: retry in ${wait} s`, { ...idHeader, 'retry-after': String(wait) });
          return;
        }
        servePublicAllowed(req, res, requestId, idHeader);
      },
      (err: unknown) => limitUnavailable(req, res, requestId, idHeader, err),
    );
  };

  /** A limit whose store is down and fails closed: 503 with retry-after, nothing executed. */
  const limitUnavailable = (req: IncomingMessage, res: ServerResponse, requestId: string, idHeader: Record<string, string>, err: unknown): void => {
    req.resume();
    if (err instanceof LimitStoreUnavailableError) {
      sendGraphQLError(res, 503, 'RATE_LIMIT_UNAVAILABLE', err.message, { ...idHeader, 'retry-after': String(err.retryAfterSeconds) });
      return;
    }
    fail(res, requestId, idHeader)(err);
  };

  const servePublicAllowed = (req: IncomingMessage, res: ServerResponse, requestId: string, idHeader: Record<string, string>): void => {
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
    traceRequest(req, res, 'gateway', { 'credit.request_id': requestId }, () => route(req, res, requestId));
  };

  const route = (req: IncomingMessage, res: ServerResponse, requestId: string): void => {
    const idHeader = { [CallerHeader.requestId]: requestId };
    const path = (req.url ?? '/').split('?')[0]!;
    requestLog.observe(req, res, requestId, path);
    if (pages.handle(req, res, path, idHeader)) return;
    if (operatorRoutes.handle(req, res, path, idHeader)) return;
    if (path === '/public/graphql') {
      servePublic(req, res, requestId, idHeader);
      return;
    }
    if (path !== '/graphql') {
      sendGraphQLError(res, 404, ErrorCode.NotFound, `no route ${path}; GraphQL is served at /graphql (and the public lists at /public/graphql), GraphiQL at /graphiql, the status at /status, the dashboard at /dashboard, the public lists at /public`, idHeader);
      return;
    }
    // API keys are looked up synchronously; only a JWT needs an asynchronous verification.
    const known = development ? DEVELOPMENT_CALLER : clients.authenticate(req.headers.authorization);
    const authenticated: Promise<AuthResult> = known ? Promise.resolve({ caller: known }) : clients.authenticateRequest(req.headers.authorization);
    authenticated
      .then((auth) => {
        if (!('caller' in auth)) {
          req.resume();
          sendGraphQLError(res, 401, ErrorCode.Unauthenticated, auth.reason, { ...idHeader, 'www-authenticate': 'Bearer' });
          return;
        }
        const { caller } = auth;
        return rateLimits.client.take(caller.clientId).then(
          (wait) => {
            if (wait > 0) {
              req.resume();
              metrics.rateLimited('graphql');
              sendGraphQLError(res, 429, 'RATE_LIMITED', `client ${caller.clientId} sent too many requests: retry in ${wait} s`, { ...idHeader, 'retry-after': String(wait) });
              return;
            }
            return readBody(req, config.maxBodyBytes).then((body) => executeGraphQL(server, req, res, body, async () => ({ caller, requestId }), idHeader));
          },
          (err: unknown) => limitUnavailable(req, res, requestId, idHeader, err),
        );
      })
      .catch(fail(res, requestId, idHeader));
  };

  let running: RunningServer | undefined;
  return {
    handler,
    supergraphVersion: () => registry?.version ?? 0,
    clientsReadAt: () => clients.readAt,
    flushOperations: async () => recorder?.flush(),
    async listen(port = config.port, host = config.host) {
      if (development && !isLoopback(host)) throw new ConfigError(`--dev is refused on host ${JSON.stringify(host)}: development mode listens only on a loopback address (127.0.0.1, ::1 or localhost), never on a network`);
      running = await listen(handler, port, host);
      return running;
    },
    async close() {
      if (probing) clearInterval(probing);
      await running?.close();
      await server.stop();
      await recorder?.close();
      await registry?.close();
      await clients.close();
      await Promise.all(dataSources.map((s) => s.close()));
      await probe.close();
      await rateLimits.close();
    },
  };
}
