/**
 * `npm run bench`: seeds a demo dataset, runs the whole stack as separate processes on its own
 * ports (4400.., not disturbing a running `npm start`), and measures, in one run on the same data
 * and the same subgraphs, each scenario through each target, in alternating rounds:
 *
 * Targets (--targets):
 *   ours         our gateway (gateway/index.ts) as deployed, every production feature on
 *   ours-bare    our gateway with its production features off (scripts/bench/bare-gateway.ts says which)
 *   hive         GraphQL Hive Gateway serving the same supergraph (scripts/bench/hive-gateway.config.ts)
 *   hive-router  the same with its --hive-router-runtime
 *   floor        no gateway: scripts/bench/floor.ts calls the subgraphs directly with exactly the
 *                fetches of the gateway's query plan (keep-alive undici pools) — the least any
 *                gateway could cost for the same subgraph traffic
 *   sql-floor    no gateway, no subgraphs: scripts/bench/sql-floor.ts runs the SQL statements the
 *                subgraphs run for a check (captured from them, SQL_CAPTURE_FILE) with prepared
 *                statements in one process — the data layer's floor (check and check-1 only)
 *   baseline     another git revision of this project, its whole stack (--baseline REF; added to
 *                the targets by that option): scripts/bench/baseline.ts
 * Scenarios (--scenarios):
 *   subject      one subject's view across all departments, a different subject on each request
 *   check        the check before approval an approval system sends for one subject
 *   check-1      the same check at one connection: the service time, no queueing
 *   batch-check  `subjects(ids:) { creditCheck }` for 1,000 subjects
 *   mixed        checks, with a court publishing a new record (publishRecord) in place of every 10th
 *   batch        `subjects(ids:)` views of 1,000 subjects (not run unless asked for)
 *
 * Load comes from a separate process (autocannon, scripts/bench-load.ts), ids vary from request
 * to request, and every answer is checked (HTTP 200, no errors, the subjects asked for in order,
 * valid verdicts, no missing source, MANDATORY_RESTRICTION for the black-listed showcase subject,
 * the new record of each publication). Before any load, one request of each scenario goes by
 * the floor and through every gateway, and all answers must agree. With Hive Gateway or
 * ours-bare among the targets, the subgraphs run with REQUIRE_GATEWAY_SIGNATURE=false (Hive
 * Gateway does not sign); our gateway still signs every request, the floor does not. With two or
 * more cores and `taskset`, the gateway measured (or the floor in its place) runs on core 0, the
 * subgraphs and the load generator on the others. Each round measures every scenario through
 * every target (the order of the targets rotates from round to round); the table shows medians
 * over the rounds, the ratios to Hive Gateway's best configuration and to the floor, and a line
 * per target of the issue (met / not met / reported). Written to bench-results/latest.md and .json.
 *
 * CPU: the gateway's (or the floor's), each subgraph process's and their sum, per request, from
 * /proc over the measured phase; "system CPU" is the gateway (or floor) plus all subgraphs.
 *
 * Data: SQLite in a temporary folder (removed afterwards), or `--data-dir DIR` to reuse one
 * (seeded only if empty). With DATABASE_URL set: MySQL databases `credit_bench_*` (or
 * DATABASE_PREFIX), reseeded and dropped afterwards, or `--db-prefix P` to reuse existing ones.
 *
 * Options: --rounds N (3) --duration S (6, per run) --batch-duration S (10, batch scenarios)
 * --warmup S (2, before each run) --stack-warmup S (40, through every gateway before any
 * measurement, shared among targets and scenarios) --connections N (32) --batch-connections N (4)
 * --batch-size N (1000) --subjects N (15000) --scenarios subject,check,check-1,batch-check,mixed
 * --targets ours,ours-bare,hive,hive-router,floor,sql-floor --no-floor --quick (1 round, 3 s runs: a
 * smoke test, not figures) --baseline REF (also measure git revision REF's whole stack, target
 * `baseline`: its own seed into its own data, its subgraphs and gateway on ports base+40..) --sql-floor-checks N
 * (300, 100 with --quick: checks captured for the sql-floor) --profile (afterwards, a CPU profile of our gateway under
 * the check load) --profile-subgraphs (afterwards, a CPU profile of each subgraph process under the
 * check load, by the floor); both into bench-results/profile.md --profile-seconds S (20)
 * --port-base N (4400) --no-pin --no-seed --verbose --seed-timeout S (900)
 * --render FILE.json (no measuring: writes bench-results/latest.md again from a run's .json).
 * `--scale-out` and `--mysql-scale` run scripts/bench-scale.ts instead (see there).
 */
import { spawnSync, execFileSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { PlanNode } from '@apollo/query-planner';
import { ClientRegistry } from '../gateway/clients.js';
import { gatewayConfigFromEnv, type GatewayConfig } from '../gateway/config.js';
import { callerHeaders } from '../subgraphs/kit/caller.js';
import { checkSubjectId } from '../subgraphs/kit/identifiers.js';
import { addDays, today } from '../subgraphs/kit/clock.js';
import { dropDatabase, databaseConfigFromEnv, openDatabase } from '../subgraphs/kit/database.js';
import { signingConfigFromEnv } from '../subgraphs/kit/request-signing.js';
import { RegistryStore } from '../subgraphs/registry/store.js';
import { SERVICES } from '../subgraphs/services.js';
import type { LoadJob } from './bench-load.js';
import { checkData, IdSequence, isWrong, type NextRequest } from './bench/answers.js';
import { seededIdsByKind, shuffled, withRoutingUrls } from './bench/ids.js';
import type { FloorJob } from './bench/floor.js';
import { PlanExecutor, type PlanExecutorOptions } from './bench/plan-executor.js';
import { probe, type ProbeTarget } from './bench/probe.js';
import { databaseServerPid, startProcess, type BenchProcess } from './bench/processes.js';
import { summariseProfile } from './bench/profile-summary.js';
import { isBatchMode, isCheckMode, type PublishShare } from './bench/protocol.js';
import { buildQueryPlans, describePlan } from './bench/query-plans.js';
import { checkoutBaseline, dropBaselineDatabases, startBaselineStack, type BaselineCheckout, type BaselineStack } from './bench/baseline.js';
import { captureChecks, type CapturedCheck } from './bench/sql-capture-run.js';
import type { SqlFloorJob } from './bench/sql-floor.js';
import { sqlFloorConnections } from './bench/sql-replay.js';
import {
  DEFAULT_TARGETS,
  isGatewayTarget,
  details,
  goalLines,
  goals,
  HIVE_TARGETS,
  round,
  summarise,
  table,
  TABLE_NOTES,
  TARGET_NAMES,
  type RunResult,
  type TargetName,
} from './bench/report.js';
import { runLoadChild, type ChildRun } from './bench/run-load-child.js';
import { DEFAULT_SCENARIOS, SCENARIO_NAMES, SCENARIOS, scenarioLabel, verdictQuery, type ScenarioName } from './bench/scenarios.js';
import { SHOWCASE_IDS } from './demo-data/showcase.js';
import { launchStack, ROOT, runSeed, stackEnv, tasksetAvailable, type CorePinning, type StackHandle } from './stack-processes.js';

// ---------------------------------------------------------------- scale modes

if (process.argv.includes('--scale-out') || process.argv.includes('--mysql-scale')) {
  const run = spawnSync(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'bench-scale.ts'), ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(run.status ?? 1);
}

// ---------------------------------------------------------------- options

const { values: opts } = parseArgs({
  options: {
    subjects: { type: 'string', default: '15000' },
    'data-dir': { type: 'string' },
    'db-prefix': { type: 'string' },
    rounds: { type: 'string' },
    duration: { type: 'string' },
    'batch-duration': { type: 'string' },
    warmup: { type: 'string' },
    'stack-warmup': { type: 'string' },
    connections: { type: 'string', default: '32' },
    'batch-connections': { type: 'string', default: '4' },
    'batch-size': { type: 'string', default: '1000' },
    scenarios: { type: 'string', default: DEFAULT_SCENARIOS.join(',') },
    targets: { type: 'string', default: DEFAULT_TARGETS.join(',') },
    baseline: { type: 'string' },
    'sql-floor-checks': { type: 'string' },
    'profile-subgraphs': { type: 'boolean', default: false },
    'no-floor': { type: 'boolean', default: false },
    quick: { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
    'profile-seconds': { type: 'string', default: '20' },
    'port-base': { type: 'string', default: '4400' },
    'seed-timeout': { type: 'string', default: '900' },
    'no-pin': { type: 'boolean', default: false },
    'no-seed': { type: 'boolean', default: false },
    verbose: { type: 'boolean', default: false },
    render: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
  strict: true,
});

if (opts.help) {
  const source = readFileSync(new URL(import.meta.url), 'utf8');
  console.log(source.slice(source.indexOf('/**') + 3, source.indexOf('*/')).replace(/^ \* ?/gm, '').trim());
  process.exit(0);
}

if (opts.render) {
  // Writes the report again from the results of an earlier run (after a change of the report).
  const saved = JSON.parse(readFileSync(opts.render, 'utf8')) as RunMeta & { results: RunResult[]; probeFailures?: ProbeFailure[] };
  writeReport(saved, saved.results, saved.probeFailures ?? [], path.join(ROOT, 'bench-results'));
  process.exit(0);
}

function intOption(name: string, raw: string, min: number, max: number): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    console.error(`--${name} ${raw}: expected a whole number from ${min} to ${max}`);
    process.exit(2);
  }
  return n;
}
const quick = opts.quick;
const subjectCount = intOption('subjects', opts.subjects, 1, 10_000_000);
const rounds = intOption('rounds', opts.rounds ?? (quick ? '1' : '3'), 1, 100);
const durationSeconds = intOption('duration', opts.duration ?? (quick ? '3' : '6'), 1, 3600);
const batchDurationSeconds = intOption('batch-duration', opts['batch-duration'] ?? (quick ? '8' : '10'), 1, 3600);
const warmupSeconds = intOption('warmup', opts.warmup ?? (quick ? '1' : '2'), 0, 600);
const stackWarmupSeconds = intOption('stack-warmup', opts['stack-warmup'] ?? (quick ? '10' : '40'), 0, 3600);
const connections = intOption('connections', opts.connections, 1, 1000);
const batchConnections = intOption('batch-connections', opts['batch-connections'], 1, 1000);
const batchSize = intOption('batch-size', opts['batch-size'], 1, 1000);
const portBase = intOption('port-base', opts['port-base'], 1024, 65000);
const seedTimeoutSeconds = intOption('seed-timeout', opts['seed-timeout'], 10, 24 * 3600);
const profileSeconds = intOption('profile-seconds', opts['profile-seconds'], 1, 600);
const sqlFloorChecks = intOption('sql-floor-checks', opts['sql-floor-checks'] ?? (quick ? '100' : '300'), 1, 10_000);

function listOption<T extends string>(name: string, raw: string, known: readonly T[]): T[] {
  const list = [...new Set(raw.split(',').map((s) => s.trim()).filter(Boolean))] as T[];
  const unknown = list.find((s) => !known.includes(s));
  if (unknown !== undefined || list.length === 0) {
    console.error(`--${name}: ${unknown !== undefined ? `unknown ${JSON.stringify(unknown)}` : 'none given'}; expected some of ${known.join(', ')}`);
    process.exit(2);
  }
  return list;
}
const scenarioNames = listOption<ScenarioName>('scenarios', opts.scenarios, SCENARIO_NAMES);
const targets = listOption<TargetName>('targets', opts.targets, TARGET_NAMES).filter((t) => !(opts['no-floor'] && t === 'floor'));
if (opts.baseline !== undefined && !targets.includes('baseline')) targets.push('baseline');
if (targets.includes('baseline') && !opts.baseline) {
  console.error('--targets baseline: needs --baseline REF (the git revision to measure, e.g. --baseline 3d94bd2)');
  process.exit(2);
}
if (targets.length === 0) {
  console.error('--targets: nothing left to measure');
  process.exit(2);
}
const gatewayTargets = targets.filter(isGatewayTarget);
/** Scenarios the sql-floor replays: single checks (it replays the statements of one check). */
const SQL_FLOOR_SCENARIOS: readonly ScenarioName[] = ['check', 'check-1'];
const measures = (name: ScenarioName, target: TargetName) => target !== 'sql-floor' || SQL_FLOOR_SCENARIOS.includes(name);
if (targets.includes('sql-floor') && !scenarioNames.some((n) => SQL_FLOOR_SCENARIOS.includes(n))) {
  console.warn(`bench: warning: the sql-floor replays checks only (${SQL_FLOOR_SCENARIOS.join(', ')}), none of which is among --scenarios: it is not measured`);
}
const connectionsOf = (name: ScenarioName) => {
  const kind = SCENARIOS[name].connections;
  return kind === 'one' ? 1 : kind === 'batch' ? batchConnections : connections;
};
/** Hive Gateway does not sign its subgraph requests, and ours-bare does not either. */
const signaturesOff = targets.some((t) => HIVE_TARGETS.includes(t) || t === 'ours-bare');
const scenarioSeconds = (name: ScenarioName) => (isBatchMode(name) ? batchDurationSeconds : durationSeconds);

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

// ---------------------------------------------------------------- cleanup

const abort = new AbortController();
let stack: StackHandle | undefined;
const extras: BenchProcess[] = [];
let pending: Promise<unknown> = Promise.resolve();
let worker: ChildProcess | undefined;
let tempDir: string | undefined;
let workDir: string | undefined;
let dropMysqlPrefix: string | undefined;
let baselineCheckout: BaselineCheckout | undefined;
let baselineStack: BaselineStack | undefined;
let baselineMysqlPrefix: string | undefined;
/** Set once the MySQL server answered (seeded or served): only then are the bench databases dropped. */
let mysqlUsed = false;
let stopping = false;
let cleaning: Promise<void> | undefined;

function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    stopping = true;
    abort.abort(new Error('stopping'));
    if (worker && worker.exitCode === null && worker.signalCode === null) {
      const w = worker;
      const exited = new Promise<void>((resolve) => w.once('exit', () => resolve()));
      w.kill('SIGKILL');
      await exited;
    }
    await pending.catch(() => {});
    await Promise.all(extras.map((p) => p.stop()));
    await stack?.stop();
    await baselineStack?.stop();
    baselineCheckout?.remove();
    if (baselineMysqlPrefix !== undefined && mysqlUrl) await dropBaselineDatabases(SERVICES.map((s) => s.name), { DATABASE_URL: mysqlUrl, DATABASE_PREFIX: baselineMysqlPrefix });
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
    if (workDir) rmSync(workDir, { recursive: true, force: true });
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

/** Rejects as soon as a process the bench started dies while it is not stopping them. */
let reportCrash!: (err: Error) => void;
const crashed = new Promise<never>((_, reject) => (reportCrash = reject));
crashed.catch(() => {});
function watch(p: BenchProcess): BenchProcess {
  extras.push(p);
  void p.exited.then(() => {
    if (!stopping) reportCrash(new Error(`${p.name} exited during the benchmark; its last output:\n${p.logs()}`));
  });
  return p;
}

// ---------------------------------------------------------------- measuring

/**
 * The gateway settings of the bench's stack: the environment's, except that the subgraph timeout
 * is 30 s unless SUBGRAPH_TIMEOUT_MS says otherwise. Here all five subgraphs share one core, and a
 * 1,000-subject check waiting behind three others can take longer than the production 2 s: the
 * bench measures cost, not how a starved core trips the timeout. With Hive Gateway among the
 * targets, the subgraphs do not require the gateway's signature (it does not sign).
 */
const gatewayEnv: NodeJS.ProcessEnv = {
  SUBGRAPH_TIMEOUT_MS: process.env.SUBGRAPH_TIMEOUT_MS ?? '30000',
  ...(signaturesOff ? { REQUIRE_GATEWAY_SIGNATURE: 'false' } : {}),
};

/** The stack's gateway configuration, read the gateway's way from the environment it was started with. */
function gatewayConfigOf(s: StackHandle, env: NodeJS.ProcessEnv): GatewayConfig {
  return gatewayConfigFromEnv(['--port', String(s.gateway.port), '--host', new URL(s.gatewayUrl).hostname], env);
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

/** Runs a scenario once through a target (or through `override`, a gateway of the same kind started elsewhere). */
type RunOnce = (
  name: ScenarioName,
  target: TargetName,
  phases: { warmupSeconds: number; durationSeconds: number },
  override?: GatewayEndpoint,
  /** The floor: other subgraphs than the stack's (the profiled ones), with their processes. */
  subgraphs?: { urls: Record<string, string>; pids: Record<string, number> },
) => Promise<ChildRun>;

/** A gateway measured: where it listens, its process, and the headers a client of it sends besides its key. */
interface GatewayEndpoint {
  name: TargetName;
  url: string;
  pid: number;
  /** Hive Gateway does not know our keys: the client sends the caller headers it forwards. */
  extraHeaders(token: string): Record<string, string>;
  /** Its own subgraphs (the baseline's), by name; unset: the stack's. */
  subgraphPids?: Record<string, number>;
}

interface RunShape {
  scenario: ScenarioName;
  target: TargetName;
  round: number;
  connections: number;
  batchSize: number;
  durationSeconds: number;
}

function toResult(shape: RunShape, { warmup, measured, cpu }: ChildRun): RunResult {
  const seconds = measured.elapsedMs / 1000;
  const n = Math.max(1, measured.responses);
  const viaGateway = isGatewayTarget(shape.target);
  // The gateway's CPU from /proc; the floor's (and the sql-floor's) from its own accounting (it is also its load generator).
  const own = viaGateway ? cpu.gateway : measured.loadCpuMs;
  const accounted = (viaGateway ? cpu.gateway + cpu.subgraphs + measured.loadCpuMs : measured.loadCpuMs + cpu.subgraphs) + cpu.database;
  // The sql-floor does without the subgraphs: the system is its one process.
  const system = shape.target === 'sql-floor' ? own : own + cpu.subgraphs;
  const percent = (ms: number) => round((100 * ms) / measured.elapsedMs, 0);
  return {
    scenario: shape.scenario,
    label: scenarioLabel(shape.scenario, batchSize),
    target: shape.target,
    round: shape.round,
    connections: shape.connections,
    idsPerRequest: shape.batchSize,
    durationSeconds: shape.durationSeconds,
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
    subgraphCpuMsPerRequest: Object.fromEntries(Object.entries(cpu.bySubgraph).map(([name, ms]) => [name, round(ms / n, 3)])),
    systemCpuMsPerRequest: round(system / n, 3),
    databaseCpuMsPerRequest: cpu.database > 0 ? round(cpu.database / n, 3) : null,
    loadGeneratorCpuPercent: viaGateway ? percent(measured.loadCpuMs) : null,
    databaseCpuPercent: cpu.database > 0 ? percent(cpu.database) : null,
    otherCpuPercent: percent(Math.max(0, cpu.machine - accounted)),
    fetchesPerRequest: measured.fetches !== undefined ? round(measured.fetches / n, 2) : null,
    verdicts: isCheckMode(shape.scenario) ? measured.verdicts : null,
    published: measured.published,
    warmup,
    measured,
  };
}

function logResult(r: RunResult): void {
  const reasons = Object.entries(r.measured.errorReasons).map(([k, v]) => `${k} ×${v}`).join(', ');
  console.log(
    `bench:   ${r.target}: ${r.requestsPerSecond} req/s, p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms, ${r.errors} errors${reasons ? ` (${reasons})` : ''}, ` +
      `${r.cpuMsPerRequest} ms CPU/req (${r.cpuPercent}% of a core), subgraphs ${r.subgraphsCpuMsPerRequest} ms/req (${r.subgraphsCpuPercent}%), system ${r.systemCpuMsPerRequest} ms/req` +
      `${r.loadGeneratorCpuPercent !== null ? `, load generator ${r.loadGeneratorCpuPercent}%` : ''}, other processes ${r.otherCpuPercent}%` +
      `${r.published ? `, ${r.published} published` : ''}`,
  );
  for (const sample of r.measured.errorSamples) console.log(`    ${sample}`);
  if (r.requests === 0) console.warn(`bench: warning: ${r.label}, ${r.target}: no answer within the measured window; lengthen --duration`);
}

function gitCommit(): string | null {
  try {
    const sha = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() !== '';
    return dirty ? `${sha}+changes` : sha;
  } catch {
    return null;
  }
}

/** Hive Gateway lives in its own folder, installed only when the bench asks for it (ensureBenchPeers). */
const PEERS = path.join(ROOT, 'scripts/bench/peers');
const HIVE_BIN = path.join(PEERS, 'node_modules/@graphql-hive/gateway/dist/bin.js');
const HIVE_CONFIG = 'scripts/bench/hive-gateway.config.ts';

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  const loadAverageBefore = os.loadavg().map((l) => round(l, 2));
  const cpus = os.availableParallelism();
  const lastCore = cpus - 1;
  let pin: CorePinning | undefined;
  let pinNote: string;
  if (opts['no-pin']) pinNote = 'not pinned (--no-pin)';
  else if (cpus < 2) pinNote = 'not pinned (one core)';
  else if (!tasksetAvailable()) pinNote = 'not pinned (taskset is not available)';
  else {
    pin = { gateway: '0', subgraphs: lastCore === 1 ? '1' : `1-${lastCore}` };
    pinNote = `each gateway (or the floor in its place) on core ${pin.gateway}; subgraphs and load generator on core(s) ${pin.subgraphs}`;
  }
  const runs = scenarioNames.reduce((n, s) => n + targets.length * rounds * (warmupSeconds + scenarioSeconds(s) + 2), 0);
  console.log(
    `bench: ${scenarioNames.join(', ')} through ${targets.join(', ')}; ${rounds} round(s); about ${Math.round((runs + stackWarmupSeconds * 1.3 + 60) / 60)} min`,
  );

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
  workDir = mkdtempSync(path.join(os.tmpdir(), 'credit-bench-work-'));
  const dbOptions = { dataDir, databaseUrl: mysqlUrl ?? null, databasePrefix };
  console.log(`bench: ${engine}${dataDir ? ` in ${dataDir}` : ` databases ${databasePrefix}*`}, ${subjectCount} subjects; ${pinNote}`);

  if (opts['no-seed']) console.log('bench: not seeding (--no-seed)');
  else {
    const t0 = Date.now();
    console.log(`bench: seeding (seed.ts ${seedArgs.join(' ')}) ...`);
    await (pending = runSeed(seedArgs, { ...dbOptions, output: opts.verbose ? 'inherit' : 'quiet', signal: abort.signal, timeoutMs: seedTimeoutSeconds * 1000 }));
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
  const live = stack;
  void live.unexpectedExit.then((exit) => {
    if (!stopping) reportCrash(new Error(`${exit.name} exited (${exit.signal ?? `code ${exit.code}`}) during the benchmark:\n${live.logs(exit.name)}`));
  });
  console.log(
    `bench: stack up in ${((Date.now() - t1) / 1000).toFixed(1)} s; our gateway ${live.gatewayUrl} (pid ${live.gatewayPid}), subgraph timeout ${gatewayEnv.SUBGRAPH_TIMEOUT_MS} ms` +
      `${signaturesOff ? '; subgraphs do not check signatures (REQUIRE_GATEWAY_SIGNATURE=false), our gateway still signs' : ''}`,
  );

  // What the gateway of the stack was started with, to copy it in the floor and the other gateways.
  const gatewayProcessEnv = stackEnv({ ...dbOptions, env: gatewayEnv });
  const gatewayConfig = gatewayConfigOf(live, gatewayProcessEnv);
  const clients = new ClientRegistry(gatewayConfig.clients);
  const callerOf = (token: string) => {
    const caller = clients.authenticate(`Bearer ${token}`);
    if (!caller) throw new Error(`the gateway does not know the bench's key ${token} (CLIENTS_FILE is set?)`);
    return caller;
  };
  const access = (token: string): PlanExecutorOptions => ({
    urls: live.serviceUrls,
    callerHeaders: callerHeaders(callerOf(token)),
    timeoutMs: gatewayConfig.subgraphTimeoutMs,
    connections: gatewayConfig.subgraphConnections,
    signingSecret: signaturesOff ? null : (gatewayConfig.signingSecret ?? signingConfigFromEnv(gatewayProcessEnv).secret),
  });
  const supergraph = await servedSupergraph(gatewayConfig);
  const supergraphFile = path.join(workDir, 'supergraph.graphql');
  writeFileSync(supergraphFile, withRoutingUrls(supergraph.sdl, live.serviceUrls));

  // The other gateways, each on the gateway's core, serving the same supergraph.
  const host = new URL(live.gatewayUrl).hostname;
  const endpoints = new Map<TargetName, GatewayEndpoint>();
  const keyOnly = () => ({});
  if (targets.includes('ours')) endpoints.set('ours', { name: 'ours', url: live.gatewayUrl, pid: live.gatewayPid, extraHeaders: keyOnly });
  const startOptions = { env: { ...gatewayProcessEnv }, cores: pin?.gateway, output: opts.verbose ? ('inherit' as const) : ('quiet' as const), readyTimeoutMs: 90_000 };
  let port = portBase + 20;
  if (gatewayTargets.some((t) => HIVE_TARGETS.includes(t))) ensureBenchPeers();
  for (const target of gatewayTargets) {
    if (target === 'ours' || target === 'baseline') continue;
    const p = port++;
    const t0 = Date.now();
    let started: BenchProcess;
    if (target === 'ours-bare') {
      started = await (pending = startProcess({
        ...startOptions,
        name: target,
        file: 'scripts/bench/bare-gateway.ts',
        args: ['--supergraph', supergraphFile, '--port', String(p), '--host', host],
        readyUrl: `http://${host}:${p}/health/ready`,
      }));
      endpoints.set(target, { name: target, url: `http://${host}:${p}/graphql`, pid: started.pid, extraHeaders: keyOnly });
    } else {
      const args = ['supergraph', supergraphFile, '-c', HIVE_CONFIG, '--port', String(p), '--host', host, ...(target === 'hive-router' ? ['--hive-router-runtime'] : [])];
      started = await (pending = startProcess({
        ...startOptions,
        env: { ...startOptions.env, NODE_ENV: 'production' },
        name: target,
        command: [process.execPath, [HIVE_BIN]],
        args,
        readyUrl: `http://${host}:${p}/readiness`,
      }));
      if (target === 'hive-router' && !readFileSync(`/proc/${started.pid}/maps`, 'utf8').includes('hive_router_query_planner')) {
        throw new Error('hive-router: Hive Gateway did not load the Hive Router runtime (@graphql-hive/router-runtime missing?)');
      }
      endpoints.set(target, { name: target, url: `http://${host}:${p}/graphql`, pid: started.pid, extraHeaders: (token) => callerHeaders(callerOf(token)) });
    }
    watch(started);
    console.log(`bench: ${target} up in ${((Date.now() - t0) / 1000).toFixed(1)} s at ${endpoints.get(target)!.url} (pid ${started.pid})`);
  }

  // The baseline: another revision's whole stack on its own data (seeded the same), ports base+40...
  if (targets.includes('baseline')) {
    const t0 = Date.now();
    const checkout = (baselineCheckout = checkoutBaseline(opts.baseline!, (line) => console.log(line)));
    const own = mysqlUrl ? { databasePrefix: `${databasePrefix}base_` } : { dataDir: path.join(workDir, 'baseline-data') };
    if (own.databasePrefix) baselineMysqlPrefix = own.databasePrefix;
    baselineStack = await (pending = startBaselineStack({
      checkout,
      env: gatewayProcessEnv,
      ...own,
      subjects: subjectCount,
      host,
      portBase: portBase + 40,
      pin,
      seedTimeoutMs: seedTimeoutSeconds * 1000,
      output: opts.verbose ? 'inherit' : 'quiet',
      log: (line) => console.log(line),
      track: (p) => watch(p),
    }));
    endpoints.set('baseline', { name: 'baseline', url: baselineStack.gatewayUrl, pid: baselineStack.gatewayPid, extraHeaders: keyOnly, subgraphPids: baselineStack.subgraphPids });
    console.log(`bench: baseline ${checkout.ref} (${checkout.commit}) up in ${((Date.now() - t0) / 1000).toFixed(1)} s at ${baselineStack.gatewayUrl} (pid ${baselineStack.gatewayPid})`);
  }

  // The random population and the showcase subjects (always seeded), in a fixed shuffled order.
  // With the mixed scenario, some natural persons are kept apart for its publications and never
  // checked: a record published for a natural person changes no other subject's verdict (one for an
  // enterprise would change its legal representatives'), so every check keeps the verdict the floor
  // finds before the load.
  const showcase = new Set<string>(Object.values(SHOWCASE_IDS));
  const byKind = seededIdsByKind(subjectCount);
  const naturals = shuffled(byKind.natural.filter((id) => !showcase.has(id)));
  const reserve = scenarioNames.includes('mixed') ? Math.min(2000, Math.floor(naturals.length / 5)) : 0;
  const publishPool = naturals.slice(naturals.length - reserve);
  const pool = shuffled([...new Set([...byKind.legal, ...naturals.slice(0, naturals.length - reserve), ...showcase])]);
  /** The subjects an analyst may look up: enterprises and organisations (subject-view.natural-persons). */
  const enterprisePool = pool.filter((id) => {
    const kind = checkSubjectId(id);
    return kind.valid && kind.kind === 'LEGAL_PERSON';
  });
  const poolOf = (name: ScenarioName) => (SCENARIOS[name].enterprisesOnly ? enterprisePool : pool);
  // Active black records (major tax violation, procurement violation): a check must restrict it.
  const mandatoryIds = [SHOWCASE_IDS.blackEnterprise];
  const rules = (mode: ScenarioName) => ({ mode, mandatory: new Set(mandatoryIds) });
  const publication = SCENARIOS.mixed.publish!;
  const queries = Object.fromEntries(scenarioNames.map((name) => [name, SCENARIOS[name].query])) as Record<string, string>;
  if (scenarioNames.includes('mixed')) queries.publish = publication.query;
  if (opts.profile || opts['profile-subgraphs']) queries.check ??= SCENARIOS.check.query;
  const plans: Record<string, PlanNode> = buildQueryPlans(supergraph.sdl, queries);
  console.log(`bench: the floor follows the gateway's query plans over ${supergraph.source}`);
  const runTag = `BENCH-${Date.now().toString(36)}`;
  let shareCount = 0;
  const share = (): PublishShare => ({ every: publication.every, tag: `${runTag}-${++shareCount}`, category: publication.category, decidedOn: addDays(today(), -10) });

  // One request of each scenario by the floor and through every gateway before loading anything.
  const probeTargets = (token: string): ProbeTarget[] =>
    [...endpoints.values()].map((e) => ({ name: e.name, url: e.url, headers: { authorization: `Bearer ${token}`, ...e.extraHeaders(token) }, tolerate: HIVE_TARGETS.includes(e.name) }));
  /** Wrong answers of Hive Gateway's configurations in the probes, by target: reported, and counted as errors under load. */
  const probeFailures: ProbeFailure[] = [];
  for (const name of scenarioNames) {
    const scenario = SCENARIOS[name];
    const label = scenarioLabel(name, batchSize);
    let request: NextRequest;
    if (name === 'check' || name === 'check-1' || name === 'mixed') request = { variables: { id: SHOWCASE_IDS.blackEnterprise }, expect: [SHOWCASE_IDS.blackEnterprise] };
    else if (name === 'batch-check') {
      const ids = [SHOWCASE_IDS.blackEnterprise, ...Array.from({ length: batchSize - 1 }, (_, i) => pool[i % pool.length]!)];
      request = { variables: { ids }, expect: ids };
    } else request = new IdSequence(poolOf(name), name, batchSize, 0).take();
    const probes: { what: string; query: string; token: string; request: NextRequest; plan: PlanNode }[] = [{ what: label, query: scenario.query, token: scenario.token, request, plan: plans[name]! }];
    if (name === 'mixed') {
      const publish = new IdSequence(pool, 'mixed', 1, publication.every - 1, share(), publishPool.length ? publishPool : pool).take();
      probes.push({ what: 'publication (mixed)', query: publication.query, token: publication.token, request: publish, plan: plans.publish! });
    }
    for (const one of probes) {
      const executor = new PlanExecutor(access(one.token));
      try {
        const outcome = await abortable(probe({ targets: probeTargets(one.token), query: one.query, request: one.request, rules: rules(name), signal: abort.signal }, one.plan, executor));
        const seen = outcome.tally
          ? isCheckMode(name)
            ? `verdicts ${Object.entries(outcome.tally.verdicts).map(([v, n]) => `${v} ×${n}`).join(', ')}`
            : `${outcome.tally.subjectsWithRecords} of ${outcome.tally.subjects} subjects with credit records`
          : `record published (${one.request.decisionNo})`;
        const agree = [...endpoints.keys()].filter((t) => !outcome.wrong.some((w) => w.target === t));
        console.log(`bench: probe ${one.what}: ${seen}; ${[...agree, 'the floor'].join(', ')} agree (${outcome.floorFetches} subgraph fetches: ${describePlan(one.plan)})`);
        for (const w of outcome.wrong) {
          probeFailures.push({ target: w.target, what: one.what, reason: w.reason });
          console.warn(`bench: warning: ${w.target} answers wrongly: ${w.reason.slice(0, 600)}`);
        }
      } finally {
        await executor.close();
      }
    }
  }

  // Every subject's verdict for each matter checked, found by the floor before any load: under
  // load, every check must give exactly that verdict (the data does not change meanwhile).
  const expectedByMatter = new Map<string, Record<string, string>>();
  for (const matter of new Set(scenarioNames.map((name) => SCENARIOS[name].matter).filter((m): m is string => m !== undefined))) {
    const t0 = Date.now();
    const plan = buildQueryPlans(supergraph.sdl, { verdicts: verdictQuery(matter) }).verdicts;
    const executor = new PlanExecutor(access(SCENARIOS.check.token));
    const expected: Record<string, string> = {};
    const chunks: string[][] = [];
    for (let i = 0; i < pool.length; i += 1000) chunks.push(pool.slice(i, i + 1000));
    try {
      const work = async () => {
        for (let chunk = chunks.shift(); chunk; chunk = chunks.shift()) {
          const execution = await abortable(executor.execute(plan, { ids: chunk }));
          if (execution.errors.length > 0) throw new Error(`verdicts (${matter}) by the floor: ${execution.errors.join('; ')}`);
          const wrong = checkData(execution.data, chunk, { mode: 'batch-check', mandatory: new Set(mandatoryIds) });
          if (isWrong(wrong)) throw new Error(`verdicts (${matter}) by the floor: ${wrong.reason}: ${wrong.detail}`);
          (execution.data.subjects as { creditCheck: { verdict: string } }[]).forEach((subject, i) => (expected[chunk[i]!] = subject.creditCheck.verdict));
        }
      };
      await Promise.all([work(), work()]);
    } finally {
      await executor.close();
    }
    expectedByMatter.set(matter, expected);
    console.log(`bench: the floor found the ${matter} verdict of each of the ${pool.length} subjects in ${((Date.now() - t0) / 1000).toFixed(1)} s: every check under load must give it`);
  }

  // The sql-floor's statements: captured from a second, short-lived set of the subgraphs (on the
  // same data, with SQL_CAPTURE_FILE) for the first checks of the check scenario's subjects, then
  // stopped — nothing measured includes the capture.
  let sqlFloorChecks_: CapturedCheck[] = [];
  const sqlFloorScenario = scenarioNames.find((n) => SQL_FLOOR_SCENARIOS.includes(n));
  if (targets.includes('sql-floor') && sqlFloorScenario) {
    const t0 = Date.now();
    const subjects = [SHOWCASE_IDS.blackEnterprise, ...pool.filter((id) => id !== SHOWCASE_IDS.blackEnterprise).slice(0, sqlFloorChecks - 1)];
    sqlFloorChecks_ = await (pending = abortable(captureChecks({
      services: SERVICES.map(({ name }, i) => ({ name, port: portBase + 50 + i })),
      env: gatewayProcessEnv,
      host,
      cores: pin?.subgraphs,
      dir: workDir,
      plan: plans[sqlFloorScenario]!,
      access: access(SCENARIOS[sqlFloorScenario].token),
      subjects,
      track: (p) => extras.push(p),
    })));
    const statements = sqlFloorChecks_.reduce((n, c) => n + c.statements.length, 0);
    console.log(`bench: captured the SQL of ${sqlFloorChecks_.length} checks from the subgraphs (${statements} statements, ${(statements / sqlFloorChecks_.length).toFixed(1)} per check) in ${((Date.now() - t0) / 1000).toFixed(1)} s; capture is off for everything measured`);
  }

  /** One run of a scenario through a target: the child process, its job and whose CPU to read. */
  const runOnce: RunOnce = (name, target, phases, override, otherSubgraphs) => {
    const scenario = SCENARIOS[name];
    const common = {
      name: `${scenarioLabel(name, batchSize)} via ${target}`,
      mode: name,
      ids: poolOf(name),
      batchSize: isBatchMode(name) ? batchSize : 1,
      mandatoryIds,
      ...(scenario.matter ? { expectedVerdicts: expectedByMatter.get(scenario.matter)! } : {}),
      ...(scenario.publish && publishPool.length ? { publishIds: publishPool } : {}),
      connections: connectionsOf(name),
      ...phases,
    };
    const limitMs = (phases.warmupSeconds + phases.durationSeconds + scenario.timeoutSeconds + 60) * 1000;
    const base = {
      limitMs,
      crashed,
      track: (c: ChildProcess | undefined) => (worker = c),
      guard: abortable,
      pids: {
        gateway: null as number | null,
        subgraphs: otherSubgraphs ? Object.values(otherSubgraphs.pids) : Object.values(live.services).map((p) => p.pid),
        subgraphNames: otherSubgraphs ? Object.keys(otherSubgraphs.pids) : Object.keys(live.services),
        database: mysqlUrl ? databaseServerPid(Number(new URL(mysqlUrl).port || 3306)) : null,
      },
    };
    const publishShare = scenario.publish ? share() : undefined;
    if (target === 'sql-floor') {
      if (!sqlFloorChecks_.length) throw new Error('sql-floor: no captured checks');
      const job: SqlFloorJob = {
        name: common.name,
        warmupSeconds: phases.warmupSeconds,
        durationSeconds: phases.durationSeconds,
        engine: mysqlUrl ? 'mysql' : 'sqlite',
        ...(mysqlUrl
          ? { mysql: { url: mysqlUrl, databases: Object.fromEntries(SERVICES.map(({ name }) => [name, (databaseConfigFromEnv(name, gatewayProcessEnv) as { database: string }).database])) } }
          : { sqliteFiles: Object.fromEntries(SERVICES.map(({ name }) => [name, (databaseConfigFromEnv(name, gatewayProcessEnv) as { file: string }).file])) }),
        checks: sqlFloorChecks_,
        connections: common.connections,
      };
      return runLoadChild({ ...base, file: 'scripts/bench/sql-floor.ts', job, cores: pin?.gateway });
    }
    if (target === 'floor') {
      const job: FloorJob = {
        ...common,
        plan: plans[name]!,
        subgraphs: { ...access(scenario.token), ...(otherSubgraphs ? { urls: otherSubgraphs.urls } : {}) },
        ...(publishShare ? { publish: { plan: plans.publish!, subgraphs: access(publication.token), share: publishShare } } : {}),
      };
      return runLoadChild({ ...base, file: 'scripts/bench/floor.ts', job, cores: pin?.gateway });
    }
    const endpoint = override ?? endpoints.get(target)!;
    const job: LoadJob = {
      ...common,
      url: endpoint.url,
      token: scenario.token,
      query: scenario.query,
      timeoutSeconds: scenario.timeoutSeconds,
      headers: endpoint.extraHeaders(scenario.token),
      ...(publishShare ? { publish: { query: publication.query, token: publication.token, headers: endpoint.extraHeaders(publication.token), share: publishShare } } : {}),
    };
    const subgraphPids = endpoint.subgraphPids ? { subgraphs: Object.values(endpoint.subgraphPids), subgraphNames: Object.keys(endpoint.subgraphPids) } : {};
    return runLoadChild({ ...base, pids: { ...base.pids, ...subgraphPids, gateway: endpoint.pid }, file: 'scripts/bench-load.ts', job, cores: pin?.subgraphs });
  };

  // A fresh gateway runs at about half speed for its first 15-20 s under load (JIT, heap sizing),
  // the subgraphs too: the first runs measured would pay for it alone.
  if (stackWarmupSeconds > 0 && gatewayTargets.length > 0) {
    const each = Math.max(1, Math.round(stackWarmupSeconds / (scenarioNames.length * gatewayTargets.length)));
    console.log(`bench: warming up: each scenario through each gateway for ${each} s, not measured ...`);
    for (const target of gatewayTargets) {
      for (const name of scenarioNames) {
        const run = await runOnce(name, target, { warmupSeconds: 0, durationSeconds: each });
        if (run.measured.errors > 0) console.warn(`bench: warning: ${run.measured.errors} errors while warming up ${name} via ${target}: ${run.measured.errorSamples.join('; ')}`);
      }
    }
  }

  const results: RunResult[] = [];
  for (let r = 1; r <= rounds; r++) {
    // The order of the targets rotates from round to round, so that none is always first or last.
    const order = targets.map((_, i) => targets[(i + r - 1) % targets.length]!);
    for (const name of scenarioNames) {
      const seconds = scenarioSeconds(name);
      const conns = connectionsOf(name);
      console.log(`bench: round ${r}/${rounds}, ${scenarioLabel(name, batchSize)}: ${conns} connection${conns === 1 ? '' : 's'}, ${warmupSeconds} s warm-up + ${seconds} s each`);
      for (const target of order) {
        if (!measures(name, target)) continue;
        const run = await runOnce(name, target, { warmupSeconds, durationSeconds: seconds });
        results.push(toResult({ scenario: name, target, round: r, connections: target === 'sql-floor' ? sqlFloorConnections(mysqlUrl ? 'mysql' : 'sqlite', conns) : conns, batchSize: isBatchMode(name) ? batchSize : 1, durationSeconds: seconds }, run));
        logResult(results.at(-1)!);
      }
    }
  }

  const meta: RunMeta = {
    date: new Date().toISOString(),
    commit: gitCommit(),
    node: process.version,
    cpus,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    loadAverageBefore,
    loadAverageAfter: os.loadavg().map((l) => round(l, 2)),
    engine,
    subjects: subjectCount,
    seeded: !opts['no-seed'],
    rounds,
    durationSeconds,
    batchDurationSeconds,
    warmupSeconds,
    stackWarmupSeconds,
    pinning: pinNote,
    signatures: signaturesOff ? 'subgraphs do not check them (REQUIRE_GATEWAY_SIGNATURE=false); ours signs, ours-bare, Hive Gateway and the floor do not' : 'checked by the subgraphs; ours and the floor sign',
    subgraphTimeoutMs: Number(gatewayEnv.SUBGRAPH_TIMEOUT_MS),
    hiveGateway: readPackageVersion('@graphql-hive/gateway', PEERS),
    hiveRouterRuntime: readPackageVersion('@graphql-hive/router-runtime', PEERS),
    apolloGateway: readPackageVersion('@apollo/gateway'),
    supergraph: supergraph.source,
    plans: Object.fromEntries(Object.entries(plans).map(([name, plan]) => [name, describePlan(plan)])),
    ...(baselineCheckout ? { baseline: `${baselineCheckout.ref} (commit ${baselineCheckout.commit}, node_modules ${baselineCheckout.modules === 'linked' ? 'the same as ours' : 'installed by npm ci'}), its own stack on its own data seeded with the same --subjects` } : {}),
    ...(sqlFloorChecks_.length
      ? { sqlFloor: `${sqlFloorChecks_.length} checks captured from the subgraphs (${(sqlFloorChecks_.reduce((n, c) => n + c.statements.length, 0) / sqlFloorChecks_.length).toFixed(1)} statements per check on average), replayed in turn` }
      : {}),
  };
  const outDir = path.join(ROOT, 'bench-results');
  writeReport(meta, results, probeFailures, outDir);

  const profiles: string[] = [];
  if (opts.profile) profiles.push(await profileOurs(live, gatewayProcessEnv, host, pin, runOnce, outDir));
  if (opts['profile-subgraphs']) profiles.push(await profileSubgraphs(gatewayProcessEnv, host, pin, runOnce, outDir));
  if (profiles.length) {
    const md = `# CPU profiles under the check load (${new Date().toISOString()}, commit ${meta.commit ?? 'unknown'}, ${engine === 'sqlite' ? 'SQLite' : 'MySQL'})\n\n${profiles.join('\n')}`;
    writeFileSync(path.join(outDir, 'profile.md'), md);
    if (opts['profile-subgraphs']) console.log(`\n${profiles.at(-1)}`);
    console.log('bench: written to bench-results/profile.md');
  }
}

/** What a run knows about itself, written beside its results (and read back by --render). */
interface RunMeta {
  date: string;
  commit: string | null;
  node: string;
  cpus: number;
  cpuModel: string;
  loadAverageBefore: number[];
  loadAverageAfter: number[];
  engine: string;
  subjects: number;
  seeded: boolean;
  rounds: number;
  durationSeconds: number;
  batchDurationSeconds: number;
  warmupSeconds: number;
  stackWarmupSeconds: number;
  pinning: string;
  signatures: string;
  subgraphTimeoutMs: number;
  hiveGateway: string;
  hiveRouterRuntime: string;
  apolloGateway: string;
  supergraph: string;
  plans: Record<string, string>;
  /** The baseline revision measured (--baseline REF), if any. */
  baseline?: string;
  /** How the sql-floor's statements were captured, if it ran. */
  sqlFloor?: string;
}

type ProbeFailure = { target: string; what: string; reason: string };

/** Summarises the runs and writes bench-results/latest.md and .json (or the files of --render). */
function writeReport(meta: RunMeta, results: RunResult[], probeFailures: ProbeFailure[], outDir: string, name = 'latest'): void {
  const scenariosRun = SCENARIO_NAMES.filter((s) => results.some((r) => r.scenario === s));
  const targetsRun = TARGET_NAMES.filter((t) => results.some((r) => r.target === t));
  const summaries = summarise(results, scenariosRun, targetsRun);
  const goalList = goals(summaries);
  const header =
    `Commit ${meta.commit ?? 'unknown'}, Node ${meta.node}, ${meta.cpus} × ${meta.cpuModel}, load average ${meta.loadAverageBefore.join(' ')} before, ${meta.loadAverageAfter.join(' ')} after. ` +
    `${meta.engine === 'sqlite' ? 'SQLite' : 'MySQL'}, ${meta.subjects} demo subjects${meta.seeded ? '' : ' (not seeded by this run)'}. ` +
    `${meta.rounds} round(s); each run ${meta.warmupSeconds} s warm-up + ${meta.durationSeconds} s (${meta.batchDurationSeconds} s for batches), after ${meta.stackWarmupSeconds} s through every gateway before any measurement. ` +
    `${meta.pinning}. Signatures: ${meta.signatures}. Subgraph timeout ${meta.subgraphTimeoutMs} ms. ` +
    `@apollo/gateway ${meta.apolloGateway}, @graphql-hive/gateway ${meta.hiveGateway}, @graphql-hive/router-runtime ${meta.hiveRouterRuntime}.` +
    `${meta.baseline ? ` Baseline: ${meta.baseline}.` : ''}${meta.sqlFloor ? ` sql-floor: ${meta.sqlFloor}.` : ''}`;
  const md = [
    `# Benchmark ${meta.date}`,
    '',
    header,
    '',
    table(summaries),
    '',
    ...TABLE_NOTES,
    '',
    '## Targets of the issue (ours, every production feature on)',
    '',
    ...goalLines(goalList),
    '',
    ...(probeFailures.length
      ? ['## Wrong answers before the load (the probes)', '', ...probeFailures.map((f) => `- ${f.target}, ${f.what}: ${f.reason.replace(/\s+/g, ' ').slice(0, 700)}`), '']
      : []),
    '## Details',
    '',
    ...details(summaries, results, meta.engine),
    '',
    'Query plans (the floor\'s fetches, `[a | b]` in parallel, `→` in sequence):',
    '',
    ...Object.entries(meta.plans).map(([plan, text]) => `- ${plan}: ${text}`),
    '',
  ].join('\n');
  console.log(`\n${table(summaries)}\n\n${goalLines(goalList).join('\n')}\n`);
  mkdirSync(outDir, { recursive: true });
  writeFileSync(path.join(outDir, `${name}.md`), md);
  writeFileSync(path.join(outDir, `${name}.json`), `${JSON.stringify({ ...meta, summaries, goals: goalList, probeFailures, results }, null, 2)}\n`);
  console.log(`bench: written to bench-results/${name}.md and bench-results/${name}.json`);
}

function readPackageVersion(name: string, root = ROOT): string {
  try {
    return (JSON.parse(readFileSync(path.join(root, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'not installed';
  }
}

/**
 * A CPU profile of our gateway under the check load: a second instance of it (gateway/index.ts,
 * the same environment, every feature on) started with `--cpu-prof` on the gateway's core, loaded
 * through for --profile-seconds, stopped; its profile is summarised (self time by function and by
 * module) into bench-results/profile.md and kept as bench-results/gateway.cpuprofile.
 */
async function profileOurs(live: StackHandle, env: NodeJS.ProcessEnv, host: string, pin: CorePinning | undefined, runOnce: RunOnce, outDir: string): Promise<string> {
  const dir = path.join(workDir!, 'profile');
  mkdirSync(dir, { recursive: true });
  const p = portBase + 30;
  const subgraphUrls = Object.entries(live.serviceUrls).map(([name, url]) => `${name}=${url}`).join(',');
  const spawnedAt = performance.now();
  const gateway = await startProcess({
    name: 'profiled gateway',
    file: 'gateway/index.ts',
    nodeArgs: ['--cpu-prof', '--cpu-prof-dir', dir],
    args: ['--port', String(p), '--host', host],
    env: { ...env, SUBGRAPH_URLS: subgraphUrls },
    cores: pin?.gateway,
    readyUrl: `http://${host}:${p}/health/ready`,
  });
  let window: { skipMs: number; untilMs: number };
  try {
    console.log(`bench: profiling our gateway (pid ${gateway.pid}) under the check load for ${profileSeconds} s ...`);
    const endpoint: GatewayEndpoint = { name: 'ours', url: `http://${host}:${p}/graphql`, pid: gateway.pid, extraHeaders: () => ({}) };
    const run = await runOnce('check', 'ours', { warmupSeconds: 3, durationSeconds: profileSeconds }, endpoint);
    const endedMs = performance.now() - spawnedAt;
    window = { skipMs: Math.round(endedMs - run.measured.elapsedMs), untilMs: Math.round(endedMs) };
    const seconds = run.measured.elapsedMs / 1000;
    console.log(
      `bench: profiled run: ${round(run.measured.responses / seconds, 1)} req/s, ${round(run.cpu.gateway / Math.max(1, run.measured.responses), 3)} ms CPU/req (with the profiler), ${run.measured.errors} errors`,
    );
  } finally {
    await gateway.stop(30_000);
  }
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error('the profiled gateway wrote no .cpuprofile');
  copyFileSync(path.join(dir, file), path.join(outDir, 'gateway.cpuprofile'));
  const summary = summariseProfile(JSON.parse(readFileSync(path.join(dir, file), 'utf8')), ROOT, window);
  console.log(`\n${summary}\nbench: kept as bench-results/gateway.cpuprofile`);
  return `## Our gateway under the check load\n\n${summary}\n`;
}

/**
 * A CPU profile of each subgraph process under the check load: a second set of the subgraphs
 * (the same environment, on the subgraphs' core) started with `--cpu-prof`, loaded for
 * --profile-seconds by the floor (on the gateway's core: exactly the subgraph requests our
 * gateway's query plan makes, signed as the gateway signs them), stopped; each profile is
 * summarised (self time by function and by package: graphql, @apollo/server, knex, the
 * database driver, dataloader, the project's own files) and kept as bench-results/subgraph-NAME.cpuprofile.
 */
async function profileSubgraphs(env: NodeJS.ProcessEnv, host: string, pin: CorePinning | undefined, runOnce: RunOnce, outDir: string): Promise<string> {
  const base = path.join(workDir!, 'profile-subgraphs');
  const started: { name: string; dir: string; process: BenchProcess; spawnedAt: number }[] = [];
  const urls: Record<string, string> = {};
  let window: { skipMs: number; untilMs: number }[] = [];
  let header = '';
  let cpuBy: Record<string, number> = {};
  try {
    for (const [i, { name }] of SERVICES.entries()) {
      const dir = path.join(base, name);
      mkdirSync(dir, { recursive: true });
      const port = portBase + 60 + i;
      const spawnedAt = performance.now();
      const p = await startProcess({
        name: `profiled ${name}`,
        file: `subgraphs/${name}/index.ts`,
        nodeArgs: ['--cpu-prof', '--cpu-prof-dir', dir],
        env: { ...env, PORT: String(port), HOST: host },
        cores: pin?.subgraphs,
        readyUrl: `http://${host}:${port}/health/ready`,
        readyTimeoutMs: 90_000,
      });
      extras.push(p);
      started.push({ name, dir, process: p, spawnedAt });
      urls[name] = `http://${host}:${port}/graphql`;
    }
    console.log(`bench: profiling each subgraph (${started.map((s) => `${s.name} pid ${s.process.pid}`).join(', ')}) under the check load by the floor for ${profileSeconds} s ...`);
    const pids = Object.fromEntries(started.map((s) => [s.name, s.process.pid]));
    const run = await runOnce('check', 'floor', { warmupSeconds: 3, durationSeconds: profileSeconds }, undefined, { urls, pids });
    const now = performance.now();
    window = started.map((s) => ({ skipMs: Math.round(now - s.spawnedAt - run.measured.elapsedMs), untilMs: Math.round(now - s.spawnedAt) }));
    const n = Math.max(1, run.measured.responses);
    cpuBy = run.cpu.bySubgraph;
    header =
      `Loaded by the floor: ${round(run.measured.responses / (run.measured.elapsedMs / 1000), 1)} checks/s, ${run.measured.errors} errors; ` +
      `CPU per check with the profiler on: ${Object.entries(run.cpu.bySubgraph).map(([name, ms]) => `${name} ${round(ms / n, 3)} ms`).join(', ')} (total ${round(run.cpu.subgraphs / n, 3)} ms).`;
    console.log(`bench: profiled run: ${header}`);
  } finally {
    await Promise.all(started.map((s) => s.process.stop(30_000)));
  }
  const sections: string[] = [`## Each subgraph under the check load\n\n${header}\n`];
  for (const [i, s] of started.entries()) {
    const file = readdirSync(s.dir).find((f) => f.endsWith('.cpuprofile'));
    if ((cpuBy[s.name] ?? 0) < 100) {
      sections.push(`### Subgraph ${s.name}\n\nHardly any work under the check load (${Math.round(cpuBy[s.name] ?? 0)} ms of CPU in the whole run): no summary.\n`);
      continue;
    }
    if (!file) {
      sections.push(`### ${s.name}\n\nno .cpuprofile written\n`);
      continue;
    }
    copyFileSync(path.join(s.dir, file), path.join(outDir, `subgraph-${s.name}.cpuprofile`));
    const summary = summariseProfile(JSON.parse(readFileSync(path.join(s.dir, file), 'utf8')), ROOT, { ...window[i]!, top: 15 });
    sections.push(`### Subgraph ${s.name}\n\n${summary.replace(/^### /gm, '#### ')}\n`);
  }
  console.log(`bench: subgraph profiles kept as bench-results/subgraph-NAME.cpuprofile`);
  return sections.join('\n');
}

// A hard bound on the whole run: seeding, start-up, and each run with its margins.
const totalLimitMs =
  (opts['no-seed'] ? 0 : seedTimeoutSeconds * 1000) +
  300_000 +
  stackWarmupSeconds * 3000 +
  (opts.profile ? (profileSeconds + 120) * 1000 : 0) +
  (opts['profile-subgraphs'] ? (profileSeconds + 180) * 1000 : 0) +
  (opts.baseline ? seedTimeoutSeconds * 1000 + 600_000 : 0) +
  scenarioNames.reduce((ms, s) => ms + targets.length * rounds * (warmupSeconds + scenarioSeconds(s) + 90) * 1000, 0);
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

/**
 * Installs the gateways we compare with (scripts/bench/peers, its own lock file) the first time a
 * Hive target is asked for. They are kept out of the project's install: they want a newer Node than
 * the project needs and bring some 750 packages that only the benchmark uses.
 */
function ensureBenchPeers(): void {
  if (existsSync(HIVE_BIN)) return;
  console.log('bench: installing the comparison gateways into scripts/bench/peers (npm ci, once)');
  execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: PEERS, stdio: 'inherit' });
}
