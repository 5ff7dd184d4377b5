import { checkSubjectId, maskSubjectId } from './identifiers.js';
import { aliasLegacyRecordIdsIn } from './record-ids.js';

const NOTHING_KEPT: ReadonlySet<string> = new Set();

/**
 * Characters that may stand between the digits of one written identity number: spaces (ASCII,
 * no-break, ideographic), dashes and hyphens, dots, middle dots, underscores and slashes, half- and
 * full-width. Up to MAX_GAP of them in a row still join two digits.
 */
const SEPARATORS = new Set([...' \t\u00a0\u3000-\u2010\u2011\u2012\u2013\u2014\uff0d.\uff0e\u00b7\u30fb_\uff3f/\uff0f']);
const MAX_GAP = 2;

/** The digit a character stands for (`0`-`9`, half- or full-width), `X` for the check character X in any width or case, else null. */
function digitOf(ch: string): string | null {
  const code = ch.charCodeAt(0);
  if (code >= 0x30 && code <= 0x39) return ch;
  if (code >= 0xff10 && code <= 0xff19) return String.fromCharCode(code - 0xff10 + 0x30);
  if (ch === 'X' || ch === 'x' || ch === '\uff38' || ch === '\uff58') return 'X';
  return null;
}

/** A run of digits (and check characters) joined by at most MAX_GAP separators each: values and where each sits in the text. */
interface Chain {
  values: string[];
  at: number[];
}

function chainsOf(text: string): Chain[] {
  const chains: Chain[] = [];
  let current: Chain | null = null;
  let gap = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    const digit = digitOf(ch);
    if (digit !== null) {
      if (!current) chains.push((current = { values: [], at: [] }));
      current.values.push(digit);
      current.at.push(i);
      gap = 0;
    } else if (current && SEPARATORS.has(ch) && gap < MAX_GAP) {
      gap += 1;
    } else {
      current = null;
      gap = 0;
    }
  }
  return chains;
}

function isRealDate(y: number, m: number, d: number): boolean {
  if (y < 1850 || y > 2199 || m < 1 || m > 12 || d < 1) return false;
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/** 17 digits and a digit or X whose birth date is a real date: the shape of an 18-digit number, check character aside. */
function looksLikeIdNumber(s: string): boolean {
  return /^[1-9][0-9]{16}[0-9X]$/.test(s) && isRealDate(Number(s.slice(6, 10)), Number(s.slice(10, 12)), Number(s.slice(12, 14)));
}

/** The first-generation (1984-1999) 15-digit number: area, birth date YYMMDD of the 1900s, sequence. */
function looksLikeOldIdNumber(s: string): boolean {
  return /^[1-9][0-9]{14}$/.test(s) && isRealDate(1900 + Number(s.slice(6, 8)), Number(s.slice(8, 10)), Number(s.slice(10, 12)));
}

function isValidIdNumber(s: string): boolean {
  const check = checkSubjectId(s);
  return check.valid && check.kind === 'NATURAL_PERSON';
}

/** How a number of `length` digits is shown to a role that may not see it: area prefix and sequence kept. */
function masked(digits: string): string {
  if (digits.length === 15) return `${digits.slice(0, 4)}********${digits.slice(12)}`;
  return isValidIdNumber(digits) ? maskSubjectId(digits) : `${digits.slice(0, 4)}**********${digits.slice(14)}`;
}

/**
 * The spans of `text` that write a resident identity number, in any of the forms people type:
 * contiguous or in groups (`360426 19910101 0071`, `360426-1991…`), half- or full-width digits,
 * with a lower-case x, glued to letters (`ID360426…`, `…0071A`), or the 15-digit first-generation
 * number. A valid 18-digit number is found wherever it sits, even inside a longer run of digits;
 * a run of exactly 18 digits with a real birth date is taken for a number even when its check
 * character is wrong (a typo does not make it less personal), and so is a run of exactly 15.
 */
function identitySpans(text: string): { from: number; to: number; digits: string }[] {
  const spans: { from: number; to: number; digits: string }[] = [];
  for (const { values, at } of chainsOf(text)) {
    if (values.length < 15) continue;
    const whole = values.join('');
    const exact = (values.length === 18 && looksLikeIdNumber(whole)) || (values.length === 15 && looksLikeOldIdNumber(whole));
    if (exact) {
      spans.push({ from: at[0]!, to: at[values.length - 1]! + 1, digits: whole });
      continue;
    }
    for (let i = 0; i + 18 <= values.length; ) {
      const window = whole.slice(i, i + 18);
      if (isValidIdNumber(window)) {
        spans.push({ from: at[i]!, to: at[i + 17]! + 1, digits: window });
        i += 18;
      } else i += 1;
    }
  }
  return spans;
}

/** Whether a string may hold an identity number at all (15 digit-like characters), to skip most strings quickly. */
function mayHoldOne(text: string): boolean {
  if (text.length < 15) return false;
  let digits = 0;
  for (let i = 0; i < text.length && digits < 15; i++) if (digitOf(text[i]!) !== null) digits += 1;
  return digits >= 15;
}

/** Masks every resident identity number inside a string, whatever form it is written in (see identitySpans); credit codes are left whole. */
export function hideIdentityNumbersIn(text: string): string {
  if (!mayHoldOne(text)) return text;
  let out = text;
  const spans = identitySpans(text);
  for (let k = spans.length - 1; k >= 0; k--) {
    const { from, to, digits } = spans[k]!;
    out = out.slice(0, from) + masked(digits) + out.slice(to);
  }
  return out;
}

/**
 * What a role that may not see identity numbers reads of a string: every resident identity number
 * masked (hideIdentityNumbersIn), and record ids of the first scheme, which were derived from the
 * subject's number, replaced by their keyed alias (subgraphs/kit/record-ids.ts).
 */
export function maskIdentityNumbersIn(text: string): string {
  return hideIdentityNumbersIn(aliasLegacyRecordIdsIn(text));
}

/**
 * Masks resident identity numbers everywhere in a GraphQL result, in place. Values under a key in
 * `keep` are left alone: a subgraph keeps entity keys (`id`) whole because the gateway joins on
 * them, and the gateway masks them in the final answer.
 */
export function maskIdentityNumbers(value: unknown, keep: ReadonlySet<string> = NOTHING_KEPT): unknown {
  if (typeof value === 'string') return maskIdentityNumbersIn(value);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = maskIdentityNumbers(value[i], keep);
    return value;
  }
  if (value !== null && typeof value === 'object') {
    const object = value as Record<string, unknown>;
    for (const key of Object.keys(object)) if (!keep.has(key)) object[key] = maskIdentityNumbers(object[key], keep);
    return object;
  }
  return value;
}
