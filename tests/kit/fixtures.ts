import type { Knex } from 'knex';
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

/** Inserts one current record version straight into a department's database. */
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
  await db('credit_records').insert(row);
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
