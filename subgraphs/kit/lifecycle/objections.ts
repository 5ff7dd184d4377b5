import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { addDays, today } from '../clock.js';
import type { CreditRecordRow } from '../credit-records.js';
import { badInput, notFound } from '../errors.js';
import { requireText } from '../input-checks.js';
import { correctRecord, type CorrectInput } from './publish.js';
import type { CategoryDefinition } from '../categories.js';
import { appendAudit, type AuditActor } from '../audit.js';
import { sealRows } from '../audit-seals.js';
import { directActor, lifecycleEntry, versionRef } from './audit-entries.js';
import { currentVersion, writeVersion } from './versions.js';

/** Days the owning department has to verify an objection (湘政发〔2017〕5号 二(四)6). */
export const OBJECTION_DAYS = 20;

export type ObjectionStatus = 'PENDING' | 'UPHELD' | 'CORRECTED' | 'REVOKED';

export interface ObjectionRow {
  id: string;
  record_id: string;
  subject_id: string;
  filed_by: string;
  reason: string;
  filed_at: string;
  due_on: string;
  status: ObjectionStatus;
  resolved_at: string | null;
  resolved_by: string | null;
  resolution_note: string | null;
  idempotency_key: string | null;
}


export function toObjection(row: ObjectionRow) {
  return {
    id: row.id,
    recordId: row.record_id,
    subjectId: row.subject_id,
    reason: row.reason,
    filedAt: row.filed_at,
    dueOn: row.due_on,
    overdue: row.status === 'PENDING' && row.due_on < today(),
    status: row.status,
    resolvedAt: row.resolved_at,
    resolutionNote: row.resolution_note,
  };
}

/**
 * Files an objection: from now the record is IN_OBJECTION and the measures resting on it are
 * suspended in checks. A retry with the same idempotency key returns the first filing.
 */
export async function fileObjection(
  db: Knex,
  department: string,
  filedBy: string,
  input: { recordId: string; reason: string; idempotencyKey?: string | null },
  actor: AuditActor = directActor(department),
): Promise<ObjectionRow> {
  const reason = requireText('reason', input.reason);
  const key = input.idempotencyKey ? `${filedBy}:${input.idempotencyKey}` : null;
  return db.transaction(async (trx) => {
    if (key) {
      const again = await trx<ObjectionRow>('objections').where({ idempotency_key: key }).first();
      if (again) return again;
    }
    const record = await currentVersion(trx, input.recordId);
    if (!record) throw notFound(`no record ${JSON.stringify(input.recordId)} in ${department}`);
    if (record.status === 'IN_OBJECTION') throw badInput(`record ${record.id} is already under objection: one objection is verified at a time`);
    if (record.status !== 'ACTIVE') throw badInput(`record ${record.id} is ${record.status}: only an ACTIVE record can be objected to`);
    const filedAt = new Date().toISOString();
    const row: ObjectionRow = {
      id: `obj-${randomUUID()}`,
      record_id: record.id,
      subject_id: record.subject_id,
      filed_by: filedBy,
      reason,
      filed_at: filedAt,
      due_on: addDays(filedAt.slice(0, 10), OBJECTION_DAYS),
      status: 'PENDING',
      resolved_at: null,
      resolved_by: null,
      resolution_note: null,
      idempotency_key: key,
    };
    await trx('objections').insert(row);
    await sealRows(trx, 'objections', [row]);
    const written = await writeVersion(trx, department, record, { ...record, status: 'IN_OBJECTION' }, 'OBJECTED');
    await appendAudit(trx, lifecycleEntry(department, 'fileObjection', actor, row.id, { objection: row, record: versionRef(written) }));
    return row;
  });
}

/**
 * Resolves a pending objection: UPHELD (the record stands, measures resume), CORRECTED (a new
 * version with the correction, active again) or REVOKED (the record triggers nothing any more).
 */
export async function resolveObjection(
  db: Knex,
  department: string,
  categories: readonly CategoryDefinition[],
  resolvedBy: string,
  input: { objectionId: string; outcome: Exclude<ObjectionStatus, 'PENDING'>; note: string; correction?: CorrectInput | null },
  actor: AuditActor = directActor(department),
): Promise<ObjectionRow> {
  const note = requireText('note', input.note);
  if (input.outcome === 'CORRECTED' && !input.correction) throw badInput('outcome CORRECTED needs correction: the fields to change');
  if (input.outcome !== 'CORRECTED' && input.correction) throw badInput(`correction is given but outcome is ${input.outcome}: corrections go with CORRECTED`);
  const objection = await db<ObjectionRow>('objections').where({ id: input.objectionId }).first();
  if (!objection) throw notFound(`no objection ${JSON.stringify(input.objectionId)} in ${department}`);
  if (objection.status !== 'PENDING') {
    if (objection.status === input.outcome) return objection; // a retried resolution
    throw badInput(`objection ${objection.id} was resolved already as ${objection.status}`);
  }
  // One transaction: the resolution, the record back to ACTIVE (or REVOKED), and the correction,
  // if any, as the version after that (a savepoint inside this transaction, with its own entry
  // in the audit chain).
  await db.transaction(async (trx) => {
    const record = (await currentVersion(trx, objection.record_id)) as CreditRecordRow;
    const resolvedAt = new Date().toISOString();
    const claimed = await trx('objections')
      .where({ id: objection.id, status: 'PENDING' })
      .update({ status: input.outcome, resolved_at: resolvedAt, resolved_by: resolvedBy, resolution_note: note });
    if (claimed !== 1) throw badInput(`objection ${objection.id} was resolved concurrently`);
    await sealRows(trx, 'objections', [objection]);
    const written =
      input.outcome === 'REVOKED'
        ? await writeVersion(trx, department, record, { ...record, status: 'REVOKED' }, 'REVOKED')
        : await writeVersion(trx, department, record, { ...record, status: 'ACTIVE' }, 'OBJECTION_UPHELD');
    await appendAudit(
      trx,
      lifecycleEntry(department, 'resolveObjection', actor, objection.id, {
        objectionId: objection.id,
        outcome: input.outcome,
        note,
        resolvedAt,
        resolvedBy,
        record: versionRef(written),
      }),
    );
    if (input.outcome === 'CORRECTED') await correctRecord(trx, department, categories, objection.record_id, input.correction!, actor);
  });
  return (await db<ObjectionRow>('objections').where({ id: objection.id }).first())!;
}

export async function listObjections(db: Knex, filter: { status?: ObjectionStatus | null; overdueOnly?: boolean | null; limit: number }): Promise<ObjectionRow[]> {
  const q = db<ObjectionRow>('objections');
  if (filter.status) q.where('status', filter.status);
  if (filter.overdueOnly) q.where('status', 'PENDING').andWhere('due_on', '<', today());
  return q.orderBy([{ column: 'due_on' }, { column: 'filed_at' }]).limit(filter.limit);
}
