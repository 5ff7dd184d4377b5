import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { DEFAULT_SUPERGRAPH } from '../../gateway/config.js';
import { DEMO_CLIENTS } from '../../gateway/clients.js';
import { signingConfigFromEnv, signRequest } from '../../subgraphs/kit/request-signing.js';
import { createGateway, type Gateway } from '../../gateway/server.js';
import { dropDatabase, type DatabaseConfig } from '../../subgraphs/kit/database.js';
import type { RunningServer } from '../../subgraphs/kit/listen.js';
import { setLogLevel } from '../../subgraphs/kit/logger.js';
import { createSubgraph, type Subgraph } from '../../subgraphs/kit/subgraph-server.js';
import { DEFINITIONS } from '../../subgraphs/definitions.js';
import { SERVICES, type ServiceName } from '../../subgraphs/services.js';
import { TEST_MYSQL_URL } from './mysql.js';

export type Engine = 'sqlite' | 'mysql';

export interface StackOptions {
  engine?: Engine;
  subgraphTimeoutMs?: number;
  /** Timeouts of particular subgraphs, by name (SUBGRAPH_TIMEOUTS_MS), instead of subgraphTimeoutMs. */
  subgraphTimeouts?: Partial<Record<ServiceName, number>>;
  /** Routes a subgraph name to another URL (a deliberately broken server, say). */
  urlOverrides?: Partial<Record<ServiceName, string>>;
  /** Rate limit of the public endpoint (requests a minute per address). */
  publicRatePerMinute?: number;
  /** Rate limit per client on /graphql (requests a minute). */
  clientRatePerMinute?: number;
  /** Serve the supergraph from the registry database (polled every 100 ms) instead of the file. */
  withRegistry?: boolean;
  /** Subgraphs the gateway is told an operator marked down (SUBGRAPHS_MARKED_DOWN). */
  markedDown?: ServiceName[];
}

export interface GraphQLResult<T = Record<string, any>> {
  status: number;
  data?: T | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, any> }[];
}

/**
 * The whole stack in one test process: every subgraph over its own fresh database, and the
 * gateway, all talking real HTTP on ephemeral ports.
 */
export class TestStack {
  readonly subgraphs = new Map<ServiceName, { subgraph: Subgraph; running: RunningServer | null; database: DatabaseConfig }>();
  gateway!: Gateway;
  gatewayUrl = '';
  private tmp = '';
  private readonly ports = new Map<ServiceName, number>();

  private constructor(readonly options: Required<StackOptions>) {}

  static async start(options: StackOptions = {}): Promise<TestStack> {
    // Quiet test output: only errors are logged unless LOG_LEVEL asks for more.
    if (!process.env.LOG_LEVEL) setLogLevel('error');
    const stack = new TestStack({
      engine: options.engine ?? 'sqlite',
      // Long enough that no healthy source of an in-process stack counts as failed on a busy machine;
      // a test about timeouts sets its own, with a source that stays silent far longer.
      subgraphTimeoutMs: options.subgraphTimeoutMs ?? 30_000,
      urlOverrides: options.urlOverrides ?? {},
      publicRatePerMinute: options.publicRatePerMinute ?? 10_000,
      clientRatePerMinute: options.clientRatePerMinute ?? 1_000_000,
      withRegistry: options.withRegistry ?? false,
      markedDown: options.markedDown ?? [],
      subgraphTimeouts: options.subgraphTimeouts ?? {},
    });
    await stack.boot();
    return stack;
  }

  private databaseFor(name: string, prefix: string): DatabaseConfig {
    if (this.options.engine === 'mysql') return { engine: 'mysql', serverUrl: TEST_MYSQL_URL, database: `${prefix}${name}` };
    return { engine: 'sqlite', file: path.join(this.tmp, `${name}.sqlite`) };
  }

  private async boot(): Promise<void> {
    this.tmp = mkdtempSync(path.join(tmpdir(), 'credit-test-'));
    const prefix = `t${randomBytes(4).toString('hex')}_`;
    for (const { name } of SERVICES) {
      const database = this.databaseFor(name, prefix);
      const subgraph = await createSubgraph(DEFINITIONS[name], { database });
      const running = await subgraph.listen(0);
      this.subgraphs.set(name, { subgraph, running, database });
      this.ports.set(name, running.port);
    }
    this.gateway = await createGateway({
      port: 0,
      host: '127.0.0.1',
      supergraphFile: DEFAULT_SUPERGRAPH,
      registry: this.options.withRegistry ? this.subgraphs.get('registry')!.database : null,
      registryPollMs: 100,
      subgraphUrls: {
        ...Object.fromEntries([...this.subgraphs].map(([name, s]) => [name, s.running!.url])),
        ...this.options.urlOverrides,
      },
      subgraphTimeoutMs: this.options.subgraphTimeoutMs,
      subgraphTimeouts: this.options.subgraphTimeouts as Record<string, number> | undefined,
      subgraphConnections: 16,
      maxBodyBytes: 1024 * 1024,
      publicRatePerMinute: this.options.publicRatePerMinute,
      clientRatePerMinute: this.options.clientRatePerMinute,
      clients: DEMO_CLIENTS,
      markedDown: this.options.markedDown,
    });
    this.gatewayUrl = (await this.gateway.listen(0)).url;
  }

  db(name: ServiceName) {
    return this.subgraphs.get(name)!.subgraph.db;
  }

  /** The settings a child process (audit:verify, a relay) needs to open this stack's databases. */
  databaseEnv(): Record<string, string> {
    const platform = this.subgraphs.get('platform')!.database;
    return platform.engine === 'sqlite'
      ? { DATA_DIR: path.dirname(platform.file) }
      : { DATABASE_URL: TEST_MYSQL_URL, DATABASE_PREFIX: platform.database.slice(0, -'platform'.length) };
  }

  url(name: ServiceName): string {
    return this.subgraphs.get(name)!.running!.url;
  }

  /** Stops a subgraph's HTTP server (its port then refuses connections), keeping its database. */
  async stopSubgraph(name: ServiceName): Promise<void> {
    const entry = this.subgraphs.get(name)!;
    await entry.running?.close();
    entry.running = null;
  }

  /** Serves a stopped subgraph again, on the port it had. */
  async restartSubgraph(name: ServiceName): Promise<void> {
    const entry = this.subgraphs.get(name)!;
    entry.running ??= await entry.subgraph.listen(this.ports.get(name)!);
  }

  async query<T = Record<string, any>>(query: string, variables: Record<string, unknown> = {}, key = 'demo-analyst-key'): Promise<GraphQLResult<T>> {
    return postGraphQL<T>(this.gatewayUrl, { query, variables }, key ? { authorization: `Bearer ${key}` } : {});
  }

  async close(): Promise<void> {
    await this.gateway.close();
    for (const { subgraph, database } of this.subgraphs.values()) {
      await subgraph.close();
      await dropDatabase(database);
    }
    rmSync(this.tmp, { recursive: true, force: true });
  }
}

export async function postGraphQL<T = Record<string, any>>(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<GraphQLResult<T>> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json: { data?: T | null; errors?: GraphQLResult['errors'] };
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`HTTP ${res.status} from ${url}, not JSON: ${text.slice(0, 200)}`);
  }
  return { status: res.status, ...json };
}

/** The name of the subgraph serving `url`, as it states it on /health/live: a signature is valid only for the subgraph it names. */
export async function subgraphNameAt(url: string): Promise<string> {
  const origin = new URL(url).origin;
  const live = (await (await fetch(`${origin}/health/live`)).json()) as { subgraph?: string };
  if (typeof live.subgraph !== 'string') throw new Error(`${origin}/health/live does not name its subgraph`);
  return live.subgraph;
}

/** Posts to a subgraph directly, signed as the gateway signs for that subgraph (subgraphs refuse anything else). */
export async function postToSubgraph<T = Record<string, any>>(url: string, body: unknown, caller: Record<string, string> = {}): Promise<GraphQLResult<T>> {
  const text = JSON.stringify(body);
  const target = new URL(url);
  const headers = { 'content-type': 'application/json', ...caller };
  const subgraph = await subgraphNameAt(url);
  return postGraphQL<T>(url, text, { ...headers, ...signRequest(signingConfigFromEnv().secret, subgraph, 'POST', target.pathname + target.search, headers, text) });
}

