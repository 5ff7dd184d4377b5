import { addDays, addYears } from './clock.js';
import type { ListType } from './credit-records.js';

/** How long a record of a category stays in force when the publisher names no end date. */
export type DefaultPeriod =
  | { kind: 'YEARS'; years: number }
  /** Until the department lifts it (consumption restriction, abnormal operations). */
  | { kind: 'UNTIL_LIFTED' }
  /** One year from publication, when the next yearly rating replaces it (tax credit grades). */
  | { kind: 'RATING_YEAR' };

/** A record category a department owns; the list type follows from it. */
export interface CategoryDefinition {
  code: string;
  listType: ListType;
  period: DefaultPeriod;
  /** Chinese term and English description, shown in the catalogue and the docs. */
  description: string;
  /** Severity for credit repair; by default black is SERIOUS, watch ORDINARY. */
  severity?: 'MINOR' | 'ORDINARY' | 'SERIOUS';
}

/** The default `validUntil` of a record of this category decided on `decidedOn`. */
export function defaultValidUntil(category: CategoryDefinition, decidedOn: string): string | null {
  switch (category.period.kind) {
    case 'YEARS':
      return addYears(decidedOn, category.period.years);
    case 'UNTIL_LIFTED':
      return null;
    case 'RATING_YEAR':
      return addDays(addYears(decidedOn, 1), -1);
  }
}
