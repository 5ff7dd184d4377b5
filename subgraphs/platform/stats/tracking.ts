import type { Knex } from 'knex';
import { addDays, today } from '../../kit/clock.js';
import { badInput } from '../../kit/errors.js';
import { checkPeriod, periodBounds } from '../../kit/period.js';
import type { AppliedMeasure, Verdict } from '../check/evaluate.js';
import type { FeedbackRow } from '../feedback/repository.js';

/** The columns of a stored check the tracking statistics read. */
interface CheckSlice {
  check_id: string;
  matter: string;
  verdict: Verdict;
  missing_sources: string;
  answer: string;
  checked_at: string;
}

interface ReadCheck {
  checkId: string;
  matter: string;
  verdict: Verdict;
  missingSources: string[];
  measures: AppliedMeasure[];
  checkedAt: string;
}

const DEPARTMENT_NAME = /^[a-z][a-z0-9_]{0,31}$/;

/** A department filter: a department's name (tax, ecology…), or absent for all. */
export function checkDepartmentFilter(department: string | null | undefined): string | null {
  if (department == null) return null;
  if (!DEPARTMENT_NAME.test(department)) throw badInput(`department ${JSON.stringify(department)} is not a department name: expected lower-case letters, digits and _, such as tax`);
  return department;
}

/** Whether a department took part in a check: its records triggered a measure, or it could not answer. */
function concerns(check: ReadCheck, department: string): boolean {
  return check.missingSources.includes(department) || check.measures.some((m) => m.evidence.some((e) => e.record.department === department));
}

async function checksOf(db: Knex, from: string, to: string): Promise<ReadCheck[]> {
  checkPeriod(from, to);
  const { start, end } = periodBounds(from, to);
  const rows = await db<CheckSlice>('checks')
    .select('check_id', 'matter', 'verdict', 'missing_sources', 'answer', 'checked_at')
    .where('checked_at', '>=', start)
    .andWhere('checked_at', '<', end);
  return rows.map((r) => ({
    checkId: r.check_id,
    matter: r.matter,
    verdict: r.verdict,
    missingSources: JSON.parse(r.missing_sources) as string[],
    measures: (JSON.parse(r.answer) as { measures: AppliedMeasure[] }).measures,
    checkedAt: r.checked_at,
  }));
}

/** The Monday (UTC) of the week a moment falls in, YYYY-MM-DD. */
export function weekOf(moment: string): string {
  const day = moment.slice(0, 10);
  const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
  return addDays(day, -((weekday + 6) % 7));
}

/** Checks per week, matter and verdict; with `department`, only the checks it took part in. */
export async function checkWeeks(db: Knex, from: string, to: string, department: string | null) {
  const counts = new Map<string, { week: string; matter: string; verdict: Verdict; checks: number }>();
  for (const check of await checksOf(db, from, to)) {
    if (department && !concerns(check, department)) continue;
    const week = weekOf(check.checkedAt);
    const key = `${week}/${check.matter}/${check.verdict}`;
    const entry = counts.get(key);
    if (entry) entry.checks += 1;
    else counts.set(key, { week, matter: check.matter, verdict: check.verdict, checks: 1 });
  }
  return [...counts.values()].sort((a, b) => a.week.localeCompare(b.week) || a.matter.localeCompare(b.matter) || a.verdict.localeCompare(b.verdict));
}

/**
 * For each department that could not answer some check of the period: the checks it was missing
 * from, those answered INCOMPLETE, and their share of all the period's checks.
 */
export async function missingSources(db: Knex, from: string, to: string, department: string | null) {
  const checks = await checksOf(db, from, to);
  const counts = new Map<string, { missing: number; incomplete: number }>();
  for (const check of checks) {
    for (const source of check.missingSources) {
      if (department && source !== department) continue;
      const entry = counts.get(source) ?? { missing: 0, incomplete: 0 };
      entry.missing += 1;
      if (check.verdict === 'INCOMPLETE') entry.incomplete += 1;
      counts.set(source, entry);
    }
  }
  return [...counts.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, c]) => ({ department: name, checks: checks.length, missing: c.missing, incomplete: c.incomplete, incompleteShare: checks.length === 0 ? 0 : c.incomplete / checks.length }));
}

/**
 * Execution feedback per implementing department (the agencies a measure names): measures
 * answered, reported applied or not, and overdue — no feedback `dueDays` after the check. With
 * `department`, only measures resting on that department's records.
 */
export async function feedbackStatistics(db: Knex, from: string, to: string, department: string | null, dueDays: number) {
  const checks = await checksOf(db, from, to);
  const { start, end } = periodBounds(from, to);
  const feedback = await db<FeedbackRow>('feedback')
    .join('checks', 'checks.check_id', 'feedback.check_id')
    .where('checks.checked_at', '>=', start)
    .andWhere('checks.checked_at', '<', end)
    .select('feedback.check_id', 'feedback.measure_code', 'feedback.outcome');
  const outcomes = new Map(feedback.map((f) => [`${f.check_id}/${f.measure_code}`, f.outcome]));
  const overdueBefore = addDays(today(), -dueDays);
  const counts = new Map<string, { measures: number; applied: number; notApplied: number; overdue: number }>();
  for (const check of checks) {
    for (const m of check.measures) {
      if (department && !m.evidence.some((e) => e.record.department === department)) continue;
      const outcome = outcomes.get(`${check.checkId}/${m.code}`);
      for (const agency of m.implementingDepartments) {
        const entry = counts.get(agency) ?? { measures: 0, applied: 0, notApplied: 0, overdue: 0 };
        entry.measures += 1;
        if (outcome === 'APPLIED') entry.applied += 1;
        else if (outcome === 'NOT_APPLIED') entry.notApplied += 1;
        else if (check.checkedAt.slice(0, 10) < overdueBefore) entry.overdue += 1;
        counts.set(agency, entry);
      }
    }
  }
  return [...counts.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([agency, c]) => ({ implementingDepartment: agency, ...c, fedBack: c.applied + c.notApplied }));
}
