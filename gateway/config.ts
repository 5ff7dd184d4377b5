import { isIP } from 'node:net';
import { parseArgs } from 'node:util';
import path from 'node:path';
import { databaseConfigFromEnv, type DatabaseConfig } from '../subgraphs/kit/database.js';
import { RECORD_ID_SECRET } from '../subgraphs/kit/record-ids.js';
import { ConfigError, envInt, envOptional, envString, isProduction, requireProductionSettings } from '../subgraphs/kit/env.js';
import { DEMO_CLIENTS, loadClientsFile, type ClientDefinition } from './clients.js';
import { jwtSettingsProblems, type JwtConfig } from './jwt.js';
import type { QueryLimits } from './query-limits.js';
import type { RateLimitStoreConfig } from './rate-limiter.js';

/** Everything the gateway needs to start, read and checked once. */
export interface GatewayConfig {
  port: number;
  host: string;
  supergraphFile: string;
  /**
   * The registry database the supergraph comes from (polled every registryPollMs), or null to
   * serve `supergraphFile` as it is — what `--supergraph FILE` asks for.
   */
  registry: DatabaseConfig | null;
  registryPollMs: number;
  /** Routing URLs that replace those in the supergraph, by subgraph name. */
  subgraphUrls: Record<string, string>;
  subgraphTimeoutMs: number;
  /**
   * Timeouts of particular subgraphs, by name, instead of subgraphTimeoutMs (SUBGRAPH_TIMEOUTS_MS).
   * The registry's defaults to 30 s: a publication composes and checks a whole supergraph.
   */
  subgraphTimeouts?: Readonly<Record<string, number>>;
  subgraphConnections: number;
  maxBodyBytes: number;
  /** Requests a minute each address may send to the public endpoint. */
  publicRatePerMinute: number;
  /** Requests a minute each client may send to /graphql (CLIENT_RATE_LIMIT_PER_MINUTE, 60000). */
  clientRatePerMinute?: number;
  /**
   * Redis holding the rate limits shared by every gateway (RATE_LIMIT_REDIS_URL); absent or null:
   * each gateway keeps its limits in its own memory.
   */
  rateLimitStore?: RateLimitStoreConfig | null;
  /**
   * Addresses of proxies in front of the gateway (TRUSTED_PROXY_ADDRESSES): for a request from one
   * of them the public limit counts the address it appended to X-Forwarded-For.
   */
  trustedProxies?: readonly string[];
  /** API clients: the demo clients or those of CLIENTS_FILE; empty with CLIENTS_SOURCE=database. */
  clients: readonly ClientDefinition[];
  /**
   * Clients and keys from the registry database, read again every refreshMs (CLIENTS_REFRESH_MS) —
   * used through `ClientRegistry.fromConfig`: with CLIENTS_SOURCE=database the only ones, with the
   * demo source beside the demo clients.
   */
  clientsDatabase?: { database: DatabaseConfig; refreshMs: number } | null;
  /** How bearer JWTs are verified; absent or null: API keys only. */
  jwt?: JwtConfig | null;
  /** Secret for signing subgraph requests; GATEWAY_SIGNING_SECRET (or the demo secret) when absent. */
  signingSecret?: string;
  /** Depth, alias and token limits of client operations; from the environment when absent. */
  queryLimits?: QueryLimits;
  /**
   * Subgraphs an operator has marked down (SUBGRAPHS_MARKED_DOWN): while they do not answer, the
   * gateway still reports itself ready (their fields are answered as unavailable).
   */
  markedDown?: readonly string[];
  /**
   * A GraphQL file of the operations approval systems may run (SAFELIST_FILE); absent or null:
   * no safelist, approval systems may send any operation their role allows.
   */
  safelistFile?: string | null;
  /**
   * How often (ms) every subgraph's readiness is probed for the dashboard's availability history
   * (AVAILABILITY_PROBE_MS, 60000); absent or 0: only when the status or readiness is asked for.
   */
  availabilityProbeMs?: number;
  /**
   * Development mode (`--dev`): any supergraph served with no authentication, no access policy and
   * unsigned subgraph requests, every request made as DEVELOPMENT_CALLER. Local development only:
   * refused with NODE_ENV=production and on an address other than loopback.
   */
  development?: boolean;
}

/** Whether `host` is a loopback address (the machine itself): 127.0.0.0/8, ::1 or localhost. */
export function isLoopback(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h) || /^::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/** Why development mode may not run with these settings, or null when it may. */
export function developmentRefusal(host: string, env: NodeJS.ProcessEnv = process.env): string | null {
  if (isProduction(env)) return '--dev is refused with NODE_ENV=production: development mode serves without authentication, access policy or request signing, for local development only';
  if (!isLoopback(host)) return `--dev is refused on host ${JSON.stringify(host)}: development mode listens only on a loopback address (127.0.0.1, ::1 or localhost), never on a network`;
  return null;
}

export const DEFAULT_SUPERGRAPH = path.resolve(import.meta.dirname, '../schema/supergraph.graphql');

/** Parses `name=url,name=url`. */
export function parseSubgraphUrls(raw: string | undefined, source = 'SUBGRAPH_URLS'): Record<string, string> {
  const urls: Record<string, string> = {};
  if (!raw) return urls;
  for (const pair of raw.split(',').map((p) => p.trim()).filter(Boolean)) {
    const eq = pair.indexOf('=');
    const name = pair.slice(0, eq);
    const url = pair.slice(eq + 1);
    if (eq <= 0 || !/^https?:\/\//.test(url)) {
      throw new ConfigError(`${source}: ${JSON.stringify(pair)} is not valid: expected name=http://host:port/graphql`);
    }
    urls[name] = url;
  }
  return urls;
}

/** Timeouts the gateway uses for some subgraphs unless SUBGRAPH_TIMEOUTS_MS says otherwise. */
export const DEFAULT_SUBGRAPH_TIMEOUTS: Readonly<Record<string, number>> = { registry: 30_000 };

/** Parses `name=ms,name=ms` (SUBGRAPH_TIMEOUTS_MS) over the defaults. */
export function parseSubgraphTimeouts(raw: string | undefined, source = 'SUBGRAPH_TIMEOUTS_MS'): Record<string, number> {
  const timeouts: Record<string, number> = { ...DEFAULT_SUBGRAPH_TIMEOUTS };
  for (const pair of (raw ?? '').split(',').map((p) => p.trim()).filter(Boolean)) {
    const match = /^([a-z][a-z0-9_-]*)=(\d+)$/.exec(pair);
    const ms = match ? Number(match[2]) : NaN;
    if (!match || ms < 1 || ms > 600_000) throw new ConfigError(`${source}: ${JSON.stringify(pair)} is not valid: expected name=milliseconds (1 to 600000), e.g. registry=30000`);
    timeouts[match[1]!] = ms;
  }
  return timeouts;
}

/** RATE_LIMIT_REDIS_URL (`redis://[user:password@]host:port[/db]`) and RATE_LIMIT_REDIS_PREFIX; null when the URL is unset. */
export function rateLimitStoreFromEnv(env: NodeJS.ProcessEnv = process.env): RateLimitStoreConfig | null {
  const url = envOptional('RATE_LIMIT_REDIS_URL', env);
  if (url === undefined) return null;
  let parsed: URL | null = null;
  try {
    parsed = new URL(url);
  } catch {
    parsed = null;
  }
  if (!parsed || !/^rediss?:$/.test(parsed.protocol) || !parsed.hostname) {
    throw new ConfigError(`RATE_LIMIT_REDIS_URL: ${JSON.stringify(url.replace(/\/\/[^@/]*@/, '//***@'))} is not valid: expected redis://host:port (or rediss:// for TLS)`);
  }
  const prefix = envString('RATE_LIMIT_REDIS_PREFIX', 'credit:ratelimit', env);
  if (!/^[A-Za-z0-9:_.-]{1,100}$/.test(prefix)) throw new ConfigError(`RATE_LIMIT_REDIS_PREFIX: ${JSON.stringify(prefix)} is not valid: expected 1 to 100 letters, digits, ':', '_', '.' or '-'`);
  return { url, prefix };
}

/** Parses `address,address` (IPv4 or IPv6 addresses as the socket reports them). */
export function parseAddresses(raw: string | undefined, source: string): string[] {
  const addresses = (raw ?? '').split(',').map((a) => a.trim()).filter(Boolean);
  const bad = addresses.find((a) => isIP(a) === 0);
  if (bad !== undefined) throw new ConfigError(`${source}: ${JSON.stringify(bad)} is not an IP address: expected addresses separated by commas, e.g. 127.0.0.1,::1`);
  return addresses;
}

/** Parses `name,name` (subgraph names). */
export function parseNames(raw: string | undefined, source: string): string[] {
  const names = (raw ?? '').split(',').map((n) => n.trim()).filter(Boolean);
  const bad = names.find((n) => !/^[a-z][a-z0-9_-]*$/.test(n));
  if (bad !== undefined) throw new ConfigError(`${source}: ${JSON.stringify(bad)} is not a subgraph name: expected lower-case names separated by commas`);
  return names;
}

/**
 * Command line: `--supergraph FILE --port N --host H` (as other gateways take them; a supergraph
 * file means no registry) and `--dev` (development mode, see GatewayConfig.development). Environment: REGISTRY_POLL_MS (1000) and the registry's database settings,
 * PORT (4000), HOST (127.0.0.1), SUPERGRAPH_FILE, SUBGRAPH_URLS, SUBGRAPH_TIMEOUT_MS (2000), SUBGRAPH_TIMEOUTS_MS (registry=30000),
 * SUBGRAPH_CONNECTIONS (64), MAX_BODY_BYTES (1 MiB), PUBLIC_RATE_LIMIT_PER_MINUTE (60),
 * CLIENTS_SOURCE and CLIENTS_FILE (see clientsSourceFromEnv), CLIENTS_REFRESH_MS (2000),
 * SUBGRAPHS_MARKED_DOWN (`name,name`; none when unset), SAFELIST_FILE (no safelist when unset).
 *
 * With NODE_ENV=production it first checks that nothing falls back to a demo value — the signing
 * secret, the clients, the JWT settings — and stops with one message listing every problem.
 */
export function gatewayConfigFromEnv(argv: readonly string[] = process.argv.slice(2), env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const { values } = parseArgs({
    args: [...argv],
    options: { supergraph: { type: 'string' }, port: { type: 'string' }, host: { type: 'string' }, dev: { type: 'boolean' } },
    strict: true,
  });
  const port = values.port !== undefined ? envInt('--port', 0, { min: 0, max: 65535 }, { '--port': values.port }) : envInt('PORT', 4000, { min: 0, max: 65535 }, env);
  const host = values.host ?? envString('HOST', '127.0.0.1', env);
  const development = values.dev === true;
  if (development) {
    const refusal = developmentRefusal(host, env);
    if (refusal) throw new ConfigError(refusal);
  }
  requireProductionSettings(
    'the gateway',
    [
      { name: 'GATEWAY_SIGNING_SECRET', purpose: 'the secret subgraph requests are signed with (at least 32 characters, the same in every subgraph)' },
      { name: RECORD_ID_SECRET, purpose: 'the key record ids are made with and aliased by for roles that do not see identity numbers (at least 32 characters, the same in every subgraph)' },
    ],
    [...clientsSourceProblems(env), ...jwtSettingsProblems(env)],
    env,
  );
  const clients = clientsSourceFromEnv(env);
  const staticFile = values.supergraph ?? envOptional('SUPERGRAPH_FILE', env);
  return {
    port,
    host,
    supergraphFile: path.resolve(staticFile ?? DEFAULT_SUPERGRAPH),
    registry: staticFile ? null : databaseConfigFromEnv('registry', env),
    registryPollMs: envInt('REGISTRY_POLL_MS', 1000, { min: 50, max: 60_000 }, env),
    subgraphUrls: parseSubgraphUrls(envOptional('SUBGRAPH_URLS', env)),
    subgraphTimeoutMs: envInt('SUBGRAPH_TIMEOUT_MS', 2000, { min: 1, max: 600_000 }, env),
    subgraphTimeouts: parseSubgraphTimeouts(envOptional('SUBGRAPH_TIMEOUTS_MS', env)),
    subgraphConnections: envInt('SUBGRAPH_CONNECTIONS', 64, { min: 1, max: 10_000 }, env),
    maxBodyBytes: envInt('MAX_BODY_BYTES', 1024 * 1024, { min: 1024, max: 512 * 1024 * 1024 }, env),
    publicRatePerMinute: envInt('PUBLIC_RATE_LIMIT_PER_MINUTE', 60, { min: 1, max: 1_000_000 }, env),
    clientRatePerMinute: envInt('CLIENT_RATE_LIMIT_PER_MINUTE', 60_000, { min: 1, max: 100_000_000 }, env),
    rateLimitStore: rateLimitStoreFromEnv(env),
    trustedProxies: parseAddresses(envOptional('TRUSTED_PROXY_ADDRESSES', env), 'TRUSTED_PROXY_ADDRESSES'),
    clients: clients.kind === 'file' ? loadClientsFile(clients.file) : clients.kind === 'demo' ? DEMO_CLIENTS : [],
    // The demo source reads the registry database's clients too, so that a department's own key
    // issued with `npm run clients` works on the demo stack (not with --supergraph FILE: no registry).
    clientsDatabase:
      clients.kind === 'database' || (clients.kind === 'demo' && !staticFile)
        ? { database: databaseConfigFromEnv('registry', env), refreshMs: envInt('CLIENTS_REFRESH_MS', 2000, { min: 50, max: 600_000 }, env) }
        : null,
    markedDown: parseNames(envOptional('SUBGRAPHS_MARKED_DOWN', env), 'SUBGRAPHS_MARKED_DOWN'),
    safelistFile: envOptional('SAFELIST_FILE', env) ?? null,
    availabilityProbeMs: envInt('AVAILABILITY_PROBE_MS', 60_000, { min: 0, max: 3_600_000 }, env),
    development,
  };
}

/** Where the gateway's API clients come from. */
export type ClientsSource = { kind: 'demo' } | { kind: 'file'; file: string } | { kind: 'database' };

const SOURCES = ['demo', 'file', 'database'];

/** What is wrong with the client settings: empty when clientsSourceFromEnv will accept them. */
function clientsSourceProblems(env: NodeJS.ProcessEnv): string[] {
  const source = envOptional('CLIENTS_SOURCE', env);
  const file = envOptional('CLIENTS_FILE', env);
  if (source !== undefined && !SOURCES.includes(source)) return [`CLIENTS_SOURCE=${JSON.stringify(source)} is not valid: expected database, file or demo`];
  const kind = source ?? (file ? 'file' : 'demo');
  if (kind === 'file' && !file) return ['CLIENTS_SOURCE=file needs CLIENTS_FILE, the JSON file of the clients and their key hashes'];
  if (kind !== 'file' && file) return [`CLIENTS_FILE is set but CLIENTS_SOURCE=${kind}: unset one of them`];
  if (kind === 'demo' && isProduction(env)) {
    return [`${source ? 'CLIENTS_SOURCE=demo' : 'no client source is set'}: the demo keys are never accepted in production; set CLIENTS_SOURCE=database (clients managed with npm run clients) or CLIENTS_FILE`];
  }
  return [];
}

/**
 * CLIENTS_SOURCE: `database` (the registry database's clients, managed with `npm run clients`),
 * `file` (CLIENTS_FILE) or `demo` (the demo keys and the registry database's clients, refused in
 * production). Unset: `file` when
 * CLIENTS_FILE is set, else `demo`.
 */
export function clientsSourceFromEnv(env: NodeJS.ProcessEnv = process.env): ClientsSource {
  const problems = clientsSourceProblems(env);
  if (problems.length > 0) throw new ConfigError(problems[0]!);
  const file = envOptional('CLIENTS_FILE', env);
  const source = envOptional('CLIENTS_SOURCE', env) ?? (file ? 'file' : 'demo');
  if (source === 'database') return { kind: 'database' };
  return file ? { kind: 'file', file } : { kind: 'demo' };
}
