import type { Knex } from 'knex';
import type { Caller } from '../../kit/caller.js';

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

/** Inserts lookup rows, 200 a statement. */
export async function insertPersonLookups(db: Knex, rows: readonly PersonLookupRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 200) await db('person_lookups').insert(rows.slice(i, i + 200));
}

export async function personLookups(db: Knex, subjectId: string | null, limit: number): Promise<PersonLookupRow[]> {
  const q = db<PersonLookupRow>('person_lookups').select('at', 'client_id', 'role', 'subject_id', 'purpose', 'request_id');
  if (subjectId) q.where({ subject_id: subjectId });
  return q.orderBy([{ column: 'at', order: 'desc' }, { column: 'id', order: 'desc' }]).limit(limit);
}
