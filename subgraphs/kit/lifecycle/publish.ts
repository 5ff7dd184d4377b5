import { GraphQLError } from 'graphql';
import type { Knex } from 'knex';
import { defaultValidUntil, type CategoryDefinition } from '../categories.js';
import { isIsoDate, today } from '../clock.js';
import type { CreditRecordRow } from '../credit-records.js';
import { badInput, ErrorCode, notFound } from '../errors.js';
import { checkDecisionDate, normaliseDecisionNo, requireText } from '../input-checks.js';
import { checkSubjectId } from '../identifiers.js';
import { appendAudit, type AuditActor } from '../audit.js';
import { legacyRecordIdFor, recordIdFor } from '../record-ids.js';

export { recordIdFor } from '../record-ids.js';
import { directActor, recordEntry } from './audit-entries.js';
import { contentOf, currentVersion, writeVersion } from './versions.js';

export interface PublishInput {
  subjectId: string;
  category: string;
  decisionNo: string;
  decidedOn: string;
  validUntil?: string | null;
  summary: string;
}

export type CorrectInput = Partial<Pick<PublishInput, 'category' | 'decidedOn' | 'validUntil' | 'summary'>>;

const MAX_SUMMARY = 2000;

function category(categories: readonly CategoryDefinition[], department: string, code: string): CategoryDefinition {
  const found = categories.find((c) => c.code === code);
  if (!found) throw badInput(`category ${JSON.stringify(code)} is not one of ${department}'s: expected one of ${categories.map((c) => c.code).join(', ')}`);
  return found;
}

function date(field: string, value: string): string {
  if (!isIsoDate(value)) throw badInput(`${field} ${JSON.stringify(value)} is not valid: expected a calendar date YYYY-MM-DD`);
  return value;
}


/** Checks dates in order: decided from 1990 to today, period ending on or after the decision. */
function checkPeriod(decidedOn: string, validUntil: string | null): void {
  checkDecisionDate('decidedOn', decidedOn, today());
  if (validUntil !== null && validUntil < decidedOn) throw badInput(`validUntil ${validUntil} is before decidedOn ${decidedOn}: expected the period to end on or after the decision`);
}

function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  return e?.code === 'ER_DUP_ENTRY' || e?.code === 'SQLITE_CONSTRAINT_UNIQUE' || /UNIQUE constraint failed/.test(e?.message ?? '');
}

/**
 * Publishes a record (发起). Publishing the same decision number for the same subject again
 * returns the record already published, and records nothing new in the audit chain; with
 * different content it is a conflict.
 */
export async function publishRecord(
  db: Knex,
  department: string,
  categories: readonly CategoryDefinition[],
  input: PublishInput,
  actor: AuditActor = directActor(department),
): Promise<CreditRecordRow> {
  const subject = checkSubjectId(input.subjectId);
  if (!subject.valid) throw badInput(`subjectId ${JSON.stringify(input.subjectId)} is not valid: ${subject.reason}`);
  const cat = category(categories, department, input.category);
  // Stored, identified and compared in its normal form: a look-alike number is the same decision.
  const decisionNo = normaliseDecisionNo(input.decisionNo);
  const decidedOn = date('decidedOn', input.decidedOn);
  const validUntil = input.validUntil == null ? defaultValidUntil(cat, decidedOn) : date('validUntil', input.validUntil);
  checkPeriod(decidedOn, validUntil);
  const row = {
    id: recordIdFor(department, decisionNo, input.subjectId),
    subject_id: input.subjectId,
    category: cat.code,
    list_type: cat.listType,
    decision_no: decisionNo,
    decided_on: decidedOn,
    valid_until: validUntil,
    status: 'ACTIVE' as const,
    summary: requireText('summary', input.summary, MAX_SUMMARY),
  };
  // A publication made before record ids were keyed is stored under its first-scheme id: a retry finds it there.
  const legacyId = legacyRecordIdFor(department, decisionNo, input.subjectId);
  const existing = async (): Promise<CreditRecordRow | null> => {
    const first = await db<CreditRecordRow>('credit_records').whereIn('id', [row.id, legacyId]).andWhere({ version: 1 }).orderBy('id').first();
    if (!first) return null;
    row.id = first.id;
    if (contentOf(first) !== contentOf(row)) {
      throw new GraphQLError(
        `decision ${decisionNo} was published already for ${input.subjectId} as record ${row.id}, with different content: use correctRecord to change it`,
        { extensions: { code: ErrorCode.Conflict, recordId: row.id } },
      );
    }
    return (await currentVersion(db, row.id))!;
  };
  const before = await existing();
  if (before) return before;
  try {
    return await db.transaction(async (trx) => {
      const written = await writeVersion(trx, department, null, row, 'PUBLISHED');
      await appendAudit(trx, recordEntry(department, 'publishRecord', actor, written));
      return written;
    });
  } catch (err) {
    // Two identical publications at once: the second finds the first.
    if (isUniqueViolation(err)) {
      const raced = await existing();
      if (raced) return raced;
    }
    throw err;
  }
}

async function currentOrNotFound(db: Knex, department: string, id: string): Promise<CreditRecordRow> {
  const current = await currentVersion(db, id);
  if (!current) throw notFound(`no record ${JSON.stringify(id)} in ${department}`);
  return current;
}

/** Corrects a record: a new version with the given fields changed. An identical correction changes nothing. */
export async function correctRecord(
  db: Knex,
  department: string,
  categories: readonly CategoryDefinition[],
  id: string,
  input: CorrectInput,
  actor: AuditActor = directActor(department),
): Promise<CreditRecordRow> {
  return db.transaction(async (trx) => {
    const current = await currentOrNotFound(trx, department, id);
    if (current.status === 'REVOKED') throw badInput(`record ${id} is REVOKED: a revoked record is not corrected; publish a new decision instead`);
    const cat = input.category != null ? category(categories, department, input.category) : null;
    if (cat && cat.listType !== current.list_type) {
      throw badInput(`category ${cat.code} puts a subject on the ${cat.listType} list, not ${current.list_type}: publish a new record instead`);
    }
    const next = {
      ...current,
      category: cat?.code ?? current.category,
      decided_on: input.decidedOn != null ? date('decidedOn', input.decidedOn) : current.decided_on,
      valid_until: input.validUntil !== undefined ? (input.validUntil === null ? null : date('validUntil', input.validUntil)) : current.valid_until,
      summary: input.summary != null ? requireText('summary', input.summary, MAX_SUMMARY) : current.summary,
    };
    checkPeriod(next.decided_on, next.valid_until);
    if (contentOf(next) === contentOf(current)) return current;
    const written = await writeVersion(trx, department, current, next, 'CORRECTED');
    await appendAudit(trx, recordEntry(department, 'correctRecord', actor, written));
    return written;
  });
}

/** Revokes a record: a new version with status REVOKED. Revoking it again changes nothing. */
export async function revokeRecord(db: Knex, department: string, id: string, reason: string, actor: AuditActor = directActor(department)): Promise<CreditRecordRow> {
  const why = requireText('reason', reason, MAX_SUMMARY);
  return db.transaction(async (trx) => {
    const current = await currentOrNotFound(trx, department, id);
    if (current.status === 'REVOKED') return current;
    const written = await writeVersion(trx, department, current, { ...current, status: 'REVOKED', summary: `${current.summary}（撤销：${why}）` }, 'REVOKED');
    await appendAudit(trx, recordEntry(department, 'revokeRecord', actor, written, { reason: why }));
    return written;
  });
}
