/**
 * `npm run bench`: seeds a demo dataset, runs the whole stack as separate processes on its own
 * ports (4400.., not disturbing a running `npm start`), and measures each scenario twice:
 * through the gateway, with autocannon run as a child process (scripts/bench-load.ts), and by the
 * direct-call floor (scripts/bench/floor.ts), which calls the subgraphs itself with exactly the
 * fetches of the gateway's query plan — the least a gateway could cost for the same work.
 *   subject      one subject's view across all departments, a different subject on each request
 *   batch        `subjects(ids:)` with 1,000 ids, a different id set on each request
 *   check        the check before approval an approval system sends for one subject
 *   batch-check  `subjects(ids:) { creditCheck }` for 1,000 subjects
 * Every answer is checked (HTTP 200, no errors, the subjects asked for, in order; for checks a
 * valid verdict, no missing source, and MANDATORY_RESTRICTION for the black-listed showcase
 * subject); before any load, one request of each scenario goes through the gateway and the floor
 * and both answers must agree. It prints requests/s, latency and CPU time per request of the
 * gateway or the floor (beside the subgraphs'), the gateway ÷ floor ratios, and writes the table
 * to bench-results/latest.md and .json. With two or more cores and `taskset`, the gateway (or
 * the floor in its place) runs on core 0 and the subgraphs and the load generator on the others,
 * so that the figures measure the gateway rather than the scheduler.
 *
 * Data: SQLite in a temporary folder (removed afterwards), or `--data-dir DIR` to reuse one
 * (seeded only if empty). With DATABASE_URL set: MySQL databases `credit_bench_*` (or
 * DATABASE_PREFIX), reseeded and dropped afterwards, or `--db-prefix P` to reuse existing ones.
 *
 * Options: --subjects N (15000) --duration S (10) --warmup S (3, before each measurement)
 * --stack-warmup S (20, shared among the scenarios, each sent through the gateway before any
 * measurement: a fresh stack runs at about half speed at first) --connections N (32, subject and check)
 * --batch-connections N (4, batch and batch-check) --batch-size N (1000)
 * --scenarios subject,batch,check,batch-check --no-floor --port-base N (4400) --no-pin --no-seed
 * --verbose (stack output to this terminal) --seed-timeout S (900).
 */
import { execFileSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ClientRegistry } from '../gateway/clients.js';
import { gatewayConfigFromEnv, type GatewayConfig } from '../gateway/config.js';
import { callerHeaders } from '../subgraphs/kit/caller.js';
import { dropDatabase, databaseConfigFromEnv, openDatabase } from '../subgraphs/kit/database.js';
import { signingConfigFromEnv } from '../subgraphs/kit/request-signing.js';
import { RegistryStore } from '../subgraphs/registry/store.js';
import { SERVICES } from '../subgraphs/services.js';
import type { LoadJob } from './bench-load.js';
import type { FloorJob } from './bench/floor.js';
import { PlanExecutor, type PlanExecutorOptions } from './bench/plan-executor.js';
import { probe } from './bench/probe.js';
import { isBatchMode, isCheckMode } from './bench/protocol.js';
import { buildQueryPlans, describePlan } from './bench/query-plans.js';
import { compare, details, round, table, TABLE_NOTES, type Path, type RunResult } from './bench/report.js';
import { runLoadChild, type ChildRun } from './bench/run-load-child.js';
import { SCENARIO_NAMES, SCENARIOS, scenarioLabel, type ScenarioName } from './bench/scenarios.js';
import { populationSizes } from './demo-data/generate.js';
import { legalPersonId, naturalPersonId } from './demo-data/identities.js';
import { SHOWCASE_IDS } from './demo-data/showcase.js';
import {
  launchStack,
  ROOT,
  runSeed,
  stackEnv,
  tasksetAvailable,
  type CorePinning,
  type StackHandle,
} from './stack-processes.js';

// ---------------------------------------------------------------- options

const { values: opts } = parseArgs({
  options: {
    subjects: { type: 'string', default: '15000' },
    'data-dir': { type: 'string' },
    'db-prefix': { type: 'string' },
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '3' },
    'stack-warmup': { type: 'string', default: '20' },
    connections: { type: 'string', default: '32' },
    'batch-connections': { type: 'string', default: '4' },
    'batch-size': { type: 'string', default: '1000' },
    scenarios: { type: 'string', default: SCENARIO_NAMES.join(',') },
    'no-floor': { type: 'boolean', default: false },
    'port-base': { type: 'string', default: '4400' },
    'seed-timeout': { type: 'string', default: '900' },
    'no-pin': { type: 'boolean', default: false },
    'no-seed': { type: 'boolean', default: false },
    verbose: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
  strict: true,
});

if (opts.help) {
  const source = (await import('node:fs')).readFileSync(new URL(import.meta.url), 'utf8');
  console.log(source.slice(source.indexOf('/**') + 3, source.indexOf('*/')).replace(/^ \* ?/gm, '').trim());
  process.exit(0);
}

function intOption(name: keyof typeof opts, min: number, max: number): number {
  const raw = opts[name] as string;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    console.error(`--${name} ${raw}: expected a whole number from ${min} to ${max}`);
    process.exit(2);
  }
  return n;
}

const subjectCount = intOption('subjects', 1, 10_000_000);
const durationSeconds = intOption('duration', 1, 3600);
const warmupSeconds = intOption('warmup', 0, 600);
const stackWarmupSeconds = intOption('stack-warmup', 0, 600);
const connections = intOption('connections', 1, 1000);
const batchConnections = intOption('batch-connections', 1, 1000);
const batchSize = intOption('batch-size', 1, 1000);
const portBase = intOption('port-base', 1024, 65000);
const seedTimeoutSeconds = intOption('seed-timeout', 10, 24 * 3600);
const scenarioNames = opts.scenarios.split(',').map((s) => s.trim()).filter(Boolean) as ScenarioName[];
for (const s of scenarioNames) {
  if (!SCENARIO_NAMES.includes(s)) {
    console.error(`--scenarios: unknown scenario ${JSON.stringify(s)}; expected some of ${SCENARIO_NAMES.join(', ')}`);
    process.exit(2);
  }
}
if (scenarioNames.length === 0) {
  console.error(`--scenarios: none given; expected some of ${SCENARIO_NAMES.join(', ')}`);
  process.exit(2);
}
const withFloor = !opts['no-floor'];

// ---------------------------------------------------------------- data

const mysqlUrl = process.env.DATABASE_URL || undefined;
if (mysqlUrl && opts['data-dir']) {
  console.error('--data-dir is for SQLite; DATABASE_URL is set (MySQL): use --db-prefix to reuse MySQL databases');
  process.exit(2);
}
if (!mysqlUrl && opts['db-prefix'] !== undefined) {
  console.error('--db-prefix is for MySQL, but DATABASE_URL is not set: use --data-dir to reuse SQLite databases');
  process.exit(2);
}

/**
 * The ids of the random demo population scripts/seed.ts writes for `--subjects total`: legal
 * persons legalPersonId(0..L-1), then natural persons naturalPersonId(0..N-1). (A legal person
 * whose code a showcase subject already has is moved elsewhere by the seed; asking for that code
 * still finds a subject, the showcase one.) With --data-dir/--db-prefix, pass the --subjects the
 * data was seeded with.
 */
function seededIds(total: number): string[] {
  const { legal, natural } = populationSizes(total);
  const ids: string[] = [];
  for (let i = 0; i < legal; i++) ids.push(legalPersonId(i));
  for (let j = 0; j < natural; j++) ids.push(naturalPersonId(j));
  return ids;
}

/** Fisher-Yates with a fixed seed, so runs draw the same sequence. */
function shuffled<T>(items: T[], seed = 20240601): T[] {
  const a = [...items];
  let s = seed >>> 0;
  const rand = () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

// ---------------------------------------------------------------- cleanup

const abort = new AbortController();
let stack: StackHandle | undefined;
let pending: Promise<unknown> = Promise.resolve();
let worker: ChildProcess | undefined;
let tempDir: string | undefined;
let dropMysqlPrefix: string | undefined;
/** Set once the MySQL server answered (seeded or served): only then are the bench databases dropped. */
let mysqlUsed = false;
let cleaning: Promise<void> | undefined;

function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    abort.abort(new Error('stopping'));
    if (worker && worker.exitCode === null && worker.signalCode === null) {
      const w = worker;
      const exited = new Promise<void>((resolve) => w.once('exit', () => resolve()));
      w.kill('SIGKILL');
      await exited;
    }
    await pending.catch(() => {});
    await stack?.stop();
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
    if (dropMysqlPrefix !== undefined && mysqlUrl && mysqlUsed) {
      const env = { DATABASE_URL: mysqlUrl, DATABASE_PREFIX: dropMysqlPrefix };
      for (const { name } of SERVICES) await dropDatabase(databaseConfigFromEnv(name, env)).catch(() => {});
    }
  })();
  return cleaning;
}

let interrupted = false;
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    interrupted = true;
    console.error(`\n${sig}: stopping the benchmark`);
    void cleanup().finally(() => process.exit(130));
  });
}

function abortable<T>(promise: Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abort.signal.reason instanceof Error ? abort.signal.reason : new Error('aborted'));
    if (abort.signal.aborted) return onAbort();
    abort.signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => abort.signal.removeEventListener('abort', onAbort));
  });
}

// ---------------------------------------------------------------- measuring

/**
 * The gateway settings of the bench's stack: the environment's, except that the subgraph timeout
 * is 30 s unless SUBGRAPH_TIMEOUT_MS says otherwise. Here all five subgraphs share one core, and a
 * 1,000-subject check waiting behind three others can take longer than the production 2 s: the
 * bench measures cost, not how a starved core trips the timeout.
 */
const gatewayEnv: NodeJS.ProcessEnv = {
  SUBGRAPH_TIMEOUT_MS: process.env.SUBGRAPH_TIMEOUT_MS ?? '30000',
};

/** The stack's gateway configuration, read the gateway's way from the environment it was started with. */
function gatewayConfigOf(s: StackHandle, env: NodeJS.ProcessEnv): GatewayConfig {
  return gatewayConfigFromEnv(['--port', String(s.gateway.port), '--host', new URL(s.gatewayUrl).hostname], env);
}

/**
 * How the floor reaches the subgraphs to do what the gateway does for a client's key: the
 * gateway's pool size, timeout and signing secret, and the caller headers it forwards.
 */
function subgraphAccess(s: StackHandle, config: GatewayConfig, env: NodeJS.ProcessEnv, token: string): PlanExecutorOptions {
  const caller = new ClientRegistry(config.clients).authenticate(`Bearer ${token}`);
  if (!caller) throw new Error(`the gateway does not know the bench's key ${token} (CLIENTS_FILE is set?)`);
  return {
    urls: s.serviceUrls,
    callerHeaders: callerHeaders(caller),
    timeoutMs: config.subgraphTimeoutMs,
    connections: config.subgraphConnections,
    signingSecret: config.signingSecret ?? signingConfigFromEnv(env).secret,
  };
}

/**
 * The supergraph the gateway serves (gateway/registry-source.ts): the registry's latest version,
 * or the supergraph file while the registry holds none (as in a freshly seeded bench) or when
 * SUPERGRAPH_FILE is set.
 */
async function servedSupergraph(config: GatewayConfig): Promise<{ sdl: string; source: string }> {
  const file = () => ({ sdl: readFileSync(config.supergraphFile, 'utf8'), source: path.relative(ROOT, config.supergraphFile) });
  if (!config.registry) return file();
  const db = await openDatabase(config.registry);
  try {
    const latest = await new RegistryStore(db).latest();
    return latest ? { sdl: latest.supergraph_sdl, source: `registry version ${latest.version}` } : file();
  } finally {
    await db.destroy();
  }
}

interface RunShape {
  scenario: string;
  path: Path;
  job: { mode: FloorJob['mode']; connections: number; batchSize: number; durationSeconds: number };
}

function toResult({ scenario, path: via, job }: RunShape, { warmup, measured, cpu }: ChildRun): RunResult {
  const seconds = measured.elapsedMs / 1000;
  const n = Math.max(1, measured.responses);
  // The gateway's CPU from /proc; the floor's from its own accounting (it is also its load generator).
  const own = via === 'gateway' ? cpu.gateway : measured.loadCpuMs;
  const accounted = via === 'gateway' ? cpu.gateway + cpu.subgraphs + measured.loadCpuMs : measured.loadCpuMs + cpu.subgraphs;
  const percent = (ms: number) => round((100 * ms) / measured.elapsedMs, 0);
  return {
    scenario,
    path: via,
    mode: job.mode,
    connections: job.connections,
    idsPerRequest: job.batchSize,
    durationSeconds: job.durationSeconds,
    requests: measured.responses,
    requestsPerSecond: round(measured.responses / seconds, 1),
    subjectsPerSecond: round(measured.subjects / seconds, 0),
    p50Ms: measured.latencyMs.p50,
    p99Ms: measured.latencyMs.p99,
    errors: measured.errors,
    cpuMsPerRequest: round(own / n, 3),
    cpuPercent: percent(own),
    subgraphsCpuMsPerRequest: round(cpu.subgraphs / n, 3),
    subgraphsCpuPercent: percent(cpu.subgraphs),
    loadGeneratorCpuPercent: via === 'gateway' ? percent(measured.loadCpuMs) : null,
    otherCpuPercent: percent(Math.max(0, cpu.machine - accounted)),
    fetchesPerRequest: measured.fetches !== undefined ? round(measured.fetches / n, 2) : null,
    subjectsWithRecordsPercent: isCheckMode(job.mode) ? null : measured.subjects ? round((100 * measured.subjectsWithRecords) / measured.subjects, 1) : 0,
    verdicts: isCheckMode(job.mode) ? measured.verdicts : null,
    warmup,
    measured,
  };
}

function logResult(r: RunResult): void {
  const reasons = Object.entries(r.measured.errorReasons).map(([k, v]) => `${k} ×${v}`).join(', ');
  console.log(
    `bench: ${r.scenario}, ${r.path}: ${r.requestsPerSecond} req/s, p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms, ${r.errors} errors${reasons ? ` (${reasons})` : ''}, ` +
      `${r.path} ${r.cpuMsPerRequest} ms CPU/req (${r.cpuPercent}% of a core), subgraphs ${r.subgraphsCpuPercent}%` +
      `${r.loadGeneratorCpuPercent !== null ? `, load generator ${r.loadGeneratorCpuPercent}%` : ''}, other processes ${r.otherCpuPercent}%` +
      `${r.fetchesPerRequest !== null ? `, ${r.fetchesPerRequest} fetches/req` : ''}`,
  );
  for (const sample of r.measured.errorSamples) console.log(`  ${sample}`);
  if (r.requests === 0) console.warn(`bench: warning: ${r.scenario}, ${r.path}: no answer within the measured window; lengthen --duration`);
}

// ---------------------------------------------------------------- report

function gitCommit(): string | null {
  try {
    const sha = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() !== '';
    return dirty ? `${sha}+changes` : sha;
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  const loadAverageBefore = os.loadavg().map((l) => round(l, 2));
  const cpus = os.availableParallelism();
  const pinRequested = !opts['no-pin'];
  const lastCore = cpus - 1;
  let pin: CorePinning | undefined;
  let pinNote: string;
  if (!pinRequested) pinNote = 'not pinned (--no-pin)';
  else if (cpus < 2) pinNote = 'not pinned (one core)';
  else if (!tasksetAvailable()) pinNote = 'not pinned (taskset is not available)';
  else {
    pin = { gateway: '0', subgraphs: lastCore === 1 ? '1' : `1-${lastCore}` };
    pinNote = `gateway (or the floor in its place) on core ${pin.gateway}; subgraphs and load generator on core(s) ${pin.subgraphs}`;
  }

  // Where the data lives.
  let dataDir: string | undefined;
  let databasePrefix: string | undefined;
  let seedArgs: string[];
  let engine: string;
  if (mysqlUrl) {
    engine = 'mysql';
    if (opts['db-prefix'] !== undefined) {
      databasePrefix = opts['db-prefix'];
      seedArgs = ['--if-empty', '--subjects', String(subjectCount)];
    } else {
      databasePrefix = process.env.DATABASE_PREFIX || 'credit_bench_';
      if (databasePrefix === 'credit_') throw new Error('DATABASE_PREFIX=credit_ is the default of npm start: the benchmark would reseed it. Use --db-prefix credit_ to reuse it as it is.');
      seedArgs = ['--reset', '--subjects', String(subjectCount)];
      dropMysqlPrefix = databasePrefix;
    }
  } else {
    engine = 'sqlite';
    if (opts['data-dir']) {
      dataDir = path.resolve(opts['data-dir']);
      seedArgs = ['--if-empty', '--subjects', String(subjectCount)];
    } else {
      dataDir = tempDir = mkdtempSync(path.join(os.tmpdir(), 'credit-bench-'));
      seedArgs = ['--subjects', String(subjectCount)];
    }
  }
  const dbOptions = { dataDir, databaseUrl: mysqlUrl ?? null, databasePrefix };
  console.log(`bench: ${engine}${dataDir ? ` in ${dataDir}` : ` databases ${databasePrefix}*`}, ${subjectCount} subjects; ${pinNote}`);

  if (opts['no-seed']) console.log('bench: not seeding (--no-seed)');
  else {
    const t0 = Date.now();
    console.log(`bench: seeding (seed.ts ${seedArgs.join(' ')}) ...`);
    await (pending = runSeed(seedArgs, {
      ...dbOptions,
      output: opts.verbose ? 'inherit' : 'quiet',
      signal: abort.signal,
      timeoutMs: seedTimeoutSeconds * 1000,
    }));
    mysqlUsed = true;
    console.log(`bench: seeded in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }

  const t1 = Date.now();
  stack = await (pending = launchStack({
    ...dbOptions,
    portBase,
    pin,
    env: gatewayEnv,
    // The push relay polls the gateway and writes to the platform's database: not what is measured.
    relay: false,
    output: opts.verbose ? 'inherit' : 'quiet',
    signal: abort.signal,
  }));
  mysqlUsed = true;
  console.log(
    `bench: stack up in ${((Date.now() - t1) / 1000).toFixed(1)} s; gateway ${stack.gatewayUrl} (pid ${stack.gatewayPid}), subgraph timeout ${gatewayEnv.SUBGRAPH_TIMEOUT_MS} ms`,
  );

  const live = stack;
  // The random population and the showcase subjects (always seeded), in a fixed shuffled order.
  const pool = shuffled([...new Set([...seededIds(subjectCount), ...Object.values(SHOWCASE_IDS)])]);
  // Active black records (major tax violation, procurement violation): a check must restrict it.
  const mandatoryIds = [SHOWCASE_IDS.blackEnterprise];
  const rules = (mode: ScenarioName) => ({ mode, mandatory: new Set(mandatoryIds) });
  // What the gateway of the stack was started with, to copy it in the floor.
  const gatewayProcessEnv = stackEnv({ ...dbOptions, env: gatewayEnv });
  const gatewayConfig = gatewayConfigOf(stack, gatewayProcessEnv);
  const access = (name: ScenarioName) => subgraphAccess(live, gatewayConfig, gatewayProcessEnv, SCENARIOS[name].token);
  const supergraph = await servedSupergraph(gatewayConfig);
  const plans = buildQueryPlans(
    supergraph.sdl,
    Object.fromEntries(scenarioNames.map((name) => [name, SCENARIOS[name].query])) as Record<ScenarioName, string>,
  );
  console.log(`bench: the floor follows the gateway's query plans over ${supergraph.source}`);

  // One request of each scenario through the gateway and by the floor before loading anything.
  for (const name of scenarioNames) {
    const scenario = SCENARIOS[name];
    const label = scenarioLabel(name, batchSize);
    let ids: string[];
    if (name === 'check') ids = [SHOWCASE_IDS.blackEnterprise];
    else if (name === 'batch-check') ids = [SHOWCASE_IDS.blackEnterprise, ...Array.from({ length: batchSize - 1 }, (_, i) => pool[i % pool.length]!)];
    else ids = Array.from({ length: isBatchMode(name) ? batchSize : 1 }, (_, i) => pool[i % pool.length]!);
    const executor = new PlanExecutor(access(name));
    try {
      const outcome = await abortable(
        probe(
          {
            url: stack.gatewayUrl,
            token: scenario.token,
            query: scenario.query,
            variables: isBatchMode(name) ? { ids } : { id: ids[0] },
            expect: ids,
            rules: rules(name),
            signal: abort.signal,
          },
          plans[name],
          executor,
        ),
      );
      const { tally } = outcome;
      const seen = isCheckMode(name)
        ? `verdicts ${Object.entries(tally.verdicts).map(([v, n]) => `${v} ×${n}`).join(', ')}`
        : `${tally.subjectsWithRecords} of ${tally.subjects} subjects with credit records`;
      console.log(`bench: probe ${label}: ${seen}; the floor agrees (${outcome.floorFetches} subgraph fetches: ${describePlan(plans[name])})`);
      if (isBatchMode(name) && !isCheckMode(name) && tally.subjectsWithRecords === 0) {
        console.warn('bench: warning: no subject has any record; is the database seeded with these subjects?');
      }
    } finally {
      await executor.close();
    }
  }

  /** The jobs of a scenario: through the gateway, and by the floor. */
  const jobsOf = (name: ScenarioName, phases: { warmupSeconds: number; durationSeconds: number }) => {
    const scenario = SCENARIOS[name];
    const common = {
      name: scenarioLabel(name, batchSize),
      mode: name,
      ids: pool,
      batchSize: isBatchMode(name) ? batchSize : 1,
      mandatoryIds,
      connections: scenario.connections === 'batch' ? batchConnections : connections,
      ...phases,
    };
    const gateway: LoadJob = { ...common, url: live.gatewayUrl, token: scenario.token, query: scenario.query, timeoutSeconds: scenario.timeoutSeconds };
    const floor: FloorJob = { ...common, plan: plans[name], subgraphs: access(name) };
    const limitMs = (phases.warmupSeconds + phases.durationSeconds + scenario.timeoutSeconds + 60) * 1000;
    return { common, gateway, floor, limitMs };
  };
  const childOptions = (limitMs: number) => ({ stack: live, limitMs, track: (c: ChildProcess | undefined) => (worker = c), guard: abortable });

  // A fresh stack runs at about half speed for its first 15-20 s under load (JIT, heap sizing), in
  // the gateway and the subgraphs alike: the first scenario measured would pay for it alone.
  if (stackWarmupSeconds > 0) {
    const each = Math.max(1, Math.round(stackWarmupSeconds / scenarioNames.length));
    console.log(`bench: warming the stack up: each scenario through the gateway for ${each} s, not measured ...`);
    for (const name of scenarioNames) {
      const { gateway, limitMs } = jobsOf(name, { warmupSeconds: 0, durationSeconds: each });
      const run = await runLoadChild({ ...childOptions(limitMs), file: 'scripts/bench-load.ts', job: gateway, cores: pin?.subgraphs });
      if (run.measured.errors > 0) {
        console.warn(`bench: warning: ${run.measured.errors} errors while warming up with ${gateway.name}: ${run.measured.errorSamples.join('; ')}`);
      }
    }
  }

  const results: RunResult[] = [];
  for (const name of scenarioNames) {
    const { common, gateway, floor, limitMs } = jobsOf(name, { warmupSeconds, durationSeconds });
    console.log(`bench: ${common.name}, gateway: ${common.connections} connections, ${warmupSeconds} s warm-up + ${durationSeconds} s ...`);
    const viaGateway = await runLoadChild({ ...childOptions(limitMs), file: 'scripts/bench-load.ts', job: gateway, cores: pin?.subgraphs });
    results.push(toResult({ scenario: common.name, path: 'gateway', job: common }, viaGateway));
    logResult(results.at(-1)!);

    if (withFloor) {
      console.log(`bench: ${common.name}, floor: ${common.connections} virtual connections, ${warmupSeconds} s warm-up + ${durationSeconds} s ...`);
      const byFloor = await runLoadChild({ ...childOptions(limitMs), file: 'scripts/bench/floor.ts', job: floor, cores: pin?.gateway });
      results.push(toResult({ scenario: common.name, path: 'floor', job: common }, byFloor));
      logResult(results.at(-1)!);
    }
  }

  const comparisons = compare(results);
  const meta = {
    date: new Date().toISOString(),
    commit: gitCommit(),
    node: process.version,
    cpus,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    loadAverageBefore,
    engine,
    subjects: subjectCount,
    seeded: !opts['no-seed'],
    durationSeconds,
    warmupSeconds,
    stackWarmupSeconds,
    pinning: pinNote,
    subgraphTimeoutMs: Number(gatewayEnv.SUBGRAPH_TIMEOUT_MS),
    ports: { gateway: stack.gateway.port, subgraphs: Object.fromEntries(Object.entries(stack.services).map(([k, v]) => [k, v.port])) },
    supergraph: supergraph.source,
    plans: Object.fromEntries(scenarioNames.map((name) => [scenarioLabel(name, batchSize), describePlan(plans[name])])),
  };
  const md = [
    `# Benchmark ${meta.date}`,
    '',
    `Commit ${meta.commit ?? 'unknown'}, Node ${meta.node}, ${cpus} × ${meta.cpuModel}. ${engine === 'sqlite' ? 'SQLite' : 'MySQL'}, ` +
      `${subjectCount} demo subjects${meta.seeded ? '' : ' (not seeded by this run)'}; ${durationSeconds} s per scenario and path after ${warmupSeconds} s warm-up ` +
      `(and ${stackWarmupSeconds} s through the gateway, shared among the scenarios, before any measurement); ${pinNote}; ` +
      `subgraph timeout ${meta.subgraphTimeoutMs} ms (gateway and floor).`,
    '',
    table(results),
    '',
    ...TABLE_NOTES,
    '',
    ...details(results, engine),
    '',
    'Query plans (the floor\'s fetches, `[a | b]` in parallel, `→` in sequence):',
    '',
    ...Object.entries(meta.plans).map(([label, plan]) => `- ${label}: ${plan}`),
    '',
  ].join('\n');
  console.log(`\n${table(results)}\n`);
  const outDir = path.join(ROOT, 'bench-results');
  mkdirSync(outDir, { recursive: true });
  writeFileSync(path.join(outDir, 'latest.md'), md);
  writeFileSync(path.join(outDir, 'latest.json'), `${JSON.stringify({ ...meta, results, comparisons }, null, 2)}\n`);
  console.log(`bench: written to bench-results/latest.md and bench-results/latest.json`);
}

// A hard bound on the whole run: seeding, start-up, and each scenario with its margins.
const totalLimitMs =
  (opts['no-seed'] ? 0 : seedTimeoutSeconds * 1000) +
  180_000 +
  (stackWarmupSeconds + scenarioNames.length * ((withFloor ? 2 : 1) * (warmupSeconds + durationSeconds + 90) + 90)) * 1000;
const watchdog = setTimeout(() => {
  console.error(`bench: did not finish within ${Math.round(totalLimitMs / 1000)} s; stopping`);
  void cleanup().finally(() => process.exit(1));
}, totalLimitMs);
watchdog.unref();

let exitCode = 0;
try {
  await main();
} catch (err) {
  if (!interrupted) {
    console.error(`bench: ${(err as Error).message}`);
    exitCode = 1;
  }
} finally {
  if (!interrupted) {
    await cleanup();
    process.exit(exitCode);
  }
}
