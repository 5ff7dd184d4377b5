/**
 * After the load: the rows in the databases against the requests that were acknowledged. Every
 * request of the run carries the run's tag (decision numbers `SOAK-<run>-<department>-<n>`, case
 * references `SOAK-<run>-<n>`), so its rows are found exactly.
 *   lost        acknowledged, and no row
 *   duplicated  more rows than unique requests (a request written twice, or rows nobody asked for)
 * Writes that were never acknowledged may or may not have been written; they are counted apart.
 */
import type { Knex } from 'knex';
import { databaseConfigFromEnv, openDatabase } from '../../subgraphs/kit/database.js';
import { DEPARTMENTS } from '../../subgraphs/services.js';
import type { FeedReader } from './feed-reader.js';
import type { Ledger } from './ledger.js';

export interface WriteAudit {
  what: string;
  /** Unique requests acknowledged. */
  acknowledged: number;
  /** Rows found for the run. */
  rows: number;
  lost: number;
  duplicated: number;
  /** Requests never acknowledged whose row exists (the answer was lost, not the write). */
  unacknowledgedWritten: number;
}

const CHUNK = 500;

async function inChunks<T>(ids: readonly string[], query: (chunk: string[]) => Promise<T[]>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < ids.length; i += CHUNK) out.push(...(await query(ids.slice(i, i + CHUNK))));
  return out;
}

async function withDatabase<T>(name: string, env: NodeJS.ProcessEnv, work: (db: Knex) => Promise<T>): Promise<T> {
  const db = await openDatabase(databaseConfigFromEnv(name, env));
  try {
    return await work(db);
  } finally {
    await db.destroy();
  }
}

/** Counts of a key among rows: key → how many rows. */
function tally(rows: { key: string; n: number | string }[]): Map<string, number> {
  return new Map(rows.map((r) => [r.key, Number(r.n)]));
}

export async function auditWrites(env: NodeJS.ProcessEnv, ledger: Ledger, runId: string, feed: FeedReader): Promise<WriteAudit[]> {
  const audits: WriteAudit[] = [];
  const acknowledgedRecords: string[] = [];

  for (const department of DEPARTMENTS) {
    const writes = [...ledger.publishes.values()].filter((p) => p.department === department);
    const acked = writes.filter((p) => p.ackAt !== undefined);
    const ids = acked.map((p) => p.recordId!);
    acknowledgedRecords.push(...ids);
    const { rows, events } = await withDatabase(department, env, async (db) => ({
      rows: tally(
        await db('credit_records').select({ key: 'decision_no' }).count({ n: '*' }).where('decision_no', 'like', `SOAK-${runId}-${department}-%`).andWhere('version', 1).groupBy('decision_no'),
      ),
      events: tally(
        await inChunks(ids, (chunk) => db('record_events').select({ key: 'record_id' }).count({ n: '*' }).where('kind', 'PUBLISHED').whereIn('record_id', chunk).groupBy('record_id')),
      ),
    }));
    const asked = new Set(writes.map((w) => w.decisionNo));
    const strangers = [...rows.entries()].filter(([decisionNo]) => !asked.has(decisionNo)).reduce((sum, [, n]) => sum + n, 0);
    audits.push({
      what: `records published in ${department}`,
      acknowledged: acked.length,
      rows: [...rows.values()].reduce((a, b) => a + b, 0),
      lost: acked.filter((p) => !rows.has(p.decisionNo)).length,
      duplicated: [...rows.values()].reduce((sum, n) => sum + Math.max(0, n - 1), 0) + strangers,
      unacknowledgedWritten: writes.filter((p) => p.ackAt === undefined && rows.has(p.decisionNo)).length,
    });
    audits.push({
      what: `outbox events of ${department}`,
      acknowledged: acked.length,
      rows: [...events.values()].reduce((a, b) => a + b, 0),
      lost: ids.filter((id) => !events.has(id)).length,
      duplicated: [...events.values()].reduce((sum, n) => sum + Math.max(0, n - 1), 0),
      unacknowledgedWritten: 0,
    });
  }

  await withDatabase('platform', env, async (db) => {
    const checks = tally(await db('checks').select({ key: 'case_ref' }).count({ n: '*' }).where('case_ref', 'like', `SOAK-${runId}-%`).groupBy('case_ref'));
    const storedIds = new Set(
      (await db('checks').select('check_id').where('case_ref', 'like', `SOAK-${runId}-%`)).map((r: { check_id: string }) => r.check_id),
    );
    audits.push({
      what: 'checks stored (every checkId answered)',
      acknowledged: ledger.checks.size,
      rows: storedIds.size,
      lost: [...ledger.checks].filter((id) => !storedIds.has(id)).length,
      duplicated: [...checks.values()].reduce((sum, n) => sum + Math.max(0, n - 1), 0),
      unacknowledgedWritten: [...storedIds].filter((id) => !ledger.checks.has(id)).length,
    });

    const writes = [...ledger.feedback.values()];
    const rows = await inChunks(
      writes.map((w) => w.checkId),
      (chunk) => db('feedback').select('check_id', 'measure_code').whereIn('check_id', chunk),
    );
    const found = new Map<string, number>();
    for (const r of rows as { check_id: string; measure_code: string }[]) {
      const key = `${r.check_id}/${r.measure_code}`;
      found.set(key, (found.get(key) ?? 0) + 1);
    }
    const acked = writes.filter((w) => w.ackAt !== undefined);
    const expected = acked.flatMap((w) => w.items.map((i) => `${w.checkId}/${i.measureCode}`));
    audits.push({
      what: 'feedback rows (one per measure)',
      acknowledged: expected.length,
      rows: rows.length,
      lost: expected.filter((k) => !found.has(k)).length,
      duplicated: [...found.values()].reduce((sum, n) => sum + Math.max(0, n - 1), 0),
      unacknowledgedWritten: writes.filter((w) => w.ackAt === undefined && w.items.some((i) => found.has(`${w.checkId}/${i.measureCode}`))).length,
    });

    const inFeed = tally(
      await inChunks(acknowledgedRecords, (chunk) => db('feed').select({ key: 'record_id' }).count({ n: '*' }).where('kind', 'PUBLISHED').whereIn('record_id', chunk).groupBy('record_id')),
    );
    audits.push({
      what: 'push feed entries (platform feed table)',
      acknowledged: acknowledgedRecords.length,
      rows: [...inFeed.values()].reduce((a, b) => a + b, 0),
      lost: acknowledgedRecords.filter((id) => !inFeed.has(id)).length,
      duplicated: [...inFeed.values()].reduce((sum, n) => sum + Math.max(0, n - 1), 0),
      unacknowledgedWritten: 0,
    });
  });

  const received = acknowledgedRecords.filter((id) => feed.published.has(id));
  audits.push({
    what: 'push entries received by the subscriber',
    acknowledged: acknowledgedRecords.length,
    rows: received.reduce((sum, id) => sum + feed.published.get(id)!.size, 0),
    lost: acknowledgedRecords.length - received.length,
    duplicated: received.reduce((sum, id) => sum + Math.max(0, feed.published.get(id)!.size - 1), 0),
    unacknowledgedWritten: 0,
  });
  return audits;
}
