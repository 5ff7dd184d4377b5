import { checkSubjectId, maskSubjectId } from './identifiers.js';

const NOTHING_KEPT: ReadonlySet<string> = new Set();

/** Any 18-character run that could be a resident identity number (17 digits and a digit or X). */
const CANDIDATE = /(?<![0-9A-Z])[0-9]{17}[0-9X](?![0-9A-Z])/g;

/** Masks every valid resident identity number inside a string (credit codes are left whole). */
export function maskIdentityNumbersIn(text: string): string {
  if (text.length < 18) return text;
  return text.replace(CANDIDATE, (candidate) => {
    const check = checkSubjectId(candidate);
    return check.valid && check.kind === 'NATURAL_PERSON' ? maskSubjectId(candidate) : candidate;
  });
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
