import { addDays } from './clock.js';
import { ConfigError, envOptional } from './env.js';
import { isIsoDate } from './clock.js';

/**
 * Working days: Monday to Friday, less public holidays. The holidays are data (the State Council
 * publishes them yearly), configurable with PUBLIC_HOLIDAYS=YYYY-MM-DD,YYYY-MM-DD,… Weekend days
 * worked in exchange for a holiday (调休) are not modelled.
 */
export class WorkingCalendar {
  private readonly holidays: ReadonlySet<string>;

  constructor(holidays: Iterable<string>) {
    this.holidays = new Set(holidays);
  }

  isWorkingDay(day: string): boolean {
    const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
    return weekday !== 0 && weekday !== 6 && !this.holidays.has(day);
  }

  /** The n-th working day after `day`. */
  addWorkingDays(day: string, n: number): string {
    let d = day;
    for (let left = n; left > 0; ) {
      d = addDays(d, 1);
      if (this.isWorkingDay(d)) left -= 1;
    }
    return d;
  }

  /** Working days after `from` up to and including `to` (0 when `to` is not after `from`). */
  workingDaysBetween(from: string, to: string): number {
    let count = 0;
    for (let d = addDays(from, 1); d <= to; d = addDays(d, 1)) if (this.isWorkingDay(d)) count += 1;
    return count;
  }
}

/** Statutory holidays of 2025 and 2026 (国务院办公厅 notices), the default until configured. */
export const DEFAULT_HOLIDAYS: readonly string[] = [
  ...range('2025-01-01', 1), ...range('2025-01-28', 8), ...range('2025-04-04', 3), ...range('2025-05-01', 5),
  ...range('2025-05-31', 3), ...range('2025-10-01', 8),
  ...range('2026-01-01', 3), ...range('2026-02-15', 9), ...range('2026-04-04', 3), ...range('2026-05-01', 5),
  ...range('2026-06-19', 3), ...range('2026-09-25', 3), ...range('2026-10-01', 7),
];

function range(first: string, days: number): string[] {
  return Array.from({ length: days }, (_, i) => addDays(first, i));
}

export function workingCalendarFromEnv(env: NodeJS.ProcessEnv = process.env): WorkingCalendar {
  const raw = envOptional('PUBLIC_HOLIDAYS', env);
  if (raw === undefined) return new WorkingCalendar(DEFAULT_HOLIDAYS);
  const days = raw.split(',').map((d) => d.trim()).filter(Boolean);
  for (const d of days) if (!isIsoDate(d)) throw new ConfigError(`PUBLIC_HOLIDAYS contains ${JSON.stringify(d)}: expected dates YYYY-MM-DD separated by commas`);
  return new WorkingCalendar(days);
}
