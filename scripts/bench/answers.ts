/**
 * What counts as a right answer, shared by the gateway's load generator and the floor so that both
 * are held to the same standard: the subject(s) asked for, in order, and for checks a verdict that
 * is one of the five, no missing source (every source is up during the bench), and never anything
 * but MANDATORY_RESTRICTION for a subject known to carry an active black record.
 */
import { isBatchMode, isCheckMode, type LoadMode } from './protocol.js';

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
}

export function hasRecords(view: Json | null | undefined): boolean {
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
  return null;
}

/**
 * Checks the `data` of one answer for the ids asked (`expect`). The check query does not select
 * `subject { id }`, so a single check is matched by being there; batches are matched id by id.
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
    if ((mode !== 'check' || subject.id !== undefined) && subject.id !== id) {
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

/**
 * The ids of successive requests: a single mode walks the shuffled pool one id at a time; a batch
 * mode takes a different window of it for each request, wrapping around, and after each full pass
 * the windows shift, so id sets do not repeat.
 */
export class IdSequence {
  constructor(
    private readonly ids: readonly string[],
    private readonly mode: LoadMode,
    private readonly batchSize: number,
    private next: number,
  ) {}

  take(): { variables: Json; expect: string[] } {
    const k = this.next++;
    const n = this.ids.length;
    if (!isBatchMode(this.mode)) {
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
