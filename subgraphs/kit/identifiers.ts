/**
 * Subject identifiers: the unified social credit code (GB 32100-2015) of legal persons and
 * organisations, and the resident identity number (GB 11643-1999) of natural persons.
 */

export type SubjectKind = 'LEGAL_PERSON' | 'NATURAL_PERSON';

export type IdCheck =
  | { valid: true; kind: SubjectKind }
  | { valid: false; reason: string };

/** The 31 characters of GB 32100, in value order (I, O, Z, S, V never occur). */
export const CREDIT_CODE_CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const CREDIT_CODE_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

const ID_NUMBER_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_NUMBER_CHECK = '10X98765432';

/** The check character for the first 17 characters of a credit code, or null if one is not in the set. */
export function creditCodeCheckChar(first17: string): string | null {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const value = CREDIT_CODE_CHARSET.indexOf(first17[i]!);
    if (value < 0) return null;
    sum += value * CREDIT_CODE_WEIGHTS[i]!;
  }
  return CREDIT_CODE_CHARSET[(31 - (sum % 31)) % 31]!;
}

/** The check character for the first 17 digits of a resident identity number. */
export function idNumberCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * ID_NUMBER_WEIGHTS[i]!;
  return ID_NUMBER_CHECK[sum % 11]!;
}

function checkCreditCode(id: string): IdCheck {
  for (let i = 0; i < id.length; i++) {
    if (!CREDIT_CODE_CHARSET.includes(id[i]!)) {
      return {
        valid: false,
        reason: `character '${id[i]}' at position ${i + 1} is not allowed in a unified social credit code (allowed: ${CREDIT_CODE_CHARSET})`,
      };
    }
  }
  if (!/^[0-9]{6}$/.test(id.slice(2, 8))) {
    return { valid: false, reason: `positions 3-8 must be a six-digit administrative division code, got '${id.slice(2, 8)}'` };
  }
  const expected = creditCodeCheckChar(id.slice(0, 17));
  if (expected !== id[17]) {
    return { valid: false, reason: `check character is '${id[17]}', expected '${expected}' (GB 32100-2015)` };
  }
  return { valid: true, kind: 'LEGAL_PERSON' };
}

function isRealDate(yyyymmdd: string): boolean {
  const y = Number(yyyymmdd.slice(0, 4));
  const m = Number(yyyymmdd.slice(4, 6));
  const d = Number(yyyymmdd.slice(6, 8));
  if (y < 1850 || m < 1 || m > 12 || d < 1) return false;
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

function checkIdNumber(id: string): IdCheck {
  if (!/^[0-9]{17}[0-9X]$/.test(id)) {
    return { valid: false, reason: 'a resident identity number is 17 digits followed by a digit or X' };
  }
  const birth = id.slice(6, 14);
  if (!isRealDate(birth)) {
    return { valid: false, reason: `birth date '${birth}' is not a real calendar date` };
  }
  const expected = idNumberCheckChar(id.slice(0, 17));
  if (expected !== id[17]) {
    return { valid: false, reason: `check character is '${id[17]}', expected '${expected}' (GB 11643-1999)` };
  }
  return { valid: true, kind: 'NATURAL_PERSON' };
}

/**
 * Validates a subject identifier and tells which kind of subject it names.
 * Both identifiers are 18 characters; a resident identity number is all digits but for a final X,
 * and a credit code's first character is a registration authority code, never a digit 0.
 *
 * @example checkSubjectId('91430100MA4L0L0000') // { valid: true, kind: 'LEGAL_PERSON' }
 */
export function checkSubjectId(id: string): IdCheck {
  if (typeof id !== 'string' || id.length !== 18) {
    return {
      valid: false,
      reason: `expected 18 characters (a unified social credit code or a resident identity number), got ${typeof id === 'string' ? id.length : typeof id}`,
    };
  }
  // Both kinds are 18 characters long and an all-digit string could in principle be either; the
  // identity number is tried first because only it has that shape in practice. When neither
  // validates, the reason given is the one for the kind the string most resembles.
  if (/^[0-9]{17}[0-9X]$/.test(id)) {
    const asIdNumber = checkIdNumber(id);
    if (asIdNumber.valid) return asIdNumber;
    const asCode = checkCreditCode(id);
    if (asCode.valid) return asCode;
    return /^[1-8][0-9]{5}(18|19|20)/.test(id) ? asIdNumber : asCode;
  }
  return checkCreditCode(id);
}

/** Shows a resident identity number as `4301**********1234`; credit codes are public and shown whole. */
export function maskSubjectId(id: string): string {
  const check = checkSubjectId(id);
  if (check.valid && check.kind === 'NATURAL_PERSON') return `${id.slice(0, 4)}**********${id.slice(14)}`;
  return id;
}

/** Builds a valid credit code from its first 17 characters. */
export function makeCreditCode(first17: string): string {
  const check = creditCodeCheckChar(first17);
  if (first17.length !== 17 || check === null) throw new Error(`cannot build a credit code from '${first17}'`);
  return first17 + check;
}

/** Builds a valid resident identity number from its first 17 digits. */
export function makeIdNumber(first17: string): string {
  if (!/^[0-9]{17}$/.test(first17)) throw new Error(`cannot build an identity number from '${first17}'`);
  return first17 + idNumberCheckChar(first17);
}
