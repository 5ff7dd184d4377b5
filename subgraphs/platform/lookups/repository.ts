import type { Knex } from 'knex';
import type { Caller } from '../../kit/caller.js';
import { insertMany } from '../../kit/insert-many.js';

export interface PersonLookupRow {
  at: string;
  client_id: string;
  role: string;
  subject_id: string;
  purpose: string;
  request_id: string;
}

/** The rows recording that `caller` looked the persons `subjectIds` up, for `purpose`. */
export function lookupRows(caller: Caller, requestId: string, subjectIds: readonly string[], purpose: string): PersonLookupRow[] {
  const at = new Date().toISOString();
  return [...new Set(subjectIds)].map((subject_id) => ({ at, client_id: caller.clientId, role: caller.role, subject_id, purpose, request_id: requestId }));
}

const COLUMNS = ['at', 'client_id', 'role', 'subject_id', 'purpose', 'request_id'] as const;

/** Inserts lookup rows with one statement, however many. */
export async function insertPersonLookups(db: Knex, rows: readonly PersonLookupRow[]): Promise<void> {
  await insertMany<PersonLookupRow>(db, 'person_lookups', COLUMNS, rows);
}

export async function personLookups(db: Knex, subjectId: string | null, limit: number): Promise<PersonLookupRow[]> {
  const q = db<PersonLookupRow>('person_lookups').select('at', 'client_id', 'role', 'subject_id', 'purpose', 'request_id');
  if (subjectId) q.where({ subject_id: subjectId });
  return q.orderBy([{ column: 'at', order: 'desc' }, { column: 'id', order: 'desc' }]).limit(limit);
}
