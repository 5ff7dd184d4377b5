/**
 * Failover under load, for the cluster test (one round) and `npm run soak -- --cluster` (several):
 * checks and publications through HAProxy while, in turn, a gateway, one replica of every subgraph,
 * the active relay are killed with SIGKILL, and the (private) MySQL server is stopped and started.
 * Counts failed requests per fault — those in flight at the kill apart from those started after it —
 * measures recovery times, and checks every acknowledged write against the database and the push
 * feed: none lost, none twice.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import knexFactory from 'knex';
import { legalPersonId } from '../demo-data/identities.js';
import { addDays, today } from '../../subgraphs/kit/clock.js';
import { SERVICES, type ServiceName } from '../../subgraphs/services.js';
import type { ClusterHandle } from './topology.js';
import type { PrivateMysql } from './private-mysql.js';

export interface RequestOutcome {
  kind: 'check' | 'publish';
  start: number;
  end: number;
  ok: boolean;
  error?: string;
}

export type FaultKind = 'gateway' | ServiceName | 'relay' | 'mysql';

export interface FaultResult {
  /** e.g. `gateway-1 killed`, `MySQL restarted`. */
  fault: string;
  kind: FaultKind;
  round: number;
  /** When the kill (or the MySQL stop) was sent. */
  at: number;
  /** When the killed process was seen gone (its exit reported; MySQL: stopped). */
  deadAt: number;
  /** Requests that started between this fault and the next. */
  requests: number;
  /** Requests in flight at the kill: started before the process was seen gone, answered after the kill was sent. */
  inFlight: number;
  /** Of those, how many failed, per kind of request. */
  failedInFlight: { check: number; publish: number };
  /** Requests started after the kill that failed, per kind. */
  failedAfter: { check: number; publish: number };
  /** A few distinct errors of the failed requests (in flight and after). */
  errors: string[];
  /** Milliseconds: the restarted process back UP in HAProxy; the other relay holding the lease; MySQL down; first answer after MySQL is back. */
  recoveryMs: Record<string, number>;
}

export interface FailoverReport {
  faults: FaultResult[];
  /** Requests before the first fault and after the last recovery, and how many of them failed. */
  before: { requests: number; failed: number; errors: string[] };
  after: { requests: number; failed: number };
  checksAcknowledged: number;
  publicationsAcknowledged: number;
  lostChecks: string[];
  checksStoredTwice: string[];
  lostPublications: string[];
  publicationsTwice: string[];
  /** A few distinct error messages seen. */
  errors: string[];
  durationMs: number;
}

export interface FailoverOptions {
  cluster: ClusterHandle;
  /** The private server the cluster runs on (restarted as a fault); null leaves MySQL alone. */
  mysql: PrivateMysql | null;
  /** The MySQL server the cluster stores in (where acknowledged checks are looked for). */
  databaseUrl: string;
  databasePrefix: string;
  rounds?: number;
  workers?: number;
  /** Successful answers to wait for after each fault before the next step. */
  settleAnswers?: number;
  /** How long MySQL stays down. */
  mysqlDownMs?: number;
  log?: (line: string) => void;
}

const FAILED_PAUSE_MS = 100;

/** The subject the checks run on: the demo data gives it a court record, so its verdict is a mandatory restriction. */
const CHECKED_SUBJECT = '91430100MA4L0L0000';

export async function runFailover(options: FailoverOptions): Promise<FailoverReport> {
  const { cluster, databasePrefix: prefix } = options;
  const rounds = options.rounds ?? 1;
  const workers = options.workers ?? 6;
  const settleAnswers = options.settleAnswers ?? 20;
  const log = options.log ?? (() => {});
  const began = Date.now();

  const post = async (key: string, query: string, variables: Record<string, unknown>) => {
    let res: Response;
    let text: string;
    try {
      res = await fetch(cluster.gatewayUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify({ query, variables }),
        signal: AbortSignal.timeout(30_000),
      });
      text = await res.text();
    } catch (err) {
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      throw new Error(`${(err as Error).message}${cause ? ` (${cause.code ?? ''} ${cause.message ?? ''})` : ''}`);
    }
    let body: { data?: any; errors?: { message: string }[] };
    try {
      body = JSON.parse(text);
    } catch {
      throw new Error(`HTTP ${res.status}: ${text.slice(0, 120)}`);
    }
    if (res.status !== 200 || body.errors?.length) throw new Error(`HTTP ${res.status}: ${body.errors?.map((e) => e.message).join('; ') ?? ''}`);
    return body.data;
  };

  const sub = await post('demo-approval-key', 'mutation { platform { subscribe(input: { departments: ["courts"] }) { id } } }', {});
  const subscriptionId = sub.platform.subscribe.id as string;

  let running = true;
  let n = 0;
  const outcomes: RequestOutcome[] = [];
  const checks = new Set<string>();
  const published = new Map<string, string>(); // record id → decision number
  const tag = `HA-${prefix}`;
  const load = Promise.all(Array.from({ length: workers }, async (_, w) => {
    let failedLast = false;
    while (running) {
      // A client whose request failed waits a little before the next (as a client would), so an
      // outage counts requests at a client's pace, not at the pace of failing fast.
      if (failedLast) await sleep(FAILED_PAUSE_MS);
      failedLast = false;
      const i = n++;
      const start = Date.now();
      if (i % 4 === 3) {
        const decisionNo = `${tag}-${i}`;
        try {
          const data = await post('demo-courts-key', 'mutation($input: PublishRecordInput!) { courts { publishRecord(input: $input) { id } } }', {
            input: { subjectId: legalPersonId(50_000 + i), category: 'DISHONEST_JUDGMENT_DEBTOR', decisionNo, decidedOn: addDays(today(), -3), summary: '高可用测试记录' },
          });
          published.set(data.courts.publishRecord.id, decisionNo);
          outcomes.push({ kind: 'publish', start, end: Date.now(), ok: true });
        } catch (err) {
          outcomes.push({ kind: 'publish', start, end: Date.now(), ok: false, error: (err as Error).message });
          failedLast = true;
        }

      } else {
        const caseRef = `${tag}-${w}-${i}`;
        try {
          const data = await post('demo-approval-key', 'query($id: ID!, $c: String!) { subject(id: $id) { creditCheck(matter: GOVERNMENT_PROCUREMENT, caseRef: $c) { checkId verdict } } }', { id: CHECKED_SUBJECT, c: caseRef });
          const verdict = data.subject.creditCheck.verdict;
          if (verdict !== 'MANDATORY_RESTRICTION') throw new Error(`verdict ${verdict}, expected MANDATORY_RESTRICTION (a source missing?)`);
          checks.add(caseRef);
          outcomes.push({ kind: 'check', start, end: Date.now(), ok: true });
        } catch (err) {
          outcomes.push({ kind: 'check', start, end: Date.now(), ok: false, error: (err as Error).message });
          failedLast = true;
        }
      }
    }
  }));

  const answeredSince = (t: number) => outcomes.filter((o) => o.ok && o.start >= t).length;
  const settle = async (what: string, since = Date.now(), timeoutMs = 120_000) => {
    const deadline = Date.now() + timeoutMs;
    while (answeredSince(since) < settleAnswers) {
      if (Date.now() > deadline) throw new Error(`${what}: fewer than ${settleAnswers} answers within ${timeoutMs / 1000} s`);
      await sleep(50);
    }
  };

  const faults: Omit<FaultResult, 'requests' | 'inFlight' | 'failedInFlight' | 'failedAfter' | 'errors'>[] = [];
  let firstFaultAt = 0;
  let lastRecoveredAt = 0;
  try {
    await settle('load before the first fault');
    firstFaultAt = Date.now();
    for (let round = 1; round <= rounds; round++) {
      // Alternate the replica killed from round to round.
      const r = ((round - 1) % 2) + 1;
      const targets: { name: string; kind: FaultKind }[] = [{ name: `gateway-${r}`, kind: 'gateway' }, ...SERVICES.map(({ name }) => ({ name: `${name}-${r}`, kind: name }))];
      for (const { name, kind } of targets) {
        const at = Date.now();
        await cluster.kill(name);
        const deadAt = Date.now();
        await settle(`load after ${name} killed`);
        const recoveryMs = { 'restarted, UP in HAProxy': await cluster.restart(name) };
        faults.push({ fault: `${name} killed`, kind, round, at, deadAt, recoveryMs });
        log(`round ${round}: ${name} killed; back UP in HAProxy ${recoveryMs['restarted, UP in HAProxy']} ms after its restart`);
      }

      const active = await waitFor('a relay is active', () => cluster.activeRelay(), 60_000);
      const at = Date.now();
      await cluster.kill(active);
      const deadAt = Date.now();
      const takeover = await timeUntil('the other relay takes over', async () => {
        const now = await cluster.activeRelay();
        return now !== null && now !== active;
      }, 60_000).catch((err: Error) => {
        const relays = [...cluster.members.values()].filter((m) => m.group === 'relay');
        throw new Error(`${err.message}; ${relays.map((m) => `${m.name} (pid ${m.spawned.child.pid}, ${m.spawned.child.exitCode === null && m.spawned.child.signalCode === null ? 'running' : 'exited'}): ${cluster.logs(m.name).split('\n').slice(-8).join(' | ')}`).join('; ')}`);
      });
      await cluster.restart(active);
      faults.push({ fault: `active relay (${active}) killed`, kind: 'relay', round, at, deadAt, recoveryMs: { 'other relay holds the lease': takeover } });
      log(`round ${round}: active relay ${active} killed; the other took over in ${takeover} ms`);

      if (options.mysql) {
        const stopAt = Date.now();
        await options.mysql.stop();
        const deadAt = Date.now();
        await sleep(options.mysqlDownMs ?? 2000);
        await options.mysql.start();
        const upAt = Date.now();
        const firstAnswer = await timeUntil('a request answered after MySQL is back', () => answeredSince(upAt) > 0, 120_000);
        await settle('load after MySQL restarted', upAt);
        faults.push({ fault: 'MySQL stopped and started', kind: 'mysql', round, at: stopAt, deadAt, recoveryMs: { 'MySQL down': upAt - stopAt, 'first answer after MySQL is back': firstAnswer } });
        log(`round ${round}: MySQL down ${upAt - stopAt} ms; first answer ${firstAnswer} ms after it was back`);
      }
    }
    lastRecoveredAt = Date.now();
    await settle('load after the last fault');
  } finally {
    running = false;
    await load;
  }

  // Every acknowledged publication is in the feed once; every acknowledged check is stored once.
  const feed: { record: { id: string; decisionNo: string }; kind: string }[] = [];
  const feedDeadline = Date.now() + 120_000;
  for (;;) {
    try {
      for (;;) {
        const page = await post('demo-approval-key', 'query($s: ID!) { platform { feed(subscriptionId: $s, limit: 200) { cursor hasMore entries { kind record { id decisionNo } } } } }', { s: subscriptionId });
        feed.push(...page.platform.feed.entries);
        await post('demo-approval-key', 'mutation($s: ID!, $q: Int!) { platform { acknowledge(subscriptionId: $s, upToSeq: $q) { ackedSeq } } }', { s: subscriptionId, q: page.platform.feed.cursor });
        if (!page.platform.feed.hasMore) break;
      }
    } catch (err) {
      log(`reading the feed: ${(err as Error).message}`);
    }
    if ([...published.keys()].every((id) => feed.some((e) => e.record.id === id)) || Date.now() > feedDeadline) break;
    await sleep(500);
  }
  const ours = feed.filter((e) => e.kind === 'PUBLISHED' && e.record.decisionNo.startsWith(`${tag}-`));
  const feedCount = new Map<string, number>();
  for (const e of ours) feedCount.set(e.record.id, (feedCount.get(e.record.id) ?? 0) + 1);

  const db = knexFactory({ client: 'mysql2', connection: `${options.databaseUrl}/${prefix}platform`, pool: { min: 0, max: 1 } });
  let storedRefs: string[];
  try {
    storedRefs = ((await db('checks').where('case_ref', 'like', `${tag}-%`).select('case_ref')) as { case_ref: string }[]).map((r) => r.case_ref);
  } finally {
    await db.destroy();
  }
  const storedCount = new Map<string, number>();
  for (const ref of storedRefs) storedCount.set(ref, (storedCount.get(ref) ?? 0) + 1);

  const window = (i: number) => [faults[i]!.deadAt, faults[i + 1]?.at ?? lastRecoveredAt] as const;
  const tally = (list: RequestOutcome[]) => ({ check: list.filter((o) => o.kind === 'check').length, publish: list.filter((o) => o.kind === 'publish').length });
  const results: FaultResult[] = faults.map((f, i) => {
    const [from, to] = window(i);
    const inFlight = outcomes.filter((o) => o.start < f.deadAt && o.end >= f.at);
    // A request in flight at the next fault counts there.
    const after = outcomes.filter((o) => o.start >= from && o.start < to && !(o.end >= to && i + 1 < faults.length));
    return {
      ...f,
      requests: after.length,
      inFlight: inFlight.length,
      failedInFlight: tally(inFlight.filter((o) => !o.ok)),
      failedAfter: tally(after.filter((o) => !o.ok)),
      errors: distinctErrors([...inFlight, ...after]),
    };
  });
  const before = outcomes.filter((o) => o.end < firstFaultAt);
  const after = outcomes.filter((o) => o.start >= lastRecoveredAt);
  return {
    faults: results,
    before: { requests: before.length, failed: before.filter((o) => !o.ok).length, errors: distinctErrors(before) },
    after: { requests: after.length, failed: after.filter((o) => !o.ok).length },
    checksAcknowledged: checks.size,
    publicationsAcknowledged: published.size,
    lostChecks: [...checks].filter((ref) => !storedCount.has(ref)),
    checksStoredTwice: [...storedCount].filter(([, c]) => c > 1).map(([ref]) => ref),
    lostPublications: [...published.keys()].filter((id) => !feedCount.has(id)),
    publicationsTwice: [...feedCount].filter(([, c]) => c > 1).map(([id]) => id),
    errors: distinctErrors(outcomes),
    durationMs: Date.now() - began,
  };
}

function distinctErrors(list: readonly RequestOutcome[]): string[] {
  return [...new Set(list.filter((o) => !o.ok).map((o) => `${o.kind}: ${(o.error ?? '').slice(0, 200)}`))].slice(0, 5);
}

/** The report as a Markdown table and a few lines. */
export function formatFailoverReport(report: FailoverReport): string {
  const lines = [
    '| fault | round | requests started after it | in flight at the kill (sent before the process was seen gone) | failed in flight (checks / publications) | failed, started after the kill (checks / publications) | recovery |',
    '|---|---|---|---|---|---|---|',
    ...report.faults.map((f) => `| ${f.fault} | ${f.round} | ${f.requests} | ${f.inFlight} | ${f.failedInFlight.check} / ${f.failedInFlight.publish} | ${f.failedAfter.check} / ${f.failedAfter.publish} | ${Object.entries(f.recoveryMs).map(([k, v]) => `${k}: ${(v / 1000).toFixed(1)} s`).join('; ')} |`),
    '',
    `Before the first fault: ${report.before.requests} requests, ${report.before.failed} failed. After the last recovery: ${report.after.requests} requests, ${report.after.failed} failed.`,
    `Acknowledged: ${report.checksAcknowledged} checks, ${report.publicationsAcknowledged} publications. Lost checks ${report.lostChecks.length}, stored twice ${report.checksStoredTwice.length}; ` +
      `lost publications ${report.lostPublications.length}, in the feed twice ${report.publicationsTwice.length}. ${(report.durationMs / 1000).toFixed(0)} s in all.`,
    ...(report.before.errors.length ? [`Errors before the first fault: ${report.before.errors.map((e) => JSON.stringify(e)).join(', ')}`] : []),
    ...report.faults.filter((f) => f.errors.length).map((f) => `Errors at ${f.fault}: ${f.errors.map((e) => JSON.stringify(e)).join(', ')}`),
  ];
  return lines.join('\n');
}

async function waitFor<T>(what: string, probe: () => Promise<T | null>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => null);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not so within ${timeoutMs / 1000} s`);
    await sleep(50);
  }
}

async function timeUntil(what: string, probe: () => boolean | Promise<boolean>, timeoutMs: number): Promise<number> {
  const start = Date.now();
  await waitFor(what, async () => ((await probe()) ? true : null), timeoutMs);
  return Date.now() - start;
}
