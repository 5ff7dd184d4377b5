import type { Knex } from 'knex';
import { checkPeriod, periodBounds } from '../../kit/period.js';
import type { AppliedMeasure, Verdict } from '../check/evaluate.js';
import type { FeedbackRow } from '../feedback/repository.js';

export type Grouping = 'MATTER' | 'REGION' | 'DEPARTMENT';
const VERDICTS: readonly Verdict[] = ['MANDATORY_RESTRICTION', 'INCOMPLETE', 'RECOMMENDED_RESTRICTION', 'INCENTIVE', 'CLEAR'];

interface CheckSlice {
  check_id: string;
  matter: string;
  subject_id: string;
  verdict: Verdict;
  answer: string;
}

/** Division code of a subject: credit code positions 3-8, identity number positions 1-6. */
export function regionOf(subjectId: string): string {
  return /^[0-9]{17}[0-9X]$/.test(subjectId) && !/^9/.test(subjectId) ? subjectId.slice(0, 6) : subjectId.slice(2, 8);
}

/** Aggregates the checks of a period, reading each check and its feedback once. */
export async function checkStatistics(db: Knex, from: string, to: string, groupBy: Grouping) {
  checkPeriod(from, to);
  const { start, end } = periodBounds(from, to);
  const checks = await db<CheckSlice>('checks')
    .select('check_id', 'matter', 'subject_id', 'verdict', 'answer')
    .where('checked_at', '>=', start)
    .andWhere('checked_at', '<', end);
  const feedback = await db<FeedbackRow>('feedback')
    .join('checks', 'checks.check_id', 'feedback.check_id')
    .where('checks.checked_at', '>=', start)
    .andWhere('checks.checked_at', '<', end)
    .select('feedback.check_id', 'feedback.measure_code', 'feedback.outcome');
  const outcomes = new Map(feedback.map((f) => [`${f.check_id}/${f.measure_code}`, f.outcome]));

  const groups = new Map<string, { checks: number; subjects: Set<string>; hits: number; verdicts: Map<Verdict, number>; measures: number; applied: number; notApplied: number }>();
  const group = (key: string) => {
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { checks: 0, subjects: new Set(), hits: 0, verdicts: new Map(), measures: 0, applied: 0, notApplied: 0 }));
    return g;
  };
  for (const check of checks) {
    const measures = (JSON.parse(check.answer) as { measures: AppliedMeasure[] }).measures;
    const keys =
      groupBy === 'MATTER' ? [check.matter]
      : groupBy === 'REGION' ? [regionOf(check.subject_id)]
      : [...new Set(measures.flatMap((m) => m.evidence.map((e) => e.record.department)))];
    for (const key of keys.length > 0 ? keys : ['NONE']) {
      const g = group(key);
      g.checks += 1;
      g.subjects.add(check.subject_id);
      g.verdicts.set(check.verdict, (g.verdicts.get(check.verdict) ?? 0) + 1);
      const counted = groupBy === 'DEPARTMENT' ? measures.filter((m) => m.evidence.some((e) => e.record.department === key)) : measures;
      if (counted.length > 0) g.hits += 1;
      for (const m of counted) {
        g.measures += 1;
        const outcome = outcomes.get(`${check.check_id}/${m.code}`);
        if (outcome === 'APPLIED') g.applied += 1;
        if (outcome === 'NOT_APPLIED') g.notApplied += 1;
      }
    }
  }
  return [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, g]) => ({
      group: key,
      checks: g.checks,
      subjects: g.subjects.size,
      hits: g.hits,
      verdicts: VERDICTS.filter((v) => g.verdicts.has(v)).map((v) => ({ verdict: v, count: g.verdicts.get(v)! })),
      measures: g.measures,
      applied: g.applied,
      notApplied: g.notApplied,
      feedbackRate: g.measures === 0 ? 0 : (g.applied + g.notApplied) / g.measures,
    }));
}
