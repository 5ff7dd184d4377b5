/**
 * `npm run soak`: resilience under load, bounded in time. Seeds its own MySQL databases (prefix
 * soak_, afresh), starts the stack as separate processes on ports 4600+ (beside a running
 * `npm start`), and sends checks before approval, publications of new records and execution
 * feedback at a fixed rate for --minutes while the faults of scripts/soak/faults.ts happen one
 * after another. Then it lets the retries and the push relay finish and compares:
 *   - verdicts: a subject with an active black record is never CLEAR (nor is any check with a
 *     source missing), and is MANDATORY_RESTRICTION unless every department holding such a record
 *     is missing, when INCOMPLETE;
 *   - rows against acknowledged requests (records, outbox events, stored checks, feedback, the
 *     push feed and what the subscriber received): nothing lost, nothing twice;
 *   - recovery after each fault, and memory of each process at the start and the end.
 * Prints the tables, writes them to bench-results/soak-latest.md, and exits 1 when a correctness
 * figure is not zero. `--help` for the options.
 *
 * `npm run soak -- --cluster` runs the failover soak behind HAProxy instead (scripts/soak/cluster.ts).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { gatewayConfigFromEnv } from '../gateway/config.js';
import { databaseConfigFromEnv, dropDatabase, redactUrl } from '../subgraphs/kit/database.js';
import { SERVICES } from '../subgraphs/services.js';
import { SHOWCASE_IDS } from './demo-data/showcase.js';
import { auditWrites } from './soak/audit.js';
import { describeFault, FaultRunner, planFaults, type FaultResult } from './soak/faults.js';
import { FeedReader } from './soak/feed-reader.js';
import { postGraphQL } from './soak/graphql.js';
import { Ledger } from './soak/ledger.js';
import { HeapReports } from './soak/memory.js';
import { soakMysql } from './soak/mysql-server.js';
import { CHECK, KEYS } from './soak/operations.js';
import { parseSoakOptions, UsageError, USAGE, type SoakOptions } from './soak/options.js';
import { correctnessOf, renderReport } from './soak/report.js';
import { SubjectPool } from './soak/subject-pool.js';
import { Workload } from './soak/workload.js';
import { launchStack, ROOT, runSeed, stackEnv, type StackHandle } from './stack-processes.js';

const REQUEST_TIMEOUT_MS = 15_000;
const MAX_IN_FLIGHT = 400;
const DRAIN_MS = 60_000;
/** After the load, how long the relay may take to bring every acknowledged publication to the feed. */
const FEED_CATCH_UP_MS = 60_000;
/** How long the load may go on past --minutes for a fault still waiting for its recovery. */
const OVERRUN_MS = 120_000;

const log = (line: string) => process.stdout.write(`soak: ${line}\n`);

// `--cluster`: the failover run behind HAProxy (scripts/soak/cluster.ts), its own options.
if (process.argv.slice(2).includes('--cluster')) {
  const { soakCluster } = await import('./soak/cluster.js');
  process.exit(await soakCluster(process.argv.slice(2)));
}

let options: SoakOptions;
try {
  const parsed = parseSoakOptions(process.argv.slice(2));
  if (!parsed) {
    console.log(USAGE);
    process.exit(0);
  }
  options = parsed;
} catch (err) {
  if (!(err instanceof UsageError)) throw err;
  console.error(`${err.message}\n\n${USAGE}`);
  process.exit(2);
}

// With the restart fault, a private MariaDB server of the soak's own (port base + 90); else DATABASE_URL.
const mysql = await soakMysql(process.env.DATABASE_URL || 'mysql://root@127.0.0.1:3306', options.faults.includes('mysql'), options.portBase + 90);
const mysqlUrl = mysql.url;
const env = stackEnv({ databaseUrl: mysqlUrl, databasePrefix: options.dbPrefix, env: { LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' } });
const abort = new AbortController();
const heapReports = new HeapReports();
let stack: StackHandle | undefined;
let faults: FaultRunner | undefined;
let workload: Workload | undefined;
let finishing = false;

/** Leaves the machine as it was: no stopped process, the MySQL server running, the stack stopped. */
async function cleanUp(): Promise<void> {
  finishing = true;
  abort.abort(new Error('soak stopped'));
  await faults?.cleanup().catch((err) => log(`could not undo a fault: ${(err as Error).message}`));
  await mysql.ensureRunning().catch((err) => log(`could not start MySQL again: ${(err as Error).message}`));
  await stack?.stop();
  heapReports.remove();
  if (!options.keepData) {
    for (const { name } of SERVICES) await dropDatabase(databaseConfigFromEnv(name, env)).catch(() => {});
  }
  await mysql.dispose().catch((err) => log(`could not stop the private MySQL server: ${(err as Error).message}`));
}

let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    interrupted = true;
    log(`${signal}: undoing the faults and stopping the stack`);
    void cleanUp().finally(() => process.exit(130));
  });
}
// Whatever fails, a paused process is continued and a stopped MySQL server started again.
for (const event of ['uncaughtException', 'unhandledRejection'] as const) {
  process.once(event, (err) => {
    interrupted = true;
    console.error(`soak: ${event}: ${(err as Error)?.stack ?? err}`);
    void cleanUp().finally(() => process.exit(1));
  });
}

function commit(): string {
  try {
    const sha = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: ROOT, encoding: 'utf8' }).trim() !== '';
    return dirty ? `${sha} with uncommitted changes` : sha;
  } catch {
    return 'unknown';
  }
}

/** Waits until a check of the black showcase enterprise answers fully, as the load expects. */
async function waitUntilServing(gatewayUrl: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const r = await postGraphQL(gatewayUrl, KEYS.approval, CHECK, { id: SHOWCASE_IDS.blackEnterprise, matter: 'GOVERNMENT_PROCUREMENT', caseRef: 'SOAK-warm-up' }, REQUEST_TIMEOUT_MS);
    const check = r.data?.subject?.creditCheck;
    if (check?.verdict === 'MANDATORY_RESTRICTION' && check.missingSources.length === 0) return;
    if (Date.now() > deadline) throw new Error(`the stack does not answer a full check: ${JSON.stringify(r.errors ?? r.failure ?? check)}`);
    await sleep(500);
  }
}

async function soak(): Promise<number> {
  if (!(await mysql.alive())) {
    console.error(`soak: MySQL does not answer at ${redactUrl(mysqlUrl)}: start it (README, "Tests") or set DATABASE_URL`);
    return 2;
  }
  const skipMysql = options.faults.includes('mysql') ? mysql.cannotRestart() : null;
  const subgraphTimeoutMs = gatewayConfigFromEnv([], env).subgraphTimeoutMs;
  const runId = Date.now().toString(36);
  const durationMs = options.minutes * 60_000;

  log(`seeding ${options.subjects} subjects into ${redactUrl(mysqlUrl)}, databases ${options.dbPrefix}* (dropped and created afresh)`);
  await runSeed(['--subjects', String(options.subjects), '--reset'], { databaseUrl: mysqlUrl, databasePrefix: options.dbPrefix, output: 'quiet', signal: abort.signal, timeoutMs: 600_000 });
  const subjects = await SubjectPool.load(options.subjects, env);

  log(`starting the stack on ports ${options.portBase}+`);
  const unexpectedExits: string[] = [];
  let loadStart = performance.now();
  stack = await launchStack({
    databaseUrl: mysqlUrl,
    databasePrefix: options.dbPrefix,
    portBase: options.portBase,
    env: { LOG_LEVEL: env.LOG_LEVEL, ...heapReports.env() },
    output: options.verbose ? 'inherit' : 'quiet',
    signal: abort.signal,
    onUnexpectedExit: ({ name, code, signal }) => {
      if (finishing || !stack || faults?.killed.has(name)) return;
      const what = `${name} exited by itself (${signal ?? `code ${code}`}) at t=${((performance.now() - loadStart) / 1000).toFixed(0)} s; started again`;
      unexpectedExits.push(what);
      log(`${what}; its last output:\n${stack.logs(name)}`);
      void sleep(1000).then(() => (finishing ? undefined : stack!.restart(name as Parameters<StackHandle['restart']>[0]).catch((err) => log(`restarting ${name} failed: ${(err as Error).message}`))));
    },
  });
  await waitUntilServing(stack.gatewayUrl);
  const feed = await FeedReader.subscribe(stack.gatewayUrl, REQUEST_TIMEOUT_MS);
  feed.start();

  const settings = [
    `${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, commit ${commit()}, ${os.cpus().length} cores, Node ${process.version}, ` +
      `MySQL ${redactUrl(mysqlUrl)} (databases ${options.dbPrefix}*), ${options.subjects} seeded subjects ` +
      `(${subjects.sizes.seededBlack} with an active black record), gateway subgraph timeout ${subgraphTimeoutMs} ms.`,
    `Load: ${options.rate} requests/s for ${options.minutes} min (about 60 % checks, 25 % publications, 15 % feedback; retries on top), run ${runId}.`,
  ];
  log(settings.join('\n      '));

  const memoryStart = await heapReports.sample(stack);
  const ledger = new Ledger();
  workload = new Workload(
    { gatewayUrl: stack.gatewayUrl, rate: options.rate, runId, requestTimeoutMs: REQUEST_TIMEOUT_MS, maxInFlight: MAX_IN_FLIGHT, mix: { check: 0.6, publish: 0.25, feedback: 0.15 } },
    ledger,
    subjects,
  );
  loadStart = performance.now();
  workload.start();
  faults = new FaultRunner(stack, ledger, feed, mysql, loadStart, log, options.dbPrefix);
  const plans = planFaults(durationMs, options.faults, { kill: options.kill, pause: options.pause, subgraphTimeoutMs });
  const faultsDone: Promise<FaultResult[]> = faults.run(plans, durationMs, skipMysql);

  const progress = setInterval(() => {
    const st = ledger.stats;
    log(
      `t=${((performance.now() - loadStart) / 1000).toFixed(0)} s: checks ${st.check.acknowledged}/${st.check.sent}, publications ${st.publish.acknowledged}/${st.publish.sent} (+${st.publish.retries} retries), ` +
        `feedback ${st.feedback.acknowledged}/${st.feedback.sent}, false CLEAR ${ledger.falseClears.length}`,
    );
  }, 30_000);
  await sleep(durationMs);
  const results = await Promise.race([faultsDone, sleep(OVERRUN_MS).then(() => null)]);
  clearInterval(progress);
  await workload.stop();
  const loadMs = performance.now() - loadStart;
  log(`load stopped after ${(loadMs / 1000).toFixed(0)} s; retrying open writes for up to ${DRAIN_MS / 1000} s`);
  const openWrites = await workload.drain(DRAIN_MS);
  const published = ledger.acknowledgedPublishes().map((p) => p.recordId!);
  const caughtUp = await feed.waitFor(published, FEED_CATCH_UP_MS);
  log(caughtUp === null ? `the push feed still lacks acknowledged publications after ${FEED_CATCH_UP_MS / 1000} s` : 'the push feed holds every acknowledged publication');
  await feed.stop();
  const memoryEnd = await heapReports.sample(stack);
  const audits = await auditWrites(env, ledger, runId, feed);

  if (loadMs > durationMs + 1000) settings.push(`The load went on ${((loadMs - durationMs) / 1000).toFixed(0)} s past ${options.minutes} min while the last fault recovered.`);
  const summary = {
    settings,
    faults: results ?? plans.map((plan) => ({ plan, label: describeFault(plan), error: `not finished within ${OVERRUN_MS / 1000} s after the load` })),
    ledger,
    loadStart,
    audits,
    memory: { start: memoryStart, end: memoryEnd },
    unexpectedExits,
    openWrites,
    feedReads: { reads: feed.reads, failed: feed.failedReads },
  };
  const report = renderReport(summary);
  const file = path.join(ROOT, 'bench-results', 'soak-latest.md');
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `# Soak\n\n${report}`);
  console.log(`\n${report}\nWritten to ${path.relative(process.cwd(), file)}`);
  const c = correctnessOf(summary);
  const failed = Object.entries(c).filter(([, n]) => n > 0);
  if (failed.length > 0) log(`FAILED: ${failed.map(([k, n]) => `${k} ${n}`).join(', ')}`);
  else log('passed: no false CLEAR, no lost or duplicated write');
  return failed.length > 0 ? 1 : 0;
}

let code = 1;
try {
  code = await soak();
} catch (err) {
  if (!interrupted) console.error(`soak: ${(err as Error).stack ?? err}`);
} finally {
  if (!interrupted) {
    await cleanUp();
    process.exit(code);
  }
}
