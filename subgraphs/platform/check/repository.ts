import type { Knex } from 'knex';
import { appendAudit, sha256Hex, type AuditActor, type AuditEntry } from '../../kit/audit.js';
import type { SubjectKind } from '../../kit/identifiers.js';
import { insertMany } from '../../kit/insert-many.js';
import { storeTransaction } from '../../kit/sql.js';
import type { Matter } from '../measures/types.js';
import type { AppliedMeasure, Evaluation, Verdict } from './evaluate.js';

/** A check as answered to the client and as stored. */
export interface StoredCheck {
  checkId: string;
  checkedAt: string;
  clientId: string;
  matter: Matter;
  caseRef: string;
  subjectId: string;
  subjectKind: SubjectKind;
  subjectKnown: boolean;
  verdict: Verdict;
  measures: AppliedMeasure[];
  suspendedMeasures: AppliedMeasure[];
  missingSources: string[];
  explanation: string;
  /** Every record version the evaluation saw: `department/id@version`. */
  recordRefs: string[];
}

/** A check to store, with who made it. */
export interface AuditedCheck {
  check: StoredCheck;
  actor: AuditActor;
}

/** A row of `checks`. */
export interface CheckRow {
  check_id: string;
  client_id: string;
  matter: string;
  case_ref: string;
  subject_id: string;
  subject_kind: string;
  verdict: string;
  subject_known: number | boolean;
  missing_sources: string;
  answer: string;
  evidence_refs: string;
  measure_refs: string;
  checked_at: string;
}

/** The row a check is stored as. */
export function toRow(check: StoredCheck): CheckRow {
  const measureRefs = [...check.measures, ...check.suspendedMeasures].map((m) => ({ code: m.code, version: m.version }));
  return {
    check_id: check.checkId,
    client_id: check.clientId,
    matter: check.matter,
    case_ref: check.caseRef,
    subject_id: check.subjectId,
    subject_kind: check.subjectKind,
    verdict: check.verdict,
    subject_known: check.subjectKnown,
    missing_sources: JSON.stringify(check.missingSources),
    answer: JSON.stringify({ measures: check.measures, suspendedMeasures: check.suspendedMeasures, explanation: check.explanation }),
    evidence_refs: JSON.stringify(check.recordRefs),
    measure_refs: JSON.stringify(measureRefs),
    checked_at: check.checkedAt,
  };
}

function fromRow(row: CheckRow): StoredCheck {
  const answer = JSON.parse(row.answer) as Pick<Evaluation, 'measures' | 'suspendedMeasures' | 'explanation'>;
  return {
    checkId: row.check_id,
    checkedAt: row.checked_at,
    clientId: row.client_id,
    matter: row.matter as Matter,
    caseRef: row.case_ref,
    subjectId: row.subject_id,
    subjectKind: row.subject_kind as SubjectKind,
    subjectKnown: Boolean(row.subject_known),
    verdict: row.verdict as Verdict,
    measures: answer.measures,
    suspendedMeasures: answer.suspendedMeasures,
    missingSources: JSON.parse(row.missing_sources),
    explanation: answer.explanation,
    recordRefs: JSON.parse(row.evidence_refs),
  };
}

export const CHECK_COLUMNS: readonly (keyof CheckRow)[] = [
  'check_id', 'client_id', 'matter', 'case_ref', 'subject_id', 'subject_kind', 'verdict', 'subject_known',
  'missing_sources', 'answer', 'evidence_refs', 'measure_refs', 'checked_at',
];

/** The audit action of a stored check. */
export const CHECK_ACTION = 'platform.creditCheck';

/**
 * SHA-256 of a stored check row, as its audit entry records it: the JSON array of the columns
 * above in that order, `subject_known` as a boolean whichever way the engine returns it.
 */
export function checkRowSha256(row: CheckRow): string {
  return sha256Hex(JSON.stringify(CHECK_COLUMNS.map((c) => (c === 'subject_known' ? Boolean(Number(row[c])) : row[c]))));
}

function auditEntryOf(check: StoredCheck, row: CheckRow, actor: AuditActor): AuditEntry {
  return {
    actor,
    action: CHECK_ACTION,
    entityId: check.checkId,
    payload: { checkId: check.checkId, subjectId: check.subjectId, matter: check.matter, caseRef: check.caseRef, verdict: check.verdict, rowSha256: checkRowSha256(row) },
  };
}

/**
 * Stores many checks with one statement, so a batch costs the same number of statements as one
 * check, and appends their audit entries, one per check, with one more multi-row insert in the
 * same transaction.
 */
export async function storeChecks(db: Knex, checks: readonly AuditedCheck[]): Promise<void> {
  if (checks.length === 0) return;
  const rows = checks.map((c) => toRow(c.check));
  await storeTransaction(db, async (trx) => {
    await insertMany(trx, 'checks', CHECK_COLUMNS, rows);
    await appendAudit(trx, checks.map((c, i) => auditEntryOf(c.check, rows[i]!, c.actor)));
  });
}

export async function findChecks(db: Knex, checkIds: readonly string[]): Promise<StoredCheck[]> {
  return (await db<CheckRow>('checks').whereIn('check_id', checkIds)).map(fromRow);
}
