/**
 * `node:assert/strict`, with deep equality that ignores which realm a plain object or array was made in.
 *
 * Jest runs each test file in its own V8 context, so arrays and plain objects made by the test have
 * that context's prototypes, while those made by Node's own modules (`fetch().json()`, `fs`), by
 * native addons (better-sqlite3 rows) or by jest's outer context have the main context's. Node's
 * strict deep equality compares prototypes and would call two identical lists different. Here both
 * sides are first rebuilt in this realm — plain objects, arrays, Maps and Sets only; class
 * instances, null-prototype objects and primitives are left as they are — and then compared by
 * `node:assert/strict` itself, so every other rule of strict equality still holds.
 */
import strict from 'node:assert/strict';

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto !== null && Object.getPrototypeOf(proto) === null && Object.prototype.toString.call(value) === '[object Object]' && proto.constructor?.name === 'Object';
}

/** A copy of `value` whose plain objects, arrays, Maps and Sets belong to this realm. */
function here(value: unknown, seen = new Map<object, unknown>()): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return seen.get(value);
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    seen.set(value, out);
    for (let i = 0; i < value.length; i++) out[i] = here(value[i], seen);
    return out;
  }
  const tag = Object.prototype.toString.call(value);
  if (tag === '[object Map]' && !(value instanceof Map)) {
    const out = new Map();
    seen.set(value, out);
    for (const [k, v] of value as Map<unknown, unknown>) out.set(here(k, seen), here(v, seen));
    return out;
  }
  if (tag === '[object Set]' && !(value instanceof Set)) {
    const out = new Set();
    seen.set(value, out);
    for (const v of value as Set<unknown>) out.add(here(v, seen));
    return out;
  }
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    seen.set(value, out);
    for (const key of Object.keys(value)) out[key] = here((value as Record<string, unknown>)[key], seen);
    return out;
  }
  return value;
}

type Compare = (actual: unknown, expected: unknown, message?: string | Error) => void;

/** `compare` over realm-neutral copies of both sides. */
const overCopies =
  (compare: Compare): Compare =>
  (actual, expected, message) =>
    compare(here(actual), here(expected), message);

const assert: typeof strict = Object.assign(
  ((value: unknown, message?: string | Error) => strict(value, message)) as typeof strict,
  strict,
  {
    deepEqual: overCopies(strict.deepEqual),
    deepStrictEqual: overCopies(strict.deepStrictEqual),
    notDeepEqual: overCopies(strict.notDeepEqual),
    notDeepStrictEqual: overCopies(strict.notDeepStrictEqual),
  },
) as typeof strict;

export default assert;
