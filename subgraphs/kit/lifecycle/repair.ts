import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { CategoryDefinition } from '../categories.js';
import { today } from '../clock.js';
import type { CreditRecordRow, ListType } from '../credit-records.js';
import { envInt } from '../env.js';
import { badInput, notFound } from '../errors.js';
import { requireText } from '../input-checks.js';
import { appendAudit, type AuditActor } from '../audit.js';
import { sealRows } from '../audit-seals.js';
import { directActor, lifecycleEntry, versionRef } from './audit-entries.js';
import { currentVersion, writeVersion } from './versions.js';

export type Severity = 'MINOR' | 'ORDINARY' | 'SERIOUS';

/**
 * Minimum publicity before a record may be repaired, in months from the decision date, by
 * severity (national rule, 2025: minor up to 3 months, ordinary 3 months to 1 year, serious 1 to
 * 3 years). Configurable: REPAIR_MIN_MONTHS_MINOR / _ORDINARY / _SERIOUS.
 */
export interface RepairPolicy {
  minMonths: Record<Severity, number>;
}

export const DEFAULT_REPAIR_POLICY: RepairPolicy = { minMonths: { MINOR: 0, ORDINARY: 3, SERIOUS: 12 } };

export function repairPolicyFromEnv(env: NodeJS.ProcessEnv = process.env): RepairPolicy {
  const d = DEFAULT_REPAIR_POLICY.minMonths;
  return {
    minMonths: {
      MINOR: envInt('REPAIR_MIN_MONTHS_MINOR', d.MINOR, { min: 0, max: 120 }, env),
      ORDINARY: envInt('REPAIR_MIN_MONTHS_ORDINARY', d.ORDINARY, { min: 0, max: 120 }, env),
      SERIOUS: envInt('REPAIR_MIN_MONTHS_SERIOUS', d.SERIOUS, { min: 0, max: 120 }, env),
    },
  };
}

/** Black-list records are serious, watch-list ones ordinary, unless the category says otherwise. */
export function severityOf(listType: ListType, category?: CategoryDefinition): Severity {
  return category?.severity ?? (listType === 'BLACK' ? 'SERIOUS' : listType === 'WATCH' ? 'ORDINARY' : 'MINOR');
}

function addMonths(day: string, months: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  const target = d.getUTCMonth() + months;
  d.setUTCMonth(target);
  // 31 January + 1 month is the last day of February, not 3 March.
  if (d.getUTCMonth() !== ((target % 12) + 12) % 12) d.setUTCDate(0);
  return d.toISOString().slice(0, 10);
}

export function earliestRepairOn(record: Pick<CreditRecordRow, 'decided_on' | 'list_type' | 'category'>, categories: readonly CategoryDefinition[], policy: RepairPolicy): string {
  const severity = severityOf(record.list_type, categories.find((c) => c.code === record.category));
  return addMonths(record.decided_on, policy.minMonths[severity]);
}

export type RepairStatus = 'PENDING' | 'APPROVED' | 'REJECTED';

export interface RepairRow {
  id: string;
  record_id: string;
  subject_id: string;
  applied_by: string;
  statement: string;
  applied_at: string;
  status: RepairStatus;
  decided_at: string | null;
  decided_by: string | null;
  decision_note: string | null;
  idempotency_key: string | null;
}


/** Files an application to repair a black or watch record. A retry with the same key returns the first. */
export async function applyForRepair(
  db: Knex,
  department: string,
  appliedBy: string,
  input: { recordId: string; statement: string; idempotencyKey?: string | null },
  actor: AuditActor = directActor(department),
): Promise<RepairRow> {
  const statement = requireText('statement', input.statement);
  const key = input.idempotencyKey ? `${appliedBy}:${input.idempotencyKey}` : null;
  return db.transaction(async (trx) => {
    if (key) {
      const again = await trx<RepairRow>('repair_applications').where({ idempotency_key: key }).first();
      if (again) return again;
    }
    const record = await currentVersion(trx, input.recordId);
    if (!record) throw notFound(`no record ${JSON.stringify(input.recordId)} in ${department}`);
    if (record.list_type === 'RED') throw badInput(`record ${record.id} is on the RED list: only black and watch records are repaired`);
    if (record.status !== 'ACTIVE') throw badInput(`record ${record.id} is ${record.status}: only an ACTIVE record can be repaired`);
    const pending = await trx<RepairRow>('repair_applications').where({ record_id: record.id, status: 'PENDING' }).first();
    if (pending) throw badInput(`record ${record.id} has a pending repair application already: ${pending.id}`);
    const row: RepairRow = {
      id: `rep-${randomUUID()}`,
      record_id: record.id,
      subject_id: record.subject_id,
      applied_by: appliedBy,
      statement,
      applied_at: new Date().toISOString(),
      status: 'PENDING',
      decided_at: null,
      decided_by: null,
      decision_note: null,
      idempotency_key: key,
    };
    await trx('repair_applications').insert(row);
    await sealRows(trx, 'repair_applications', [row]);
    await appendAudit(trx, lifecycleEntry(department, 'applyForRepair', actor, row.id, { application: row }));
    return row;
  });
}

/**
 * Approves or rejects a repair application. Approval before the minimum publicity period is
 * refused with the date repair becomes possible, and changes nothing.
 */
export async function decideRepair(
  db: Knex,
  department: string,
  categories: readonly CategoryDefinition[],
  policy: RepairPolicy,
  decidedBy: string,
  input: { applicationId: string; approve: boolean; note: string },
  actor: AuditActor = directActor(department),
): Promise<RepairRow> {
  const note = requireText('note', input.note);
  return db.transaction(async (trx) => {
    const app = await trx<RepairRow>('repair_applications').where({ id: input.applicationId }).first();
    if (!app) throw notFound(`no repair application ${JSON.stringify(input.applicationId)} in ${department}`);
    const outcome: RepairStatus = input.approve ? 'APPROVED' : 'REJECTED';
    if (app.status !== 'PENDING') {
      if (app.status === outcome) return app; // a retried decision
      throw badInput(`repair application ${app.id} was decided already: ${app.status}`);
    }
    const record = (await currentVersion(trx, app.record_id))!;
    if (input.approve) {
      const earliest = earliestRepairOn(record, categories, policy);
      if (today() < earliest) {
        throw badInput(`repair of record ${record.id} is possible from ${earliest}: its minimum publicity period has not ended`, { earliestRepairOn: earliest });
      }
      if (record.status !== 'ACTIVE') throw badInput(`record ${record.id} is ${record.status}: only an ACTIVE record can be repaired`);
    }
    const written = input.approve ? await writeVersion(trx, department, record, { ...record, status: 'REPAIRED' }, 'REPAIRED') : null;
    const decidedAt = new Date().toISOString();
    await trx('repair_applications').where({ id: app.id }).update({ status: outcome, decided_at: decidedAt, decided_by: decidedBy, decision_note: note });
    await sealRows(trx, 'repair_applications', [app]);
    await appendAudit(
      trx,
      lifecycleEntry(department, 'decideRepair', actor, app.id, {
        applicationId: app.id,
        outcome,
        note,
        decidedAt,
        decidedBy,
        record: versionRef(written ?? record),
      }),
    );
    return { ...app, status: outcome, decided_at: decidedAt, decided_by: decidedBy, decision_note: note };
  });
}
