/** Calendar arithmetic on YYYY-MM-DD strings (UTC) for the demo data. */
import { addDays, addYears, isoDate } from '../../subgraphs/kit/clock.js';
import type { Random } from './random.js';

export { addDays, addYears };

const DAY_MS = 86_400_000;

function epochDay(day: string): number {
  return Date.parse(`${day}T00:00:00Z`) / DAY_MS;
}

function fromEpochDay(n: number): string {
  return isoDate(new Date(n * DAY_MS));
}

/** Days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return epochDay(to) - epochDay(from);
}

export function minDay(a: string, b: string): string {
  return a < b ? a : b;
}

export function maxDay(a: string, b: string): string {
  return a > b ? a : b;
}

/** Monday to Friday; public holidays are not modelled. */
export function isWorkingDay(day: string): boolean {
  const weekday = new Date(epochDay(day) * DAY_MS).getUTCDay();
  return weekday !== 0 && weekday !== 6;
}

/** The `n`-th working day after `day` (n ≥ 1). */
export function addWorkingDays(day: string, n: number): string {
  let d = epochDay(day);
  let left = n;
  while (left > 0) {
    d += 1;
    const weekday = new Date(d * DAY_MS).getUTCDay();
    if (weekday !== 0 && weekday !== 6) left -= 1;
  }
  return fromEpochDay(d);
}

/** The first working day on or after `day`. */
export function onWorkingDay(day: string): string {
  let d = day;
  while (!isWorkingDay(d)) d = addDays(d, 1);
  return d;
}

/** A day between `from` and `to`, both included (`from` when the range is empty). */
export function randomDay(rng: Random, from: string, to: string): string {
  const span = daysBetween(from, to);
  if (span <= 0) return from;
  return fromEpochDay(epochDay(from) + rng.int(span + 1));
}

/** A working day between `from` and `to` (moved forward to a working day, but never past `to`). */
export function randomWorkingDay(rng: Random, from: string, to: string): string {
  const day = onWorkingDay(randomDay(rng, from, to));
  return day > to ? from : day;
}

/** An ISO 8601 timestamp (UTC) during office hours in China (09:00–17:59 UTC+8) of `day`. */
export function timestampOn(rng: Random, day: string): string {
  const h = rng.between(1, 9);
  const m = rng.int(60);
  const s = rng.int(60);
  return `${day}T${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}.000Z`;
}

export function yearOf(day: string): number {
  return Number(day.slice(0, 4));
}

/**
 * The day the tax authority publishes the grades of rating year `year`: tax credit ratings are
 * published in April of the following year (here: the first working day on or after 15 April).
 */
export function ratingPublishedOn(year: number): string {
  return onWorkingDay(`${year + 1}-04-15`);
}

/** The latest rating year whose grades are published on or before `asOf`. */
export function latestRatingYear(asOf: string): number {
  const y = yearOf(asOf);
  return ratingPublishedOn(y - 1) <= asOf ? y - 1 : y - 2;
}
