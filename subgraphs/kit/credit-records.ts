import type { Knex } from 'knex';
import { readsOf } from './sql.js';
import { today } from './clock.js';
import DataLoader from 'dataloader';
import { groupLoader } from './loaders.js';

export type ListType = 'RED' | 'BLACK' | 'WATCH';
export type RecordStatus = 'ACTIVE' | 'IN_OBJECTION' | 'REPAIRED' | 'EXPIRED' | 'REVOKED';
export const LIST_TYPES: readonly ListType[] = ['RED', 'BLACK', 'WATCH'];
export const RECORD_STATUSES: readonly RecordStatus[] = ['ACTIVE', 'IN_OBJECTION', 'REPAIRED', 'EXPIRED', 'REVOKED'];

/** A row of `credit_records` (one version of one record). */
export interface CreditRecordRow {
  row_id?: number;
  id: string;
  version: number;
  subject_id: string;
  category: string;
  list_type: ListType;
  decision_no: string;
  decided_on: string;
  valid_until: string | null;
  status: RecordStatus;
  summary: string;
  valid_from: string;
  valid_to: string | null;
}

/** The GraphQL shape of a record, as every department exposes it. */
export interface CreditRecord {
  id: string;
  version: number;
  subjectId: string;
  department: string;
  category: string;
  listType: ListType;
  decisionNo: string;
  decidedOn: string;
  validUntil: string | null;
  status: RecordStatus;
  summary: string;
  recordedAt: string;
}

/** An ACTIVE record whose period has ended reads as EXPIRED: records expire by themselves. */
export function effectiveStatus(row: Pick<CreditRecordRow, 'status' | 'valid_until'>, asOf: string = today()): RecordStatus {
  if (row.status === 'ACTIVE' && row.valid_until !== null && row.valid_until < asOf) return 'EXPIRED';
  return row.status;
}

export function toCreditRecord(department: string, row: CreditRecordRow, asOf?: string): CreditRecord {
  return {
    id: row.id,
    version: Number(row.version),
    subjectId: row.subject_id,
    department,
    category: row.category,
    listType: row.list_type,
    decisionNo: row.decision_no,
    decidedOn: row.decided_on,
    validUntil: row.valid_until,
    status: effectiveStatus(row, asOf),
    summary: row.summary,
    recordedAt: row.valid_from,
  };
}

/** Current versions of the records of many subjects, in one statement. */
export function currentRecordsOf(db: Knex, subjectIds: readonly string[]): Promise<CreditRecordRow[]> {
  return readsOf(db).all<CreditRecordRow>('select * from credit_records where subject_id in (?) and valid_to is null order by row_id', [subjectIds]);
}

export interface RecordFilter {
  listType?: ListType | null;
  category?: string | null;
  status?: RecordStatus | null;
  limit: number;
}

/**
 * Current records matching a filter, newest decision first. A status filter applies to the
 * effective status, so EXPIRED finds ACTIVE rows past their period and ACTIVE excludes them.
 */
export function findRecords(db: Knex, filter: RecordFilter, asOf: string = today()): Promise<CreditRecordRow[]> {
  const q = db<CreditRecordRow>('credit_records').whereNull('valid_to');
  if (filter.listType) q.where('list_type', filter.listType);
  if (filter.category) q.where('category', filter.category);
  if (filter.status === 'ACTIVE') {
    q.where('status', 'ACTIVE').andWhere((w) => w.whereNull('valid_until').orWhere('valid_until', '>=', asOf));
  } else if (filter.status === 'EXPIRED') {
    q.where((w) => w.where('status', 'EXPIRED').orWhere((a) => a.where('status', 'ACTIVE').andWhere('valid_until', '<', asOf)));
  } else if (filter.status) {
    q.where('status', filter.status);
  }
  return q.orderBy([{ column: 'decided_on', order: 'desc' }, { column: 'row_id', order: 'desc' }]).limit(filter.limit);
}

export function recordsLoader(db: Knex) {
  return groupLoader<string, CreditRecordRow>((ids) => currentRecordsOf(db, ids), (row) => row.subject_id);
}

/** The versions of many subjects' records that were current at one moment, in one statement. */
export function recordsAsOf(db: Knex, subjectIds: readonly string[], asOf: string): Promise<CreditRecordRow[]> {
  return readsOf(db).all<CreditRecordRow>(
    'select * from credit_records where subject_id in (?) and valid_from <= ? and (valid_to is null or valid_to > ?) order by row_id',
    [subjectIds, asOf, asOf],
  );
}

const SEPARATOR = '\u0000';

/**
 * Records as of a moment, keyed by `asOf + NUL + subjectId`: one statement per distinct moment in
 * a batch (a replayed check asks for one moment for all its subjects).
 */
export function recordsAsOfLoader(db: Knex) {
  return new DataLoader<string, CreditRecordRow[]>(
    async (keys) => {
      const byMoment = new Map<string, string[]>();
      for (const key of keys) {
        const [asOf, subjectId] = key.split(SEPARATOR) as [string, string];
        const ids = byMoment.get(asOf);
        if (ids) ids.push(subjectId);
        else byMoment.set(asOf, [subjectId]);
      }
      const rows = new Map<string, CreditRecordRow[]>();
      for (const [asOf, subjectIds] of byMoment) {
        for (const row of await recordsAsOf(db, subjectIds, asOf)) {
          const key = asOf + SEPARATOR + row.subject_id;
          const list = rows.get(key);
          if (list) list.push(row);
          else rows.set(key, [row]);
        }
      }
      return keys.map((key) => rows.get(key) ?? []);
    },
    { maxBatchSize: 5000 },
  );
}

export function asOfKey(asOf: string, subjectId: string): string {
  return asOf + SEPARATOR + subjectId;
}
