import type { Knex } from 'knex';
import type { SubjectKind } from '../../kit/identifiers.js';
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

interface CheckRow {
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

function toRow(check: StoredCheck): CheckRow {
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

const COLUMNS: readonly (keyof CheckRow)[] = [
  'check_id', 'client_id', 'matter', 'case_ref', 'subject_id', 'subject_kind', 'verdict', 'subject_known',
  'missing_sources', 'answer', 'evidence_refs', 'measure_refs', 'checked_at',
];

/**
 * Stores many checks with one statement, so a batch costs the same number of statements as one
 * check. SQLite caps a multi-row VALUES insert at 500 rows, so there the rows travel as one JSON
 * parameter unpacked by `json_each`.
 */
export async function storeChecks(db: Knex, checks: readonly StoredCheck[]): Promise<void> {
  if (checks.length === 0) return;
  const rows = checks.map(toRow);
  if (db.client.config.client !== 'better-sqlite3') {
    await db('checks').insert(rows);
    return;
  }
  const payload = rows.map((r) => COLUMNS.map((c) => (c === 'subject_known' ? (r[c] ? 1 : 0) : r[c])));
  const select = COLUMNS.map((_column, i) => `json_extract(value, '$[${i}]')`).join(', ');
  await db.raw(`insert into checks (${COLUMNS.join(', ')}) select ${select} from json_each(?)`, [JSON.stringify(payload)]);
}

export async function findChecks(db: Knex, checkIds: readonly string[]): Promise<StoredCheck[]> {
  return (await db<CheckRow>('checks').whereIn('check_id', checkIds)).map(fromRow);
}
