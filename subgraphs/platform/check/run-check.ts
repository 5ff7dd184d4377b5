import { randomUUID } from 'node:crypto';
import type { Caller } from '../../kit/caller.js';
import { badInput } from '../../kit/errors.js';
import { checkSubjectId, type SubjectKind } from '../../kit/identifiers.js';
import type { Matter, MeasureVersion } from '../measures/types.js';
import { evaluateCheck, type CheckInput, type Evaluation } from './evaluate.js';
import type { StoredCheck } from './repository.js';
import { representationsOf, sourcesOf } from './sources.js';

const MAX_CASE_REF = 128;
/**
 * What case numbers are made of: letters (Chinese included), digits, spaces and the punctuation of
 * case numbers such as `(2026)湘0102行审第123号` or `ZFCG-2026/0001`. Quotes, semicolons, angle
 * brackets and the like never occur in one, so a string with them is refused rather than stored.
 */
const CASE_REF_CHARS = /^[\p{L}\p{N} _\-/.:#()（）〔〕［］【】〈〉《》]+$/u;

/** A case reference must name the approval case: not empty, at most 128 characters, case-number characters only. */
export function checkCaseRef(caseRef: string): string {
  const trimmed = typeof caseRef === 'string' ? caseRef.trim() : '';
  if (trimmed === '') throw badInput('caseRef is empty: expected the approval case number the check is made for');
  if (trimmed.length > MAX_CASE_REF) throw badInput(`caseRef is ${trimmed.length} characters long: expected at most ${MAX_CASE_REF}`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(trimmed)) throw badInput(`caseRef ${JSON.stringify(trimmed)} contains control characters: expected printable text`);
  if (!CASE_REF_CHARS.test(trimmed)) {
    throw badInput(`caseRef ${JSON.stringify(trimmed)} is not a case number: expected letters, digits, spaces and - _ / . : # ( ) 〔 〕 【 】`);
  }
  return trimmed;
}

/** Turns the entity representation the gateway assembled into the evaluator's input. */
export function checkInputOf(entity: Record<string, unknown>, matter: Matter, asOf: string, enterpriseField: 'enterprise' | 'enterpriseAsOf'): CheckInput {
  const sources = sourcesOf(entity);
  return {
    subjectId: String(entity.id),
    matter,
    asOf,
    sources,
    representations: representationsOf(entity, enterpriseField, [...sources.keys()]),
  };
}

/** Every record version the evaluation saw, as `department/id@version`. */
export function recordRefs(input: CheckInput): string[] {
  const refs = new Set<string>();
  const add = (answers: CheckInput['sources']) => {
    for (const answer of answers.values()) for (const r of answer?.records ?? []) refs.add(`${r.department}/${r.id}@${r.version}`);
  };
  add(input.sources);
  for (const rep of input.representations) add(rep.sources);
  return [...refs].sort();
}

export function storedCheckOf(
  caller: Caller,
  input: CheckInput,
  caseRef: string,
  evaluation: Evaluation,
): StoredCheck {
  const kind = checkSubjectId(input.subjectId);
  return {
    checkId: randomUUID(),
    checkedAt: input.asOf,
    clientId: caller.clientId,
    matter: input.matter,
    caseRef,
    subjectId: input.subjectId,
    subjectKind: (kind.valid ? kind.kind : 'LEGAL_PERSON') as SubjectKind,
    subjectKnown: evaluation.subjectKnown,
    verdict: evaluation.verdict,
    measures: evaluation.measures,
    suspendedMeasures: evaluation.suspendedMeasures,
    missingSources: evaluation.missingSources,
    explanation: evaluation.explanation,
    recordRefs: recordRefs(input),
  };
}

export function evaluate(entity: Record<string, unknown>, matter: Matter, asOf: string, catalogue: MeasureVersion[], enterpriseField: 'enterprise' | 'enterpriseAsOf') {
  const input = checkInputOf(entity, matter, asOf, enterpriseField);
  return { input, evaluation: evaluateCheck(input, catalogue) };
}
