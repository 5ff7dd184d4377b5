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

/** Bidirectional formatting characters: they reorder how text is shown, so a number could read as another. */
const BIDI = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/u;
/** Control characters (Unicode category Cc: C0, DEL, C1), e.g. a line feed, NUL or BEL. */
const CONTROL = /\p{Cc}/u;
/** Format characters (category Cf), e.g. a zero-width space or joiner: invisible, so they are dropped. */
const FORMAT = /\p{Cf}/gu;

function codePoint(char: string): string {
  return `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * A decision number (决定文书号) in its normal form, the form it is stored, compared and identified
 * in: Unicode NFKC (full-width `（２０２６）` becomes `(2026)`), format characters such as a
 * zero-width space removed, runs of white space made one space, trimmed. Two numbers that read the
 * same are one decision. A control character (line feed, NUL, BEL…) or a bidirectional override
 * (U+202E…) is refused with BAD_USER_INPUT naming it: it has no place in a document number and
 * could make one number display as another.
 */
export function normaliseDecisionNo(value: string, field = 'decisionNo', max = 128): string {
  for (const char of value) {
    if (BIDI.test(char)) throw badInput(`${field} ${JSON.stringify(value)} contains the bidirectional control character ${codePoint(char)}: expected a document number without control characters`);
    if (CONTROL.test(char)) throw badInput(`${field} ${JSON.stringify(value)} contains the control character ${codePoint(char)}: expected a document number on one line without control characters`);
  }
  const normal = value.normalize('NFKC').replace(FORMAT, '').replace(/\s+/gu, ' ').trim();
  return requireText(field, normal, max);
}

/** The earliest decision date accepted: the joint credit system's records start long after it. */
export const EARLIEST_DECISION_DATE = '1990-01-01';

/**
 * A decision date (YYYY-MM-DD, already checked as a calendar date) that is plausible: not before
 * 1990-01-01 and not after `today`. BAD_USER_INPUT names the date and the range otherwise.
 */
export function checkDecisionDate(field: string, value: string, today: string): string {
  if (value < EARLIEST_DECISION_DATE) throw badInput(`${field} ${value} is before ${EARLIEST_DECISION_DATE}: expected a decision date from ${EARLIEST_DECISION_DATE} to today (${today})`);
  if (value > today) throw badInput(`${field} ${value} is in the future: expected today (${today}) or earlier`);
  return value;
}
