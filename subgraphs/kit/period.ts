import { addDays, isIsoDate } from './clock.js';
import { badInput } from './errors.js';

/** The longest period a statistics query may span: a year, leap day included. */
export const MAX_PERIOD_DAYS = 366;

/**
 * Checks a statistics period `from`–`to` (YYYY-MM-DD, both included): real dates, in order, and at
 * most `maxDays` apart; BAD_USER_INPUT naming the bad value otherwise.
 */
export function checkPeriod(from: string, to: string, maxDays: number = MAX_PERIOD_DAYS): void {
  for (const [field, value] of [['from', from], ['to', to]] as const) {
    if (typeof value !== 'string' || !isIsoDate(value)) throw badInput(`${field} ${JSON.stringify(value)} is not valid: expected a calendar date YYYY-MM-DD`);
  }
  if (to < from) throw badInput(`to ${to} is before from ${from}`);
  if (addDays(from, maxDays) < to) throw badInput(`from ${from} to ${to} spans more than ${maxDays} days: ask for a year at most`);
}

/** The half-open range of ISO timestamps `[start, end)` covering the days `from` to `to`. */
export function periodBounds(from: string, to: string): { start: string; end: string } {
  return { start: `${from}T00:00:00.000Z`, end: `${addDays(to, 1)}T00:00:00.000Z` };
}
