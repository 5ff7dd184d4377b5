import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { GATEWAY_PORT, SERVICES, type ServiceName } from '../../subgraphs/services.js';
import { isRunning, ROOT, runSeed, spawnWithTail, stackEnv, stopProcess, type Spawned } from '../stack-processes.js';
import { haproxyConfig, HaproxyRuntime, serverName, type BalancedGroup } from './haproxy.js';
import { openDatabase } from '../../subgraphs/kit/database.js';
import { RelayLease } from '../../subgraphs/platform/push/relay-lease.js';

export const HAPROXY = process.env.HAPROXY_PATH ?? '/usr/sbin/haproxy';

export interface ClusterOptions {
  /** HAProxy's gateway port; the groups' frontends take the usual offsets (tax +1 … registry +7), replicas +20 and up. */
  portBase?: number;
  /** MySQL server (the only store). */
  databaseUrl: string;
  databasePrefix: string;
  /** Redis the gateways share their rate limits through; null keeps them in each gateway's memory. */
  redisUrl: string | null;
  /** Demo subjects seeded into empty databases. */
  subjects?: number;
  /** Relay lease (RELAY_LEASE_MS). */
  relayLeaseMs?: number;
  output?: 'inherit' | 'quiet';
  /** More environment for every process. */
  env?: NodeJS.ProcessEnv;
  /** Told of each step. */
  onStep?: (text: string) => void;
  /** Aborting stops whatever was started so far (and makes a launch under way reject). */
  signal?: AbortSignal;
}

/** A process of the cluster: `gateway-1`, `tax-2`, `relay-1`, `haproxy`. */
export interface ClusterMember {
  name: string;
  group: 'gateway' | ServiceName | 'relay' | 'haproxy';
  port: number | null;
  spawned: Spawned;
}

export interface ClusterHandle {
  /** GraphQL through HAProxy. */
  gatewayUrl: string;
  /** Frontend URL of each group. */
  frontends: Record<'gateway' | ServiceName, string>;
  members: Map<string, ClusterMember>;
  configFile: string;
  /** SIGKILLs a member. */
  kill(name: string): Promise<void>;
  /** Starts a dead member again (same command, port, environment); resolves, with the milliseconds it took, when HAProxy sends it requests again (UP after its readiness checks). */
  restart(name: string): Promise<number>;
  /** HAProxy's status of each replica (`gateway_replicas/gateway1` → UP, DOWN, MAINT…). */
  haproxyStatuses(): Promise<Map<string, string>>;
  /** The relay holding an unexpired lease now (from the platform database's relay_lease), or null. */
  activeRelay(): Promise<string | null>;
  logs(name: string): string;
  stop(): Promise<void>;
}

const REPLICAS = 2;

/** The status of one GET, or 0 when there is no answer within `timeoutMs` (no connection pool: each probe stands alone). */
function probe(url: string, timeoutMs: number): Promise<number> {
  return new Promise((resolve) => {
    const req = httpGet(url, { timeout: timeoutMs, agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
  });
}

async function until(test: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await test())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting until ${what}`);
    await sleep(100);
  }
}

async function ready(url: string, timeoutMs: number, signal?: AbortSignal): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (signal?.aborted) throw new Error('the cluster is being stopped');
    if ((await probe(url, 10_000)) === 200) return;
    await sleep(150);
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs / 1000} s`);
}

/**
 * The highly available topology on one machine: HAProxy in front of two gateways and of two
 * replicas of every subgraph (the gateways route to HAProxy's frontends), MySQL as the only
 * store, the rate limits in Redis, and two push relays (one active, by lease).
 */
export async function launchCluster(options: ClusterOptions): Promise<ClusterHandle> {
  const base = options.portBase ?? GATEWAY_PORT;
  const host = '127.0.0.1';
  const output = options.output ?? 'inherit';
  const step = options.onStep ?? (() => {});
  const frontendPort = (name: ServiceName) => base + (SERVICES.find((s) => s.name === name)!.port - GATEWAY_PORT);
  const frontends = {
    gateway: `http://${host}:${base}/graphql`,
    ...Object.fromEntries(SERVICES.map(({ name }) => [name, `http://${host}:${frontendPort(name)}/graphql`])),
  } as ClusterHandle['frontends'];
  const groups: BalancedGroup[] = [
    { name: 'gateway', frontendPort: base, serverPorts: [base + 20, base + 21], replayReadOnly: false },
    ...SERVICES.map(({ name }, i) => ({ name, frontendPort: frontendPort(name), serverPorts: [base + 30 + 2 * i, base + 31 + 2 * i], replayReadOnly: true })),
  ];
  const tmp = mkdtempSync(path.join(tmpdir(), 'credit-cluster-'));
  const configFile = path.join(tmp, 'haproxy.cfg');
  const runtime = new HaproxyRuntime(path.join(tmp, 'haproxy.sock'));
  writeFileSync(configFile, haproxyConfig(host, groups, runtime.socketPath));
  /** HAProxy's backend/server of each replica. */
  const servers = new Map<string, { backend: string; server: string }>();
  for (const g of groups) g.serverPorts.forEach((_, r) => servers.set(`${g.name}-${r + 1}`, serverName(g.name, r)));
  /** Resolves once HAProxy reports the member's server UP (its health checks passed). */
  const upInHaproxy = async (name: string, timeoutMs = 120_000) => {
    const { backend, server } = servers.get(name)!;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (options.signal?.aborted) throw new Error('the cluster is being stopped');
      const status = (await runtime.statuses()).get(`${backend}/${server}`);
      if (status === 'UP') return;
      if (Date.now() > deadline) throw new Error(`HAProxy did not report ${backend}/${server} UP within ${timeoutMs / 1000} s (status ${status})`);
      await sleep(100);
    }
  };
  /** A member that answers ready itself is enabled in HAProxy (it starts in maintenance); resolves when HAProxy reports it UP. */
  const admit = async (name: string) => {
    await ready(specs.get(name)!.readyUrl!, 120_000, options.signal);
    const { backend, server } = servers.get(name)!;
    await runtime.enable(backend, server);
    await upInHaproxy(name);
  };

  const env = stackEnv({ databaseUrl: options.databaseUrl, databasePrefix: options.databasePrefix, env: { LOG_FORMAT: 'json', ...options.env } });
  const members = new Map<string, ClusterMember>();
  const specs = new Map<string, { command: string; argv: string[]; env: NodeJS.ProcessEnv; readyUrl: string | null }>();
  const start = (name: string, group: ClusterMember['group'], port: number | null): ClusterMember => {
    if (options.signal?.aborted) throw new Error('the cluster is being stopped');
    const spec = specs.get(name)!;
    const member = { name, group, port, spawned: spawnWithTail(name, spec.command, spec.argv, spec.env, output) };
    members.set(name, member);
    return member;
  };
  const ts = (file: string) => [process.execPath, ['--import', 'tsx', path.join(ROOT, file)]] as const;

  let stopped: Promise<void> | null = null;
  const stop = () => (stopped ??= stopAll());
  const stopAll = async () => {
    // The relays and gateways first, so nothing logs the subgraphs going away as an outage.
    const order = ['relay', 'gateway', 'haproxy'];
    for (const group of order) await Promise.all([...members.values()].filter((m) => m.group === group).map((m) => stopProcess(m.spawned)));
    await Promise.all([...members.values()].map((m) => stopProcess(m.spawned)));
    rmSync(tmp, { recursive: true, force: true });
  };

  options.signal?.addEventListener('abort', () => void stop(), { once: true });
  try {
    step(`Demo data in MySQL (${options.databaseUrl}, databases ${options.databasePrefix}*), seeded if empty`);
    await runSeed(['--if-empty', '--subjects', String(options.subjects ?? 15_000)], { databaseUrl: options.databaseUrl, databasePrefix: options.databasePrefix, output, signal: options.signal });

    step(`HAProxy (${configFile}): gateway on ${host}:${base}, subgraph groups on ${groups.slice(1).map((g) => `${g.name} ${g.frontendPort}`).join(', ')}`);
    specs.set('haproxy', { command: HAPROXY, argv: ['-db', '-f', configFile], env, readyUrl: null });
    start('haproxy', 'haproxy', base);
    await until(() => runtime.statuses().then(() => true, () => false), 10_000, 'HAProxy\'s runtime API answers');

    step(`Subgraphs: ${REPLICAS} replicas of each`);
    for (const [i, { name }] of SERVICES.entries()) {
      for (let r = 0; r < REPLICAS; r++) {
        const port = groups[i + 1]!.serverPorts[r]!;
        const [command, argv] = ts(`subgraphs/${name}/index.ts`);
        // EXPIRY_SWEEP_MS: both replicas sweep; writing an expiry is idempotent per record version.
        specs.set(`${name}-${r + 1}`, { command, argv: [...argv], env: { ...env, PORT: String(port), HOST: host }, readyUrl: `http://${host}:${port}/health/ready` });
      }
    }
    // One replica of each first (each migrates its database), then the second ones.
    for (let r = 0; r < REPLICAS; r++) {
      const started = SERVICES.map(({ name }, i) => start(`${name}-${r + 1}`, name, groups[i + 1]!.serverPorts[r]!));
      await Promise.all(started.map((m) => admit(m.name)));
    }

    step(`Gateways: ${REPLICAS}, routing to HAProxy's frontends${options.redisUrl ? `, rate limits in ${options.redisUrl}` : ''}`);
    const subgraphUrls = SERVICES.map(({ name }) => `${name}=${frontends[name]}`).join(',');
    for (let r = 0; r < REPLICAS; r++) {
      const port = groups[0]!.serverPorts[r]!;
      const [command, argv] = ts('gateway/index.ts');
      specs.set(`gateway-${r + 1}`, {
        command, argv: [...argv],
        // HAProxy connects from 127.0.0.1 and appends the client's address to X-Forwarded-For.
        env: { ...env, PORT: String(port), HOST: host, SUBGRAPH_URLS: subgraphUrls, TRUSTED_PROXY_ADDRESSES: '127.0.0.1', ...(options.redisUrl ? { RATE_LIMIT_REDIS_URL: options.redisUrl } : {}) },
        readyUrl: `http://${host}:${port}/health/ready`,
      });
    }
    const gateways = [0, 1].map((r) => start(`gateway-${r + 1}`, 'gateway', groups[0]!.serverPorts[r]!));
    await Promise.all(gateways.map((m) => admit(m.name)));
    await ready(`http://${host}:${base}/health/ready`, 120_000, options.signal);

    step('Push relays: 2 (one works, the other stands by)');
    for (let r = 0; r < REPLICAS; r++) {
      const [command, argv] = ts('subgraphs/platform/relay.ts');
      specs.set(`relay-${r + 1}`, {
        command, argv: [...argv],
        // Info level: the relay says when it becomes active or stands by, which is how a restart knows it is up.
        env: { ...env, RELAY_GATEWAY_URL: frontends.gateway, RELAY_LEASE_MS: String(options.relayLeaseMs ?? 10_000), LOG_LEVEL: 'info' },
        readyUrl: null,
      });
      start(`relay-${r + 1}`, 'relay', null);
    }
  } catch (err) {
    await stop();
    throw err;
  }

  const platformDb = await openDatabase({ engine: 'mysql', serverUrl: options.databaseUrl, database: `${options.databasePrefix}platform` });

  return {
    gatewayUrl: frontends.gateway,
    frontends,
    members,
    configFile,
    async kill(name) {
      const m = members.get(name);
      if (!m) throw new Error(`no cluster member ${name}: expected one of ${[...members.keys()].join(', ')}`);
      m.spawned.child.kill('SIGKILL');
      await m.spawned.exited;
    },
    async restart(name) {
      const m = members.get(name);
      if (!m) throw new Error(`no cluster member ${name}`);
      if (isRunning(m.spawned.child)) throw new Error(`${name} is still running`);
      const started = Date.now();
      start(name, m.group, m.port);
      const readyUrl = specs.get(name)!.readyUrl;
      if (readyUrl) await ready(readyUrl, 120_000);
      // A relay has no HTTP port: it is up once it says whether it works or stands by (it opens the
      // platform database first, and a relay that cannot open it exits: a supervisor starts it again).
      if (m.group === 'relay' && output === 'quiet') {
        await until(async () => /push relay: (active|standing by)/.test(members.get(name)!.spawned.tail.text()) || !isRunning(members.get(name)!.spawned.child), 120_000, `${name} is active or standing by`);
        if (!isRunning(members.get(name)!.spawned.child)) throw new Error(`${name} exited while starting: ${members.get(name)!.spawned.tail.text().slice(-500)}`);
      }
      if (servers.has(name)) await upInHaproxy(name);
      return Date.now() - started;
    },
    async activeRelay() {
      const lease = await RelayLease.state(platformDb);
      if (!lease?.holder || lease.expiresAt < Date.now()) return null;
      // The holder is host:pid:random.
      const pid = Number(lease.holder.split(':').at(-2));
      return [...members.values()].find((m) => m.group === 'relay' && m.spawned.child.pid === pid && isRunning(m.spawned.child))?.name ?? null;
    },
    haproxyStatuses: () => runtime.statuses(),
    logs: (name) => members.get(name)?.spawned.tail.text() ?? '',
    stop: async () => {
      await stop();
      await platformDb.destroy();
    },
  };
}
