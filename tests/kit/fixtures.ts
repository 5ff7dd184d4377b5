import type { Knex } from 'knex';
import { systemActor } from '../../subgraphs/kit/audit.js';
import { appendSeals, sealRows } from '../../subgraphs/kit/audit-seals.js';
import { addDays, today } from '../../subgraphs/kit/clock.js';
import type { CreditRecordRow, ListType, RecordStatus } from '../../subgraphs/kit/credit-records.js';

let counter = 0;

/** Valid identifiers from domain.md, used across the tests. */
export const IDS = {
  blackEnterprise: '91430100MA4L0L0000',
  redEnterprise: '91430100MA4L0600XL',
  watchEnterprise: '91430100MA4L00003Q',
  person: '11010519491231002X',
  debtorPerson: '360426199101010071',
} as const;

export interface RecordFixture {
  subjectId: string;
  category: string;
  listType: ListType;
  status?: RecordStatus;
  decidedOn?: string;
  validUntil?: string | null;
  id?: string;
  summary?: string;
}

/** Inserts one current record version straight into a department's database, sealed in the audit chain as the department's writes are. */
export async function insertRecord(db: Knex, fixture: RecordFixture): Promise<CreditRecordRow> {
  counter += 1;
  const decidedOn = fixture.decidedOn ?? addDays(today(), -30);
  const row: CreditRecordRow = {
    id: fixture.id ?? `fx-${process.pid}-${counter}`,
    version: 1,
    subject_id: fixture.subjectId,
    category: fixture.category,
    list_type: fixture.listType,
    decision_no: `FX〔2026〕${counter}号`,
    decided_on: decidedOn,
    valid_until: fixture.validUntil === undefined ? addDays(today(), 365) : fixture.validUntil,
    status: fixture.status ?? 'ACTIVE',
    summary: fixture.summary ?? `fixture ${fixture.category}`,
    valid_from: `${decidedOn}T00:00:00.000Z`,
    valid_to: null,
  };
  await db.transaction(async (trx) => {
    await trx('credit_records').insert(row);
    await sealRows(trx, 'credit_records', [row]);
    await appendSeals(trx, systemActor('fixture'));
  });
  return row;
}

/** Counts the SQL statements a knex instance runs while `work` runs. */
export async function countStatements(dbs: Record<string, Knex>, work: () => Promise<unknown>): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  const listeners: [Knex, (q: unknown) => void][] = [];
  for (const [name, db] of Object.entries(dbs)) {
    counts[name] = 0;
    const listener = () => {
      counts[name]! += 1;
    };
    db.on('query', listener);
    listeners.push([db, listener]);
  }
  try {
    await work();
  } finally {
    for (const [db, listener] of listeners) db.removeListener('query', listener);
  }
  return counts;
}

/**
 * Makes a new version of a record the way a department's correction does: the current version is
 * closed and the next one starts now. Returns the new version.
 */
export async function reviseRecord(db: Knex, id: string, changes: Partial<Pick<CreditRecordRow, 'status' | 'valid_until' | 'summary' | 'category' | 'list_type'>>): Promise<CreditRecordRow> {
  const now = new Date().toISOString();
  return db.transaction(async (trx) => {
    const current = await trx<CreditRecordRow>('credit_records').where({ id }).whereNull('valid_to').first();
    if (!current) throw new Error(`no current version of record ${id}`);
    await trx('credit_records').where({ row_id: current.row_id }).update({ valid_to: now });
    const { row_id: _ignored, ...rest } = current;
    const next: CreditRecordRow = { ...rest, ...changes, version: Number(current.version) + 1, valid_from: now, valid_to: null };
    await trx('credit_records').insert(next);
    await sealRows(trx, 'credit_records', [current, next]);
    await appendSeals(trx, systemActor('fixture'));
    return next;
  });
}

/** Records that `personId` holds `role` in `enterpriseId` from `from` to `to`. */
export async function insertRepresentation(db: Knex, enterpriseId: string, personId: string, from: string, to: string | null = null, role = 'LEGAL_REPRESENTATIVE'): Promise<void> {
  await db('representations').insert({ enterprise_id: enterpriseId, person_id: personId, role, from_date: from, to_date: to });
}
