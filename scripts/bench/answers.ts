/**
 * What counts as a right answer, shared by the gateway's load generator and the floor so that both
 * are held to the same standard: the subject(s) asked for, in order, and for checks a verdict that
 * is one of the five, no missing source (every source is up during the bench), and never anything
 * but MANDATORY_RESTRICTION for a subject known to carry an active black record; for a
 * publication, the new record (version 1, active, of the subject and decision asked for).
 */
import { maskSubjectId } from '../../subgraphs/kit/identifiers.js';
import { isBatchMode, isCheckMode, type LoadMode, type PublishShare } from './protocol.js';

type Json = Record<string, any>;

export const VERDICTS: readonly string[] = ['MANDATORY_RESTRICTION', 'INCOMPLETE', 'RECOMMENDED_RESTRICTION', 'INCENTIVE', 'CLEAR'];

/** A wrong answer: a short reason (for counting) and a detail (for the samples). */
export interface Wrong {
  reason: string;
  detail: string;
}

/** What a right answer held. */
export interface Tally {
  subjects: number;
  subjectsWithRecords: number;
  /** Checks by verdict (checks only). */
  verdicts: Record<string, number>;
}

export interface AnswerRules {
  mode: LoadMode;
  /** Subjects whose verdict must be MANDATORY_RESTRICTION (they have an active black record). */
  mandatory: ReadonlySet<string>;
  /** The verdict each subject must get (from the floor, before the load), where known. */
  expected?: Readonly<Record<string, string>>;
}

function hasRecords(view: Json | null | undefined): boolean {
  if (!view) return false;
  for (const dept of ['tax', 'market', 'courts', 'finance']) {
    const records = view[dept]?.records;
    if (Array.isArray(records) && records.length > 0) return true;
  }
  return false;
}

function checkVerdict(check: Json | null | undefined, id: string, rules: AnswerRules): Wrong | null {
  if (!check || typeof check !== 'object') return { reason: 'no creditCheck', detail: `subject ${id}: ${JSON.stringify(check)}` };
  if (!VERDICTS.includes(check.verdict)) return { reason: 'unknown verdict', detail: `subject ${id}: ${JSON.stringify(check.verdict)}` };
  if (!Array.isArray(check.missingSources) || check.missingSources.length > 0) {
    return { reason: 'missing sources', detail: `subject ${id}: ${JSON.stringify(check.missingSources)}` };
  }
  if (rules.mandatory.has(id) && check.verdict !== 'MANDATORY_RESTRICTION') {
    return { reason: 'black-listed subject not restricted', detail: `subject ${id}: ${check.verdict}, expected MANDATORY_RESTRICTION` };
  }
  const expected = rules.expected?.[id];
  if (expected !== undefined && check.verdict !== expected) {
    return { reason: 'wrong verdict', detail: `subject ${id}: ${check.verdict}, the floor found ${expected}` };
  }
  return null;
}

/**
 * Checks the `data` of one answer for the ids asked (`expect`). The check query does not select
 * `subject { id }`, so a single check is matched by being there; batches are matched id by id. A
 * resident identity number may come back masked (`4301**********1234`) where the caller's role
 * may not see it whole: that is the id asked for too.
 */
export function checkData(data: Json | null | undefined, expect: readonly string[], rules: AnswerRules): Wrong | Tally {
  const { mode } = rules;
  const list: Json[] | null | undefined = isBatchMode(mode) ? data?.subjects : data?.subject ? [data.subject] : null;
  if (!Array.isArray(list) || list.length === 0) return { reason: isBatchMode(mode) ? 'no subjects' : 'no subject', detail: JSON.stringify(data).slice(0, 300) };
  if (list.length !== expect.length) return { reason: 'wrong subject count', detail: `asked ${expect.length}, got ${list.length}` };
  const seen: Record<string, number> = {};
  let withRecords = 0;
  for (let i = 0; i < list.length; i++) {
    const subject = list[i];
    const id = expect[i]!;
    if (!subject) return { reason: 'null subject', detail: `position ${i}: asked ${id}` };
    const idSelected = (mode !== 'check' && mode !== 'check-1' && mode !== 'mixed') || subject.id !== undefined;
    if (idSelected && subject.id !== id && subject.id !== maskSubjectId(id)) {
      return { reason: isBatchMode(mode) ? 'wrong subject order' : 'wrong subject', detail: `position ${i}: asked ${id}, got ${subject.id}` };
    }
    if (isCheckMode(mode)) {
      const wrong = checkVerdict(subject.creditCheck, id, rules);
      if (wrong) return wrong;
      seen[subject.creditCheck.verdict] = (seen[subject.creditCheck.verdict] ?? 0) + 1;
    } else if (hasRecords(subject)) {
      withRecords++;
    }
  }
  return { subjects: list.length, subjectsWithRecords: withRecords, verdicts: seen };
}

export function isWrong(outcome: Wrong | Tally): outcome is Wrong {
  return 'reason' in outcome;
}

/** What a publication must answer: the new record, first version, active, for what was asked. */
export function checkPublication(data: Json | null | undefined, expect: { subjectId: string; decisionNo: string }): Wrong | null {
  const record = data?.courts?.publishRecord ?? (data ? Object.values(data)[0]?.publishRecord : undefined);
  if (!record || typeof record !== 'object') return { reason: 'no published record', detail: JSON.stringify(data).slice(0, 300) };
  if ((record.subjectId !== expect.subjectId && record.subjectId !== maskSubjectId(expect.subjectId)) || record.decisionNo !== expect.decisionNo) {
    return { reason: 'wrong published record', detail: `asked ${expect.subjectId} ${expect.decisionNo}, got ${record.subjectId} ${record.decisionNo}` };
  }
  if (record.version !== 1 || record.status !== 'ACTIVE' || typeof record.id !== 'string') {
    return { reason: 'publication not new', detail: `record ${record.id}: version ${record.version}, status ${record.status}` };
  }
  return null;
}

/** One request of a load: its variables and what its answer must hold. */
export interface NextRequest {
  variables: Json;
  /** The ids asked, in order (for a publication, its subject). */
  expect: string[];
  /** Set for a publication (mixed loads): the decision number it publishes. */
  decisionNo?: string;
}

/**
 * The requests of a load, one after the other: a single mode walks the shuffled pool one id at a
 * time; a batch mode takes a different window of it for each request, wrapping around, and after
 * each full pass the windows shift, so id sets do not repeat. In a mixed load every
 * `publish.every`-th request publishes a new record (a decision number never used before) for
 * the next subject instead of checking it.
 */
export class IdSequence {
  private published = 0;

  constructor(
    private readonly ids: readonly string[],
    private readonly mode: LoadMode,
    private readonly batchSize: number,
    private next: number,
    private readonly publish?: PublishShare,
    /** The subjects publications are for (default: the same ids). */
    private readonly publishIds: readonly string[] = ids,
  ) {}

  take(): NextRequest {
    const k = this.next++;
    const n = this.ids.length;
    if (!isBatchMode(this.mode)) {
      if (this.publish && k % this.publish.every === this.publish.every - 1) {
        const subjectId = this.publishIds[(k + this.published) % this.publishIds.length]!;
        const decisionNo = `${this.publish.tag}-${++this.published}`;
        const input = { subjectId, category: this.publish.category, decisionNo, decidedOn: this.publish.decidedOn, summary: 'bench publication' };
        return { variables: { input }, expect: [subjectId], decisionNo };
      }
      const id = this.ids[k % n]!;
      return { variables: { id }, expect: [id] };
    }
    const pass = Math.floor((k * this.batchSize) / n);
    const start = (k * this.batchSize + pass * 7919) % n;
    const ids: string[] = [];
    for (let j = 0; j < this.batchSize; j++) ids.push(this.ids[(start + j) % n]!);
    return { variables: { ids }, expect: ids };
  }
}
