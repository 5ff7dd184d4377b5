import { badInput } from './errors.js';

/** Trimmed text that is not empty and not longer than `max`, or BAD_USER_INPUT naming the field. */
export function requireText(field: string, value: string, max = 2000): string {
  const trimmed = value.trim();
  if (trimmed === '') throw badInput(`${field} is empty: expected text`);
  if (trimmed.length > max) throw badInput(`${field} is ${trimmed.length} characters long: expected at most ${max}`);
  return trimmed;
}

/** A list limit from 1 to `max`, `fallback` when none is given. */
export function checkLimit(value: number | null | undefined, fallback = 100, max = 1000): number {
  const limit = value ?? fallback;
  if (!Number.isInteger(limit) || limit < 1 || limit > max) throw badInput(`limit ${limit} is not valid: expected 1 to ${max}`);
  return limit;
}
