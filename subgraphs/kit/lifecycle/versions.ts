import type { Knex } from 'knex';
import { toCreditRecord, type CreditRecordRow } from '../credit-records.js';
import { sealRows } from '../audit-seals.js';
import { lockOutbox } from './events.js';

/** What happened to a record; every kind reaches the push subscribers. */
export type RecordEventKind = 'PUBLISHED' | 'CORRECTED' | 'REVOKED' | 'OBJECTED' | 'OBJECTION_UPHELD' | 'REPAIRED' | 'EXPIRED';

export async function currentVersion(db: Knex, id: string): Promise<CreditRecordRow | undefined> {
  return db<CreditRecordRow>('credit_records').where({ id }).whereNull('valid_to').first();
}

/**
 * Writes the next version of a record inside the caller's transaction: closes the current one,
 * inserts the new one and its outbox event, so a change and its notification commit together,
 * and seals both versions in the audit chain.
 */
export async function writeVersion(
  trx: Knex.Transaction,
  department: string,
  current: CreditRecordRow | null,
  next: Omit<CreditRecordRow, 'version' | 'valid_from' | 'valid_to' | 'row_id'>,
  kind: RecordEventKind,
): Promise<CreditRecordRow> {
  await lockOutbox(trx);
  const now = new Date().toISOString();
  if (current) {
    const closed = await trx('credit_records').where({ id: current.id, version: current.version }).whereNull('valid_to').update({ valid_to: now });
    if (closed !== 1) throw new Error(`record ${current.id} version ${current.version} was changed concurrently`);
  }
  const { row_id: _rowId, ...content } = next as CreditRecordRow;
  const row: CreditRecordRow = { ...content, version: current ? Number(current.version) + 1 : 1, valid_from: now, valid_to: null };
  await trx('credit_records').insert(row);
  await trx('record_events').insert({
    record_id: row.id,
    version: row.version,
    kind,
    occurred_at: now,
    record: JSON.stringify(toCreditRecord(department, row)),
  });
  // Both versions changed (the old one closed): both are sealed as now stored.
  await sealRows(trx, 'credit_records', current ? [current, row] : [row]);
  return row;
}

/** The fields of a row that define its content, for telling a retry from a different request. */
export function contentOf(row: Pick<CreditRecordRow, 'subject_id' | 'category' | 'decision_no' | 'decided_on' | 'valid_until' | 'summary'>): string {
  return JSON.stringify([row.subject_id, row.category, row.decision_no, row.decided_on, row.valid_until, row.summary]);
}
