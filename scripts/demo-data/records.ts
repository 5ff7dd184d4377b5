/** Building `credit_records` rows from the departments' own category definitions. */
import { defaultValidUntil, type CategoryDefinition } from '../../subgraphs/kit/categories.js';
import type { RecordStatus } from '../../subgraphs/kit/credit-records.js';
import { courts } from '../../subgraphs/courts/server.js';
import { finance } from '../../subgraphs/finance/server.js';
import { market } from '../../subgraphs/market/server.js';
import { tax } from '../../subgraphs/tax/server.js';
import { addDays, addYears, randomDay } from './calendar.js';
import type { Random } from './random.js';
import type { Department, NewCreditRecordRow } from './rows.js';

const DEPARTMENT_DEFINITIONS = { tax, market, courts, finance } as const;

const CATEGORIES = new Map<string, { department: Department; definition: CategoryDefinition }>();
for (const [department, definition] of Object.entries(DEPARTMENT_DEFINITIONS) as [Department, { categories: readonly CategoryDefinition[] }][]) {
  for (const category of definition.categories) CATEGORIES.set(category.code, { department, definition: category });
}

/** The definition of a category code, checked to belong to `department`. */
export function categoryOf(department: Department, code: string): CategoryDefinition {
  const found = CATEGORIES.get(code);
  if (!found || found.department !== department) throw new Error(`category ${code} is not a ${department} category`);
  return found.definition;
}

export interface RecordFields {
  id: string;
  subjectId: string;
  category: string;
  decisionNo: string;
  decidedOn: string;
  status: RecordStatus;
  summary: string;
  /** When the record was published (ISO timestamp on the decision date). */
  recordedAt: string;
}

/** Version 1 of a record, valid until the category's default end of period. */
export function creditRecord(department: Department, f: RecordFields): NewCreditRecordRow {
  const category = categoryOf(department, f.category);
  return {
    id: f.id,
    version: 1,
    subject_id: f.subjectId,
    category: f.category,
    list_type: category.listType,
    decision_no: f.decisionNo,
    decided_on: f.decidedOn,
    valid_until: defaultValidUntil(category, f.decidedOn),
    status: f.status,
    summary: f.summary,
    valid_from: f.recordedAt,
    valid_to: null,
  };
}

/** How a record's decision date relates to "today". */
export type Timing = 'IN_PERIOD' | 'EXPIRED' | 'REPAIRED';

/** Mostly in force; ~8 % past their period (still ACTIVE, read as EXPIRED); ~8 % repaired. */
export function drawTiming(rng: Random): Timing {
  const r = rng.next();
  if (r < 0.08) return 'EXPIRED';
  if (r < 0.16) return 'REPAIRED';
  return 'IN_PERIOD';
}

/**
 * A decision date for a record of `category` with the given timing, not before `earliest`:
 * inside the period for IN_PERIOD and REPAIRED, one day to two years past it for EXPIRED. Periods
 * without an end (until lifted) are drawn over the last four years.
 */
export function decisionDay(rng: Random, category: CategoryDefinition, timing: Timing, asOf: string, earliest: string): string {
  const yesterday = addDays(asOf, -1);
  const years = category.period.kind === 'YEARS' ? category.period.years : 4;
  let from: string;
  let to: string;
  if (timing === 'EXPIRED' && category.period.kind === 'YEARS') {
    from = addYears(asOf, -years - 2);
    to = addDays(addYears(asOf, -years), -1);
  } else {
    from = addDays(addYears(asOf, -years), 1);
    to = yesterday;
  }
  if (from < earliest) from = earliest;
  if (to < from) to = from;
  return randomDay(rng, from, to);
}

export function statusOf(timing: Timing): RecordStatus {
  return timing === 'REPAIRED' ? 'REPAIRED' : 'ACTIVE';
}

/** An amount of money in yuan, rounded to `step` (e.g. 100 for whole hundreds). */
export function money(rng: Random, min: number, max: number, step = 1): number {
  return Math.max(step, Math.round(rng.logUniform(min, max) / step) * step);
}

/** 1234567.8 → "1,234,567.80" */
export function yuan(amount: number): string {
  return amount.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

/** 1234567 → "123.46万" */
export function wan(amount: number): string {
  return `${(amount / 10_000).toFixed(2)}万`;
}
