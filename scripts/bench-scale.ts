/**
 * `npm run bench:scale` (also `npm run bench -- --scale-out` / `-- --mysql-scale`): how the
 * platform scales, on MySQL (DATABASE_URL; default the local server mysql://root@127.0.0.1:3306)
 * in databases of its own (prefix bench_scale_, or bench_mysql_<subjects>_ per size), reseeded
 * and dropped afterwards — with --keep-data kept, and reused by the next run instead of reseeded.
 *
 * --scale-out (the default): one workload of checks served by 1 and by 2 gateway processes
 *   (--gateways 1,2) behind HAProxy (scripts/cluster/haproxy.ts, as in `npm run cluster`: round
 *   robin, health-checked on /health/ready), and by two replicas of the market subgraph behind
 *   HAProxy too; the other subgraphs run once. Gateway k is pinned to core k−1 (taskset) and
 *   capped at --gateway-cpu % of one core (default 40; a cgroup CFS quota each, scripts/bench/cpu-quota.ts;
 *   0 for no cap): on a small machine a second gateway process then adds one fixed slice of CPU,
 *   and the 1-vs-2 ratio says how the gateway tier scales while the subgraphs, MySQL, HAProxy and
 *   the load generator have the rest. Without write access to cgroups the gateways run uncapped
 *   (said in the report). Alternating rounds; prints requests/s, latency and gateway CPU per
 *   request (all gateway processes of the set).
 * --mysql-scale: check p50 with 10,000 and with 1,000,000 subjects (--sizes 10000,1000000) in
 *   MySQL, through our gateway (every feature on), at 1 and 32 connections (--levels 1,32). Each
 *   size is seeded into databases of its own (1,000,000 subjects take 4-5 minutes) and served by
 *   a stack of its own; the stacks are all up at once and the rounds alternate between them.
 *   Pinned as `npm run bench` pins (gateways on core 0). The ids asked are drawn from the whole
 *   population (50,000 of them at most, evenly spread).
 *
 * Options: --rounds N (3) --duration S (8) --warmup S (3) --connections N (32, scale-out) --gateway-cpu P (40)
 * --subjects N (15000, scale-out) --port-base N (4500) --keep-data --verbose.
 * Results: bench-results/scale-out.md and .json, bench-results/mysql-scale.md and .json.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { dropDatabase, databaseConfigFromEnv } from '../subgraphs/kit/database.js';
import { SERVICES, type ServiceName } from '../subgraphs/services.js';
import type { LoadJob } from './bench-load.js';
import { seededIds, shuffled } from './bench/ids.js';
import { cpuQuota, type CpuQuota } from './bench/cpu-quota.js';
import { haproxyConfig, HaproxyRuntime, serverName, type BalancedGroup } from './cluster/haproxy.js';
import { HAPROXY } from './cluster/topology.js';
import { databaseServerPid, startProcess, type BenchProcess } from './bench/processes.js';
import { median, round } from './bench/report.js';
import { runLoadChild, type ChildRun } from './bench/run-load-child.js';
import { SCENARIOS } from './bench/scenarios.js';
import { SHOWCASE_IDS } from './demo-data/showcase.js';
import { launchStack, ROOT, runSeed, stackEnv, tasksetAvailable, type StackHandle } from './stack-processes.js';

const { values: opts } = parseArgs({
  options: {
    'scale-out': { type: 'boolean', default: false },
    'mysql-scale': { type: 'boolean', default: false },
    rounds: { type: 'string', default: '3' },
    duration: { type: 'string', default: '8' },
    warmup: { type: 'string', default: '3' },
    connections: { type: 'string', default: '32' },
    subjects: { type: 'string', default: '15000' },
    gateways: { type: 'string', default: '1,2' },
    'gateway-cpu': { type: 'string', default: '40' },
    sizes: { type: 'string', default: '10000,1000000' },
    levels: { type: 'string', default: '1,32' },
    'port-base': { type: 'string', default: '4500' },
    'keep-data': { type: 'boolean', default: false },
    verbose: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
  // `npm run bench -- --scale-out` passes the bench's other options along: ignore those unknown here.
  strict: false,
});

if (opts.help) {
  const { readFileSync } = await import('node:fs');
  const source = readFileSync(new URL(import.meta.url), 'utf8');
  console.log(source.slice(source.indexOf('/**') + 3, source.indexOf('*/')).replace(/^ \* ?/gm, '').trim());
  process.exit(0);
}

function int(name: string, raw: unknown, min: number, max: number): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    console.error(`--${name} ${String(raw)}: expected a whole number from ${min} to ${max}`);
    process.exit(2);
  }
  return n;
}
const ints = (name: string, raw: unknown, min: number, max: number) => String(raw).split(',').map((s) => int(name, s.trim(), min, max));
const rounds = int('rounds', opts.rounds, 1, 100);
const durationSeconds = int('duration', opts.duration, 1, 3600);
const warmupSeconds = int('warmup', opts.warmup, 0, 600);
const connections = int('connections', opts.connections, 1, 1000);
const subjects = int('subjects', opts.subjects, 1, 10_000_000);
const gatewayCounts = ints('gateways', opts.gateways, 1, 16);
const sizes = ints('sizes', opts.sizes, 1, 10_000_000);
const levels = ints('levels', opts.levels, 1, 1000);
const portBase = int('port-base', opts['port-base'], 1024, 64000);
/** Each gateway's CPU cap in the scale-out, % of one core (0: none). */
const quotaPercent = int('gateway-cpu', opts['gateway-cpu'], 0, 100);
let cpuQuotaUnavailable = '';
/** The cap, or null (with the reason in cpuQuotaUnavailable) where cgroups cannot be written. */
function quotaOrNull(percent: number): CpuQuota | null {
  try {
    return cpuQuota(percent);
  } catch (err) {
    cpuQuotaUnavailable = (err as Error).message;
    console.log(`bench-scale: gateways not capped: ${cpuQuotaUnavailable}`);
    return null;
  }
}
const mode: 'scale-out' | 'mysql-scale' = opts['mysql-scale'] ? 'mysql-scale' : 'scale-out';
const databaseUrl = process.env.DATABASE_URL || 'mysql://root@127.0.0.1:3306';
/** Each data set in databases of its own: bench_scale_*, or bench_mysql_<subjects>_* (so that the sizes can be up together). */
const prefixFor = (count: number) => (mode === 'scale-out' ? 'bench_scale_' : `bench_mysql_${count}_`);
const output = opts.verbose ? ('inherit' as const) : ('quiet' as const);
const HOST = '127.0.0.1';
const REPLICATED: ServiceName = 'market';
const gatewayEnv = { SUBGRAPH_TIMEOUT_MS: process.env.SUBGRAPH_TIMEOUT_MS ?? '30000' };

// ---------------------------------------------------------------- cleanup

const abort = new AbortController();
let stacks: StackHandle[] = [];
let extras: BenchProcess[] = [];
let worker: ChildProcess | undefined;
let pending: Promise<unknown> = Promise.resolve();
const seeded = new Set<string>();
let stopping = false;
let reportCrash: (err: Error) => void = () => {};
let crashed = new Promise<never>(() => {});

function resetCrashWatch(): void {
  crashed = new Promise<never>((_, reject) => (reportCrash = reject));
  crashed.catch(() => {});
}

async function stopAll(): Promise<void> {
  stopping = true;
  if (worker && worker.exitCode === null && worker.signalCode === null) {
    const w = worker;
    const exited = new Promise<void>((resolve) => w.once('exit', () => resolve()));
    w.kill('SIGKILL');
    await exited;
  }
  await Promise.all(extras.map((p) => p.stop()));
  extras = [];
  await Promise.all(stacks.map((s) => s.stop()));
  stacks = [];
  stopping = false;
}

async function dropData(): Promise<void> {
  if (opts['keep-data']) return;
  for (const prefix of seeded) {
    const env = { DATABASE_URL: databaseUrl, DATABASE_PREFIX: prefix };
    for (const { name } of SERVICES) await dropDatabase(databaseConfigFromEnv(name, env)).catch(() => {});
  }
}

for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    console.error(`\n${sig}: stopping`);
    abort.abort(new Error('stopping'));
    void pending
      .catch(() => {})
      .then(stopAll)
      .then(dropData)
      .finally(() => process.exit(130));
  });
}

function guard<T>(promise: Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new Error('aborted'));
    if (abort.signal.aborted) return onAbort();
    abort.signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => abort.signal.removeEventListener('abort', onAbort));
  });
}

function watch(p: BenchProcess): BenchProcess {
  extras.push(p);
  void p.exited.then(() => {
    if (!stopping) reportCrash(new Error(`${p.name} exited; its last output:\n${p.logs()}`));
  });
  return p;
}

function watchStack(s: StackHandle): void {
  void s.unexpectedExit.then((exit) => {
    if (!stopping) reportCrash(new Error(`${exit.name} exited (${exit.signal ?? `code ${exit.code}`}):\n${s.logs(exit.name)}`));
  });
}

// ---------------------------------------------------------------- measuring

/** Seeds a data set (reseeded; with --keep-data, kept from an earlier run if it is there). */
async function seed(count: number): Promise<number> {
  const t0 = Date.now();
  const databasePrefix = prefixFor(count);
  console.log(`bench-scale: seeding MySQL ${databasePrefix}* with ${count} subjects${opts['keep-data'] ? ' unless already there (--keep-data)' : ''} (this takes a while for large sizes) ...`);
  const args = [opts['keep-data'] ? '--if-empty' : '--reset', '--subjects', String(count)];
  seeded.add(databasePrefix);
  await (pending = runSeed(args, { databaseUrl, databasePrefix, output, signal: abort.signal, timeoutMs: 3 * 3600_000 }));
  const seconds = (Date.now() - t0) / 1000;
  console.log(`bench-scale: seeded in ${seconds.toFixed(0)} s`);
  return seconds;
}

/** One check request through a gateway before the load: it must answer the black-listed subject's restriction. */
async function probeCheck(url: string): Promise<void> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${SCENARIOS.check.token}` },
    body: JSON.stringify({ query: SCENARIOS.check.query, variables: { id: SHOWCASE_IDS.blackEnterprise } }),
    signal: AbortSignal.timeout(60_000),
  });
  const body = (await res.json()) as { data?: { subject?: { creditCheck?: { verdict?: string } } }; errors?: unknown[] };
  const verdict = body.data?.subject?.creditCheck?.verdict;
  if (res.status !== 200 || body.errors?.length || verdict !== 'MANDATORY_RESTRICTION') {
    throw new Error(`probe through ${url}: HTTP ${res.status}, ${JSON.stringify(body).slice(0, 500)}`);
  }
}

interface Measured {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  gatewayCpuMsPerRequest: number;
  gatewayCpuPercent: number;
  subgraphsCpuPercent: number;
  /** The MySQL server's CPU, in % of one core. */
  databaseCpuPercent: number;
  otherCpuPercent: number;
  errorSamples: string[];
}

function measuredOf(run: ChildRun): Measured {
  const m = run.measured;
  const n = Math.max(1, m.responses);
  const pct = (ms: number) => round((100 * ms) / m.elapsedMs, 0);
  return {
    requestsPerSecond: round(m.responses / (m.elapsedMs / 1000), 1),
    p50Ms: m.latencyMs.p50,
    p99Ms: m.latencyMs.p99,
    errors: m.errors,
    gatewayCpuMsPerRequest: round(run.cpu.gateway / n, 3),
    gatewayCpuPercent: pct(run.cpu.gateway),
    subgraphsCpuPercent: pct(run.cpu.subgraphs),
    databaseCpuPercent: pct(run.cpu.database),
    otherCpuPercent: pct(Math.max(0, run.cpu.machine - run.cpu.gateway - run.cpu.subgraphs - run.cpu.database - m.loadCpuMs)),
    errorSamples: m.errorSamples,
  };
}

function checkLoad(url: string, ids: string[], conns: number, phases: { warmupSeconds: number; durationSeconds: number }, pids: { gateway: number | readonly number[]; subgraphs: number[] }, cores?: string): Promise<ChildRun> {
  const database = databaseServerPid();
  const scenario = SCENARIOS.check;
  const job: LoadJob = {
    name: `check via ${url} (${conns} connections)`,
    url,
    token: scenario.token,
    query: scenario.query,
    mode: 'check',
    ids,
    batchSize: 1,
    mandatoryIds: [SHOWCASE_IDS.blackEnterprise],
    connections: conns,
    timeoutSeconds: scenario.timeoutSeconds,
    ...phases,
  };
  return runLoadChild({
    file: 'scripts/bench-load.ts',
    job,
    cores,
    pids: { ...pids, database },
    crashed,
    limitMs: (phases.warmupSeconds + phases.durationSeconds + 90) * 1000,
    track: (c) => (worker = c),
    guard,
  });
}

function markdownTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  return [line(header), `|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`, ...rows.map(line)].join('\n');
}

function writeResults(name: string, md: string, json: unknown): void {
  const dir = path.join(ROOT, 'bench-results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, `${name}.md`), md);
  writeFileSync(path.join(dir, `${name}.json`), `${JSON.stringify(json, null, 2)}\n`);
  console.log(`bench-scale: written to bench-results/${name}.md and .json`);
}

const machine = () => `Node ${process.version}, ${os.availableParallelism()} × ${os.cpus()[0]?.model ?? 'unknown'}, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`;

// ---------------------------------------------------------------- scale-out

async function scaleOut(): Promise<void> {
  const loadBefore = os.loadavg().map((l) => round(l, 2));
  if (!existsSync(HAPROXY)) {
    console.error(`bench-scale: HAProxy is not installed at ${HAPROXY} (apt-get install haproxy, or set HAPROXY_PATH)`);
    process.exit(2);
  }
  await seed(subjects);
  resetCrashWatch();
  const databasePrefix = prefixFor(subjects);
  const dbOptions = { databaseUrl, databasePrefix };
  const live = await (pending = launchStack({ ...dbOptions, portBase, relay: false, env: gatewayEnv, output, signal: abort.signal }));
  stacks.push(live);
  watchStack(live);
  const env = stackEnv({ ...dbOptions, env: gatewayEnv });

  // A second replica of the market subgraph; HAProxy in front of both, and in front of each set of gateways.
  const replicaPort = portBase + 40;
  const marketPort = portBase + 41;
  const original = live.services[REPLICATED];
  const replica = watch(
    await (pending = startProcess({ name: `${REPLICATED} replica 2`, file: `subgraphs/${REPLICATED}/index.ts`, env: { ...env, PORT: String(replicaPort), HOST }, readyUrl: `http://${HOST}:${replicaPort}/health/ready`, output })),
  );
  const urls = { ...live.serviceUrls, [REPLICATED]: `http://${HOST}:${marketPort}/graphql` };
  const subgraphUrls = Object.entries(urls).map(([name, url]) => `${name}=${url}`).join(',');
  const sets = gatewayCounts.map((count, i) => ({ count, frontendPort: portBase + 50 + 10 * i, serverPorts: Array.from({ length: count }, (_, k) => portBase + 51 + 10 * i + k) }));
  const groups: BalancedGroup[] = [
    { name: REPLICATED, frontendPort: marketPort, serverPorts: [original.port, replicaPort], replayReadOnly: true },
    ...sets.map((set) => ({ name: `gateways${set.count}`, frontendPort: set.frontendPort, serverPorts: set.serverPorts, replayReadOnly: false })),
  ];
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'credit-bench-haproxy-'));
  // Whatever way the bench ends (an error before the rounds, Ctrl-C), the folder goes.
  process.once('exit', () => rmSync(tmp, { recursive: true, force: true }));
  const runtime = new HaproxyRuntime(path.join(tmp, 'haproxy.sock'));
  const configFile = path.join(tmp, 'haproxy.cfg');
  writeFileSync(configFile, haproxyConfig(HOST, groups, runtime.socketPath));
  const haproxy = watch(await (pending = startProcess({ name: 'haproxy', command: [HAPROXY, ['-db', '-f', configFile]], env, output })));
  const admit = async (group: string, index: number) => {
    const { backend, server } = serverName(group, index);
    const deadline = Date.now() + 120_000;
    let enabled = false;
    let last = '';
    for (;;) {
      try {
        // HAProxy's runtime API answers shortly after it starts: enable once it does.
        if (!enabled) {
          await runtime.enable(backend, server);
          enabled = true;
        }
        last = (await runtime.statuses()).get(`${backend}/${server}`) ?? 'unknown';
        if (last === 'UP') return;
      } catch (err) {
        last = (err as Error).message;
      }
      if (Date.now() > deadline) throw new Error(`HAProxy did not report ${backend}/${server} UP within 2 minutes (last: ${last}); its output:\n${haproxy.logs()}`);
      await sleep(100);
    }
  };
  await admit(REPLICATED, 0);
  await admit(REPLICATED, 1);
  console.log(`bench-scale: ${REPLICATED} served by 2 replicas (ports ${original.port} and ${replicaPort}) behind HAProxy ${HOST}:${marketPort}`);

  // Gateways: separate processes, each pinned to a core of its own and given a fixed CPU share.
  const cores = os.availableParallelism();
  const pinning = tasksetAvailable() && cores >= 2;
  const quota = quotaPercent > 0 ? quotaOrNull(quotaPercent) : null;
  process.once('exit', () => quota?.remove());
  const clusters: { workers: number; url: string; pids: number[] }[] = [];
  for (const set of sets) {
    const pids: number[] = [];
    for (const [k, port] of set.serverPorts.entries()) {
      const p = watch(
        await (pending = startProcess({
          name: `gateway ${k + 1} of ${set.count}`,
          file: 'gateway/index.ts',
          env: { ...env, PORT: String(port), HOST, SUBGRAPH_URLS: subgraphUrls, TRUSTED_PROXY_ADDRESSES: '127.0.0.1' },
          cores: pinning ? String(k % cores) : undefined,
          readyUrl: `http://${HOST}:${port}/health/ready`,
          readyTimeoutMs: 180_000,
          output,
        })),
      );
      quota?.limit(p.pid);
      pids.push(p.pid);
      await admit(`gateways${set.count}`, k);
    }
    const url = `http://${HOST}:${set.frontendPort}/graphql`;
    await probeCheck(url);
    clusters.push({ workers: set.count, url, pids });
    console.log(`bench-scale: ${set.count} gateway process(es) behind HAProxy at ${url} (pids ${pids.join(', ')})`);
  }
  const pinText =
    `gateway k pinned to core k−1 (${pinning ? 'taskset' : 'taskset unavailable: not pinned'}), ` +
    (quota ? `each capped at ${quotaPercent}% of a core (cgroup cpu.cfs_quota_us)` : `no CPU cap${quotaPercent > 0 ? ` (${cpuQuotaUnavailable})` : ''}`);

  const pool = shuffled([...seededIds(subjects), SHOWCASE_IDS.blackEnterprise]);
  const subgraphPids = [...Object.values(live.services).map((s) => s.pid), replica.pid];
  const pids = (gateways: number[]) => ({ gateway: gateways, subgraphs: subgraphPids });
  console.log('bench-scale: warming up every set of gateways (10 s each) ...');
  for (const c of clusters) await checkLoad(c.url, pool, connections, { warmupSeconds: 0, durationSeconds: 10 }, pids(c.pids));

  const runs: (Measured & { workers: number; round: number })[] = [];
  try {
    for (let r = 1; r <= rounds; r++) {
      const order = r % 2 === 1 ? clusters : [...clusters].reverse();
      for (const c of order) {
        const m = measuredOf(await checkLoad(c.url, pool, connections, { warmupSeconds, durationSeconds }, pids(c.pids)));
        runs.push({ ...m, workers: c.workers, round: r });
        console.log(
          `bench-scale: round ${r}, ${c.workers} gateway process(es): ${m.requestsPerSecond} req/s, p50 ${m.p50Ms} ms, p99 ${m.p99Ms} ms, ${m.errors} errors, ` +
            `gateway ${m.gatewayCpuMsPerRequest} ms CPU/req (${m.gatewayCpuPercent}% of a core), subgraphs ${m.subgraphsCpuPercent}%, MySQL ${m.databaseCpuPercent}%, other ${m.otherCpuPercent}%`,
        );
        for (const s of m.errorSamples) console.log(`  ${s}`);
      }
    }
  } finally {
    await stopAll();
    quota?.remove();
    rmSync(tmp, { recursive: true, force: true });
  }
  const summary = clusters.map((c) => {
    const mine = runs.filter((x) => x.workers === c.workers);
    return {
      workers: c.workers,
      requestsPerSecond: round(median(mine.map((x) => x.requestsPerSecond)), 1),
      p50Ms: round(median(mine.map((x) => x.p50Ms)), 1),
      p99Ms: round(median(mine.map((x) => x.p99Ms)), 1),
      gatewayCpuMsPerRequest: round(median(mine.map((x) => x.gatewayCpuMsPerRequest)), 2),
      gatewayCpuPercent: round(median(mine.map((x) => x.gatewayCpuPercent)), 0),
      subgraphsCpuPercent: round(median(mine.map((x) => x.subgraphsCpuPercent)), 0),
      databaseCpuPercent: round(median(mine.map((x) => x.databaseCpuPercent)), 0),
      otherCpuPercent: round(median(mine.map((x) => x.otherCpuPercent)), 0),
      errors: mine.reduce((n, x) => n + x.errors, 0),
      perRound: mine.map((x) => x.requestsPerSecond),
    };
  });
  const base = summary[0]!;
  const rows = summary.map((s) => [
    `${s.workers}`,
    s.requestsPerSecond.toFixed(1),
    (s.requestsPerSecond / base.requestsPerSecond).toFixed(2),
    s.p50Ms.toFixed(1),
    s.p99Ms.toFixed(1),
    s.gatewayCpuMsPerRequest.toFixed(2),
    `${s.gatewayCpuPercent}`,
    `${s.subgraphsCpuPercent}`,
    `${s.databaseCpuPercent}`,
    `${s.otherCpuPercent}`,
    `${s.errors}`,
    s.perRound.join(', '),
  ]);
  const tableText = markdownTable(
    ['Gateway processes', 'Req/s', `× ${base.workers}`, 'p50 ms', 'p99 ms', 'Gateway CPU ms/req', 'Gateway CPU %', 'Subgraphs CPU %', 'MySQL CPU %', 'Other CPU %', 'Errors', 'Req/s by round'],
    rows,
  );
  const header =
    `${machine()} (before: ${loadBefore.join(' ')}). MySQL (${databasePrefix}*), ${subjects} subjects, the registry in MySQL shared by every gateway process. ` +
    `Check scenario, ${connections} connections, ${rounds} round(s) of ${warmupSeconds} s warm-up + ${durationSeconds} s per configuration, alternating; ` +
    `${REPLICATED} served by 2 replicas behind HAProxy; the gateways behind HAProxy (round robin, health-checked), ${pinText}; ` +
    'subgraphs, MySQL, HAProxy and the load generator not pinned. CPU % is of one core; gateway CPU counts every gateway process of the set.';
  const md = [`# Scale-out ${new Date().toISOString()}`, '', header, '', tableText, ''].join('\n');
  console.log(`\n${tableText}\n`);
  writeResults('scale-out', md, { date: new Date().toISOString(), machine: machine(), subjects, connections, rounds, durationSeconds, warmupSeconds, replicated: REPLICATED, gateways: pinText, quotaPercent: quota ? quotaPercent : null, summary, runs });
}

// ---------------------------------------------------------------- mysql-scale

async function mysqlScale(): Promise<void> {
  const pin = os.availableParallelism() >= 2 && tasksetAvailable() ? { gateway: '0', subgraphs: `1-${os.availableParallelism() - 1}` } : undefined;
  const seedSeconds = new Map<number, number>();
  for (const size of sizes) seedSeconds.set(size, await seed(size));
  // Every data set is served by a stack of its own, all up at once (the idle ones cost next to
  // nothing), so that the rounds alternate between the sizes under the same conditions.
  resetCrashWatch();
  const live: { size: number; stack: StackHandle; pool: string[]; pids: { gateway: number; subgraphs: number[] } }[] = [];
  for (const [i, size] of sizes.entries()) {
    const s = await (pending = launchStack({ databaseUrl, databasePrefix: prefixFor(size), portBase: portBase + 100 * i, pin, relay: false, env: gatewayEnv, output, signal: abort.signal }));
    stacks.push(s);
    watchStack(s);
    await probeCheck(s.gatewayUrl);
    // Ids from the whole population, evenly spread: the first 50,000 of a fixed shuffle.
    const pool = shuffled(seededIds(size)).slice(0, 50_000);
    pool.push(SHOWCASE_IDS.blackEnterprise);
    live.push({ size, stack: s, pool, pids: { gateway: s.gatewayPid, subgraphs: Object.values(s.services).map((p) => p.pid) } });
    console.log(`bench-scale: ${size} subjects served at ${s.gatewayUrl}`);
  }
  for (const l of live) {
    console.log(`bench-scale: ${l.size} subjects: warming up (10 s) ...`);
    await checkLoad(l.stack.gatewayUrl, l.pool, 32, { warmupSeconds: 0, durationSeconds: 10 }, l.pids, pin?.subgraphs);
  }
  const runsOf = new Map<string, Measured[]>();
  for (let r = 1; r <= rounds; r++) {
    const order = r % 2 === 1 ? live : [...live].reverse();
    for (const connectionsNow of levels) {
      for (const l of order) {
        const m = measuredOf(await checkLoad(l.stack.gatewayUrl, l.pool, connectionsNow, { warmupSeconds, durationSeconds }, l.pids, pin?.subgraphs));
        const key = `${l.size}/${connectionsNow}`;
        runsOf.set(key, [...(runsOf.get(key) ?? []), m]);
        console.log(
          `bench-scale: round ${r}, ${l.size} subjects, ${connectionsNow} connection(s): ${m.requestsPerSecond} req/s, p50 ${m.p50Ms} ms, p99 ${m.p99Ms} ms, ${m.errors} errors, ` +
            `MySQL ${m.databaseCpuPercent}% of a core, other processes ${m.otherCpuPercent}%`,
        );
      }
    }
  }
  await stopAll();
  const steps = sizes.map((size) => ({ subjects: size, seedSeconds: seedSeconds.get(size)!, levels: levels.map((c) => ({ connections: c, runs: runsOf.get(`${size}/${c}`) ?? [] })) }));
  const p50 = (runs: Measured[]) => round(median(runs.map((m) => m.p50Ms)), 1);
  const rps = (runs: Measured[]) => round(median(runs.map((m) => m.requestsPerSecond)), 1);
  const rows: string[][] = [];
  for (const step of steps) {
    for (const level of step.levels) {
      rows.push([
        `${step.subjects}`,
        `${level.connections}`,
        rps(level.runs).toFixed(1),
        p50(level.runs).toFixed(1),
        round(median(level.runs.map((m) => m.p99Ms)), 1).toFixed(1),
        `${level.runs.reduce((n, m) => n + m.errors, 0)}`,
        `${round(median(level.runs.map((m) => m.databaseCpuPercent)), 0)}`,
        `${round(median(level.runs.map((m) => m.otherCpuPercent)), 0)}`,
        `${step.seedSeconds.toFixed(0)}`,
      ]);
    }
  }
  const tableText = markdownTable(['Subjects', 'Connections', 'Req/s', 'p50 ms', 'p99 ms', 'Errors', 'MySQL CPU %', 'Other CPU %', 'Seeded in s'], rows);
  const verdicts: string[] = [];
  const small = steps[0];
  for (const step of steps.slice(1)) {
    for (const level of step.levels) {
      const ref = small?.levels.find((l) => l.connections === level.connections);
      if (!ref) continue;
      const ratio = p50(level.runs) / p50(ref.runs);
      verdicts.push(
        `- ${ratio <= 1.2 ? 'MET' : 'NOT MET'} — p50 with ${step.subjects} subjects ≤ 1.2× the p50 with ${small!.subjects}, at ${level.connections} connection(s): ` +
          `${p50(level.runs)} ÷ ${p50(ref.runs)} ms = ${ratio.toFixed(2)}×`,
      );
    }
  }
  const md = [
    `# Check p50 by data size on MySQL ${new Date().toISOString()}`,
    '',
    `${machine()}. Our gateway, every production feature on, check scenario; ${rounds} round(s) of ${warmupSeconds} s warm-up + ${durationSeconds} s per size and level, the sizes alternating (each served by a stack of its own, all up at once); ids drawn from the whole population (at most 50,000 of them); ` +
      `${pin ? 'gateway on core 0, subgraphs and load generator on the others (the MySQL server is not pinned)' : 'not pinned'}.`,
    '',
    tableText,
    '',
    ...verdicts,
    '',
  ].join('\n');
  console.log(`\n${tableText}\n\n${verdicts.join('\n')}\n`);
  writeResults('mysql-scale', md, { date: new Date().toISOString(), machine: machine(), rounds, durationSeconds, warmupSeconds, steps, verdicts });
}

let code = 0;
try {
  await (mode === 'scale-out' ? scaleOut() : mysqlScale());
} catch (err) {
  if (!abort.signal.aborted) {
    console.error(`bench-scale: ${(err as Error).message}`);
    code = 1;
  }
} finally {
  if (!abort.signal.aborted) {
    await stopAll();
    await dropData();
    process.exit(code);
  }
}
