import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson } from '../subgraphs/kit/http.js';
import type { GatewayStatus } from './gateway-status.js';
import { subgraphStatuses } from './gateway-status.js';
import { serveGraphiQL } from './graphiql.js';
import { pageRouteOf } from './pages.js';
import type { GatewayMetrics } from './metrics.js';
import type { RegistrySource } from './registry-source.js';
import type { RecentSourceErrors } from './source-errors.js';
import type { SubgraphProbe } from './subgraph-probe.js';
import { subgraphTargets, type SubgraphTarget } from './subgraph-targets.js';
import { renderStatusPage } from './status-page.js';

export interface OperatorRoutesOptions {
  registry: RegistrySource | null;
  /** The supergraph served now and the SHA-256 of its SDL. */
  supergraph(): { sdl: string; hash: string };
  /** Routing URL overrides (SUBGRAPH_URLS), by subgraph name. */
  subgraphUrls: Readonly<Record<string, string>>;
  probe: SubgraphProbe;
  errors: RecentSourceErrors;
  metrics: GatewayMetrics;
  /**
   * Who may read /metrics, /status and /status.json: null when the request's credentials allow
   * it, else the HTTP status and reason. Absent: open (tests of the routes themselves).
   */
  authorize?(authorization: string | undefined): Promise<{ status: 401 | 403; message: string } | null>;
}

/** Failures listed in /status.json (each client's failures are also summed up in `byClient`). */
const RECENT_ERRORS = 200;

/** Routes that show the platform's inside (sources, errors, traffic): analysts and the credit office. */
const OPERATOR_ONLY = new Set(['/metrics', '/status', '/status.json']);

const ROUTES = new Set(['/graphql', '/public/graphql', '/health/live', '/health/ready', '/metrics', '/status', '/status.json', '/graphiql']);

/** Routes whose requests are not worth a log line each (probes, scrapes, static files). */
export const QUIET_ROUTES = new Set(['/health/live', '/health/ready', '/metrics', '/graphiql/assets', '/pages/assets']);

/** The route a path is counted under in metrics and logs: known routes, or `other`. */
export function routeOf(pathname: string): string {
  if (pathname.startsWith('/graphiql/assets/')) return '/graphiql/assets';
  if (pathname === '/graphiql/') return '/graphiql';
  return ROUTES.has(pathname) ? pathname : (pageRouteOf(pathname) ?? 'other');
}

/**
 * What operators and analysts use besides GraphQL: `/health/live`, `/health/ready`, `/metrics`
 * (Prometheus), `/status` (HTML) and `/status.json`, and GraphiQL at `/graphiql`. Health is open
 * (load balancers probe it); metrics and status need an analyst's or the credit office's key, as a
 * bearer token or as the password of HTTP Basic authentication (which a browser asks for itself);
 * GraphiQL's page is a shell whose every request needs such a key (introspection is theirs only).
 */
export class OperatorRoutes {
  readonly startedAt = new Date().toISOString();
  private targets: { hash: string; list: SubgraphTarget[] } | undefined;

  constructor(private readonly options: OperatorRoutesOptions) {}

  /** Answers `pathname` if it is one of these routes; false (nothing sent) otherwise. */
  handle(req: IncomingMessage, res: ServerResponse, pathname: string, headers: Record<string, string>): boolean {
    const route = routeOf(pathname);
    const ours = (route !== 'other' && route !== '/graphql' && route !== '/public/graphql') || pathname === '/favicon.ico';
    if (ours && req.method !== 'GET' && req.method !== 'HEAD') {
      req.resume();
      res.writeHead(405, { ...headers, allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' });
      res.end(`${pathname} takes GET`);
      return true;
    }
    if (pathname === '/health/live') {
      sendJson(res, 200, { status: 'ok' }, headers);
      return true;
    }
    if (pathname === '/favicon.ico') {
      res.writeHead(204, headers);
      res.end();
      return true;
    }
    if (serveGraphiQL(req, res, pathname, headers)) return true;
    if (OPERATOR_ONLY.has(pathname) && this.options.authorize) {
      this.options.authorize(req.headers.authorization).then(
        (refusal) => {
          if (!refusal) return this.answer(res, pathname, headers);
          const challenge: Record<string, string> = refusal.status === 401 ? { 'www-authenticate': 'Basic realm="credit platform operators", charset="UTF-8"' } : {};
          sendJson(res, refusal.status, { error: refusal.message }, { ...headers, ...challenge });
          return true;
        },
        () => sendJson(res, 500, { error: 'internal error' }, headers),
      );
      return true;
    }
    return this.answer(res, pathname, headers);
  }

  private answer(res: ServerResponse, pathname: string, headers: Record<string, string>): boolean {
    const respond = (work: Promise<void>) => {
      work.catch((err: unknown) => {
        if (!res.headersSent) sendJson(res, 500, { error: `internal error: ${(err as Error).message}` }, headers);
      });
      return true;
    };
    if (pathname === '/health/ready') {
      return respond(
        this.status().then((s) =>
          sendJson(res, s.ready ? 200 : 503, {
            status: s.ready ? 'ready' : 'not ready',
            registry: s.registry,
            supergraph: { source: s.supergraph.source, version: s.supergraph.version },
            subgraphs: Object.fromEntries(s.subgraphs.map((g) => [g.name, { status: g.status, latencyMs: g.latencyMs, ...(g.detail ? { detail: g.detail } : {}) }])),
          }, headers),
        ),
      );
    }
    if (pathname === '/metrics') {
      return respond(
        this.options.metrics.render().then(({ contentType, body }) => {
          res.writeHead(200, { ...headers, 'content-type': contentType, 'content-length': String(Buffer.byteLength(body)), 'cache-control': 'no-store' });
          res.end(body);
        }),
      );
    }
    if (pathname === '/status.json') {
      return respond(this.status().then((s) => sendJson(res, 200, s, { ...headers, 'cache-control': 'no-store' })));
    }
    if (pathname === '/status') {
      return respond(
        this.status().then((s) => {
          const body = renderStatusPage(s);
          res.writeHead(200, {
            ...headers,
            'content-type': 'text/html; charset=utf-8',
            'content-length': String(Buffer.byteLength(body)),
            'cache-control': 'no-store',
            'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
          });
          res.end(body);
        }),
      );
    }
    return false;
  }

  /** Probes every subgraph and reads the registry: what the status page and readiness show. */
  async status(): Promise<GatewayStatus> {
    const { registry, probe, errors } = this.options;
    const supergraph = this.options.supergraph();
    if (this.targets?.hash !== supergraph.hash) this.targets = { hash: supergraph.hash, list: subgraphTargets(supergraph.sdl, this.options.subgraphUrls) };
    const [health, databaseReachable, served] = await Promise.all([
      probe.probe(this.targets.list),
      registry ? registry.reachable() : Promise.resolve(true),
      registry ? registry.served().catch(() => null) : Promise.resolve(null),
    ]);
    const registryState = registry ? { loaded: registry.loaded, databaseReachable } : null;
    const fromRegistry = served !== null && served.supergraphHash === supergraph.hash;
    return {
      generatedAt: new Date().toISOString(),
      startedAt: this.startedAt,
      ready: (registryState === null || (registryState.loaded && registryState.databaseReachable)) && health.every((h) => h.status !== 'down'),
      supergraph: {
        source: fromRegistry ? 'registry' : 'file',
        version: fromRegistry ? served.version : 0,
        composedAt: fromRegistry ? served.composedAt : null,
        hash: supergraph.hash,
      },
      registry: registryState,
      subgraphs: subgraphStatuses(health, fromRegistry ? served : null),
      errors: { bySource: errors.bySource(), byClient: errors.byClient(), recent: errors.recent(RECENT_ERRORS) },
    };
  }
}
