import type { Knex } from 'knex';
import type { CreditRecord } from '../credit-records.js';
import { badInput } from '../errors.js';
import type { RecordEventKind } from './versions.js';

/** A row of the `record_events` outbox. */
export interface RecordEventRow {
  seq: number;
  record_id: string;
  version: number;
  kind: RecordEventKind;
  occurred_at: string;
  record: string;
}

/** The GraphQL shape of an outbox event (`RecordEvent`). */
export interface RecordEvent {
  seq: number;
  kind: RecordEventKind;
  occurredAt: string;
  record: CreditRecord;
}

export const MAX_EVENTS_LIMIT = 1000;

/** Checks the arguments of `events` and names the bad one. */
export function checkEventsArgs(after: number, limit: number | null | undefined): { after: number; limit: number } {
  if (!Number.isInteger(after) || after < 0) throw badInput(`after ${after} is not valid: expected 0 or the seq of the last event read`);
  const n = limit ?? 500;
  if (!Number.isInteger(n) || n < 1 || n > MAX_EVENTS_LIMIT) throw badInput(`limit ${n} is not valid: expected 1 to ${MAX_EVENTS_LIMIT}`);
  return { after, limit: n };
}

/**
 * The outbox events after `after`, in seq order, in one statement. The order in which events
 * commit is their seq order (see `lockOutbox`), so a reader that has seen seq N never finds a
 * smaller seq appear later.
 */
export function eventsAfter(db: Knex, after: number, limit: number): Promise<RecordEventRow[]> {
  return db<RecordEventRow>('record_events').where('seq', '>', after).orderBy('seq').limit(limit);
}

export function toRecordEvent(row: RecordEventRow): RecordEvent {
  return { seq: Number(row.seq), kind: row.kind, occurredAt: row.occurred_at, record: JSON.parse(row.record) as CreditRecord };
}

/**
 * Serialises the transactions that write outbox events, so that they commit in the order of
 * their seq. Without it, on MySQL two transactions may take seq 10 and 11 and commit 11 first:
 * a relay reading "after 9" would see 11, move its cursor past 10, and lose 10 for good.
 * `writeVersion` takes this row lock before it touches `credit_records`, and it is held until
 * commit; the seq of the next writer is therefore always above every committed one. SQLite needs
 * nothing: it has one writer at a time.
 */
export async function lockOutbox(trx: Knex.Transaction): Promise<void> {
  if (trx.client.config.client !== 'mysql2') return;
  await trx('record_events_lock').where({ id: 1 }).forUpdate().select('id');
}
