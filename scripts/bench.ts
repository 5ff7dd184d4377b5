/**
 * `npm run bench`: seeds a demo dataset, runs the whole stack as separate processes on its own
 * ports (4400.., not disturbing a running `npm start`), and measures it through the gateway with
 * autocannon, run as a child process (scripts/bench-load.ts):
 *   subject  one subject's view across all departments, a different subject on each request
 *   batch    `subjects(ids:)` with 1,000 ids, a different id set on each request
 * Every response is checked (HTTP 200, no errors, the subjects asked for). It prints requests/s,
 * latency and the gateway's CPU time per request (from /proc/<pid>/stat), and writes the table
 * to bench-results/latest.md and .json. With two or more cores and `taskset`, the gateway runs on
 * core 0 and the subgraphs and the load generator on the others, so that the figures measure the
 * gateway rather than the scheduler.
 *
 * Data: SQLite in a temporary folder (removed afterwards), or `--data-dir DIR` to reuse one
 * (seeded only if empty). With DATABASE_URL set: MySQL databases `credit_bench_*` (or
 * DATABASE_PREFIX), reseeded and dropped afterwards, or `--db-prefix P` to reuse existing ones.
 *
 * Options: --subjects N (15000) --duration S (10) --warmup S (3) --connections N (32)
 * --batch-connections N (4) --batch-size N (1000) --scenarios subject,batch --port-base N (4400)
 * --no-pin --no-seed --verbose (stack output to this terminal) --seed-timeout S (900).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { dropDatabase, databaseConfigFromEnv } from '../subgraphs/kit/database.js';
import { SERVICES } from '../subgraphs/services.js';
import type { LoadJob, LoadMode, LoadPhaseResult, ParentMessage, WorkerMessage } from './bench-load.js';
import { populationSizes } from './demo-data/generate.js';
import { legalPersonId, naturalPersonId } from './demo-data/identities.js';
import {
  launchStack,
  pinnedCommand,
  clockTicksPerSecond,
  processCpuMs,
  ROOT,
  runSeed,
  tasksetAvailable,
  type CorePinning,
  type StackHandle,
} from './stack-processes.js';

const TOKEN = 'demo-analyst-key';

const SUBJECT_QUERY = `query Subject($id: ID!) {
  subject(id: $id) {
    id kind
    tax { records { category listType status } grades { year grade } }
    market { registration { name status } records { category listType } }
    courts { records { category listType } }
    finance { records { category listType } }
  }
}`;

const BATCH_QUERY = `query Batch($ids: [ID!]!) {
  subjects(ids: $ids) {
    id
    tax { records { category } }
    market { records { category } }
    courts { records { category } }
    finance { records { category } }
  }
}`;

// ---------------------------------------------------------------- options

const { values: opts } = parseArgs({
  options: {
    subjects: { type: 'string', default: '15000' },
    'data-dir': { type: 'string' },
    'db-prefix': { type: 'string' },
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '3' },
    connections: { type: 'string', default: '32' },
    'batch-connections': { type: 'string', default: '4' },
    'batch-size': { type: 'string', default: '1000' },
    scenarios: { type: 'string', default: 'subject,batch' },
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
const connections = intOption('connections', 1, 1000);
const batchConnections = intOption('batch-connections', 1, 1000);
const batchSize = intOption('batch-size', 1, 1000);
const portBase = intOption('port-base', 1024, 65000);
const seedTimeoutSeconds = intOption('seed-timeout', 10, 24 * 3600);
const scenarioNames = opts.scenarios.split(',').map((s) => s.trim()).filter(Boolean);
for (const s of scenarioNames) {
  if (s !== 'subject' && s !== 'batch') {
    console.error(`--scenarios: unknown scenario ${JSON.stringify(s)}; expected subject and/or batch`);
    process.exit(2);
  }
}

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

interface ScenarioResult {
  scenario: string;
  mode: LoadMode;
  connections: number;
  idsPerRequest: number;
  durationSeconds: number;
  requests: number;
  requestsPerSecond: number;
  subjectsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  gatewayCpuMsPerRequest: number;
  gatewayCpuPercent: number;
  subgraphsCpuMsPerRequest: number;
  subgraphsCpuPercent: number;
  loadGeneratorCpuPercent: number;
  /** CPU the rest of the machine (other processes, this driver) used meanwhile, in % of one core: noise. */
  otherCpuPercent: number;
  subjectsWithRecordsPercent: number;
  warmup: LoadPhaseResult | null;
  measured: LoadPhaseResult;
}

/** CPU time the whole machine spent busy so far (all cores), in milliseconds, from /proc/stat. */
function machineBusyMs(): number {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
    // cpu user nice system idle iowait irq softirq steal ...
    const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
    return ((user! + nice! + system! + irq! + softirq! + (steal ?? 0)) * 1000) / clockTicksPerSecond;
  } catch {
    return Number.NaN;
  }
}

function cpuOf(pids: number[]): number {
  return pids.reduce((sum, pid) => sum + processCpuMs(pid), 0);
}

/** Runs one scenario in a fresh load-generator process. */
async function runScenario(s: StackHandle, job: LoadJob, loadCores: string | undefined): Promise<ScenarioResult> {
  const [command, args] = pinnedCommand(loadCores, process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts/bench-load.ts')]);
  const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  worker = child;
  const subgraphPids = Object.values(s.services).map((p) => p.pid);
  // A hard bound on the scenario: warm-up, measurement, process start-up and a margin.
  const limitMs = (job.warmupSeconds + job.durationSeconds + job.timeoutSeconds + 60) * 1000;

  type Cpu = { gateway: number; subgraphs: number; machine: number };
  const outcome = new Promise<{ warmup: LoadPhaseResult | null; measured: LoadPhaseResult; cpu: Cpu }>(
    (resolve, reject) => {
      let warmup: LoadPhaseResult | null = null;
      let before: Cpu = { gateway: 0, subgraphs: 0, machine: 0 };
      const timer = setTimeout(() => reject(new Error(`${job.name}: no result within ${limitMs / 1000} s`)), limitMs);
      const done = (err: Error | null, value?: Parameters<typeof resolve>[0]) => {
        clearTimeout(timer);
        if (err) reject(err);
        else resolve(value!);
      };
      child.on('message', (raw) => {
        const m = raw as WorkerMessage;
        if (m.type === 'warmed') {
          warmup = m.warmup;
          before = { gateway: processCpuMs(s.gatewayPid), subgraphs: cpuOf(subgraphPids), machine: machineBusyMs() };
          child.send({ type: 'go' } satisfies ParentMessage);
        } else if (m.type === 'result') {
          const after: Cpu = { gateway: processCpuMs(s.gatewayPid), subgraphs: cpuOf(subgraphPids), machine: machineBusyMs() };
          const cpu: Cpu = { gateway: after.gateway - before.gateway, subgraphs: after.subgraphs - before.subgraphs, machine: after.machine - before.machine };
          done(null, { warmup, measured: m.result, cpu });
        } else if (m.type === 'failed') {
          done(new Error(`${job.name}: load generator failed: ${m.message}`));
        }
      });
      child.once('exit', (code, signal) => done(new Error(`${job.name}: load generator exited (${signal ?? `code ${code}`}) before its result`)));
      child.once('error', (err) => done(err));
      child.send({ type: 'job', job } satisfies ParentMessage);
    },
  );
  const crashed = s.unexpectedExit.then((exit) => {
    throw new Error(`${exit.name} exited (${exit.signal ?? `code ${exit.code}`}) during ${job.name}:\n${s.logs(exit.name)}`);
  });
  try {
    const { warmup, measured, cpu } = await abortable(Promise.race([outcome, crashed]));
    const seconds = measured.elapsedMs / 1000;
    const n = Math.max(1, measured.responses);
    return {
      scenario: job.name,
      mode: job.mode,
      connections: job.connections,
      idsPerRequest: job.mode === 'batch' ? job.batchSize : 1,
      durationSeconds: job.durationSeconds,
      requests: measured.responses,
      requestsPerSecond: round(measured.responses / seconds, 1),
      subjectsPerSecond: round(measured.subjects / seconds, 0),
      p50Ms: measured.latencyMs.p50,
      p99Ms: measured.latencyMs.p99,
      errors: measured.errors,
      gatewayCpuMsPerRequest: round(cpu.gateway / n, 3),
      gatewayCpuPercent: round((100 * cpu.gateway) / measured.elapsedMs, 0),
      subgraphsCpuMsPerRequest: round(cpu.subgraphs / n, 3),
      subgraphsCpuPercent: round((100 * cpu.subgraphs) / measured.elapsedMs, 0),
      loadGeneratorCpuPercent: round((100 * measured.loadCpuMs) / measured.elapsedMs, 0),
      otherCpuPercent: round((100 * Math.max(0, cpu.machine - cpu.gateway - cpu.subgraphs - measured.loadCpuMs)) / measured.elapsedMs, 0),
      subjectsWithRecordsPercent: measured.subjects ? round((100 * measured.subjectsWithRecords) / measured.subjects, 1) : 0,
      warmup,
      measured,
    };
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGKILL');
      await exited;
    }
    worker = undefined;
  }
}

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/** One request through the gateway before any load: fails fast with the response when it is wrong. */
async function probe(url: string, query: string, variables: Record<string, unknown>, expectCount: number): Promise<number> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.any([abort.signal, AbortSignal.timeout(30_000)]),
  });
  const text = await res.text();
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`probe: HTTP ${res.status}, not JSON: ${text.slice(0, 500)}`);
  }
  const list = body?.data?.subjects ?? (body?.data?.subject ? [body.data.subject] : []);
  if (res.status !== 200 || body.errors?.length || list.length !== expectCount) {
    throw new Error(`probe: HTTP ${res.status}, ${list.length} of ${expectCount} subjects: ${text.slice(0, 1000)}`);
  }
  return list.filter((s: any) => ['tax', 'market', 'courts', 'finance'].some((d) => s?.[d]?.records?.length > 0)).length;
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

function table(results: ScenarioResult[]): string {
  const header = ['Scenario', 'Conns', 'Requests', 'Req/s', 'p50 ms', 'p99 ms', 'Errors', 'Gateway CPU ms/req', 'Gateway CPU %', 'Subgraphs CPU ms/req'];
  const rows = results.map((r) => [
    r.scenario,
    String(r.connections),
    String(r.requests),
    r.requestsPerSecond.toFixed(1),
    r.p50Ms.toFixed(1),
    r.p99Ms.toFixed(1),
    String(r.errors),
    r.gatewayCpuMsPerRequest.toFixed(2),
    `${r.gatewayCpuPercent}`,
    r.subgraphsCpuMsPerRequest.toFixed(2),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  return [line(header), `|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`, ...rows.map(line)].join('\n');
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
    pinNote = `gateway on core ${pin.gateway}; subgraphs and load generator on core(s) ${pin.subgraphs}`;
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
    output: opts.verbose ? 'inherit' : 'quiet',
    signal: abort.signal,
  }));
  mysqlUsed = true;
  console.log(`bench: stack up in ${((Date.now() - t1) / 1000).toFixed(1)} s; gateway ${stack.gatewayUrl} (pid ${stack.gatewayPid})`);

  const pool = shuffled(seededIds(subjectCount));
  const jobs: LoadJob[] = [];
  if (scenarioNames.includes('subject')) {
    jobs.push({
      name: 'subject (1 id)',
      url: stack.gatewayUrl,
      token: TOKEN,
      query: SUBJECT_QUERY,
      mode: 'subject',
      ids: pool,
      batchSize: 1,
      connections,
      warmupSeconds,
      durationSeconds,
      timeoutSeconds: 10,
    });
  }
  if (scenarioNames.includes('batch')) {
    jobs.push({
      name: `batch (${batchSize} ids)`,
      url: stack.gatewayUrl,
      token: TOKEN,
      query: BATCH_QUERY,
      mode: 'batch',
      ids: pool,
      batchSize,
      connections: batchConnections,
      warmupSeconds,
      durationSeconds,
      timeoutSeconds: 30,
    });
  }

  // One correct answer of each shape before loading anything.
  for (const job of jobs) {
    const ids = job.mode === 'subject' ? [pool[0]!] : Array.from({ length: batchSize }, (_, i) => pool[i % pool.length]!);
    const vars = job.mode === 'subject' ? { id: ids[0] } : { ids };
    const withRecords = await abortable(probe(stack.gatewayUrl, job.query, vars, ids.length));
    if (job.mode === 'batch') {
      console.log(`bench: probe: ${withRecords} of ${ids.length} subjects have credit records`);
      if (withRecords === 0) console.warn('bench: warning: no subject has any record; is the database seeded with these subjects?');
    }
  }

  const loadCores = pin?.subgraphs;
  const results: ScenarioResult[] = [];
  for (const job of jobs) {
    console.log(`bench: ${job.name}: ${job.connections} connections, ${job.warmupSeconds} s warm-up + ${job.durationSeconds} s ...`);
    const r = await runScenario(stack, job, loadCores);
    results.push(r);
    const reasons = Object.entries(r.measured.errorReasons).map(([k, v]) => `${k} ×${v}`).join(', ');
    console.log(
      `bench: ${job.name}: ${r.requestsPerSecond} req/s, p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms, ${r.errors} errors${reasons ? ` (${reasons})` : ''}, ` +
        `gateway ${r.gatewayCpuMsPerRequest} ms CPU/req (${r.gatewayCpuPercent}% of a core), subgraphs ${r.subgraphsCpuPercent}%, load generator ${r.loadGeneratorCpuPercent}%, other processes ${r.otherCpuPercent}%`,
    );
    for (const sample of r.measured.errorSamples) console.log(`  ${sample}`);
  }

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
    pinning: pinNote,
    ports: { gateway: stack.gateway.port, subgraphs: Object.fromEntries(Object.entries(stack.services).map(([k, v]) => [k, v.port])) },
  };
  const md = [
    `# Benchmark ${meta.date}`,
    '',
    `Commit ${meta.commit ?? 'unknown'}, Node ${meta.node}, ${cpus} × ${meta.cpuModel}. ${engine === 'sqlite' ? 'SQLite' : 'MySQL'}, ` +
      `${subjectCount} demo subjects${meta.seeded ? '' : ' (not seeded by this run)'}; ${durationSeconds} s per scenario after ${warmupSeconds} s warm-up; ${pinNote}.`,
    '',
    table(results),
    '',
    'Requests: responses received in the measured window; errors: responses that were not HTTP 200, carried',
    '`errors` or did not hold the subjects asked for, plus connection errors and timeouts. CPU: user + system',
    'time of the processes (/proc/<pid>/stat) over the measured window, per response; "Gateway CPU %" is of one core.',
    '',
    ...results.map(
      (r) =>
        `- ${r.scenario}: ${r.subjectsPerSecond} subjects/s; subjects with records ${r.subjectsWithRecordsPercent}%; ` +
        `CPU in % of one core: gateway ${r.gatewayCpuPercent}, subgraphs ${r.subgraphsCpuPercent}, load generator ${r.loadGeneratorCpuPercent}, ` +
        `other processes ${r.otherCpuPercent}${engine === 'mysql' ? ' (including the MySQL server)' : ''}` +
        `${engine === 'sqlite' && r.otherCpuPercent >= 20 ? ' (a busy machine: figures are noisy)' : ''}` +
        (r.errors ? `; errors: ${Object.entries(r.measured.errorReasons).map(([k, v]) => `${k} ×${v}`).join(', ')}` : ''),
    ),
    '',
  ].join('\n');
  console.log(`\n${table(results)}\n`);
  const outDir = path.join(ROOT, 'bench-results');
  mkdirSync(outDir, { recursive: true });
  writeFileSync(path.join(outDir, 'latest.md'), md);
  writeFileSync(path.join(outDir, 'latest.json'), `${JSON.stringify({ ...meta, results }, null, 2)}\n`);
  console.log(`bench: written to bench-results/latest.md and bench-results/latest.json`);
}

// A hard bound on the whole run: seeding, start-up, and each scenario with its margins.
const totalLimitMs =
  (opts['no-seed'] ? 0 : seedTimeoutSeconds * 1000) + 180_000 + scenarioNames.length * (warmupSeconds + durationSeconds + 90) * 1000;
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
