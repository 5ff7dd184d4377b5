/** Command-line options of `npm run seed`. */
import { parseArgs } from 'node:util';
import { isIsoDate, today } from '../../subgraphs/kit/clock.js';
import { MAX_SUBJECTS } from './generate.js';

export interface SeedOptions {
  subjects: number;
  seed: number;
  asOf: string;
  ifEmpty: boolean;
  reset: boolean;
  help: boolean;
}

export const DEFAULT_SUBJECTS = 15_000;
export const DEFAULT_SEED = 2017;

export const USAGE = `Usage: npm run seed -- [options]

Fills the subgraph databases with demo data: a fixed showcase plus a random population of
legal persons (two thirds) and natural persons (one third). Databases come from DATABASE_URL /
DATABASE_PREFIX (MySQL) or DATA_DIR (SQLite, default ./data), as for the subgraphs.

Options:
  --subjects N       number of random subjects, 0 to ${MAX_SUBJECTS.toLocaleString('en-US')} (default ${DEFAULT_SUBJECTS.toLocaleString('en-US')})
  --seed S           PRNG seed, a whole number from 0 to 4294967295 (default ${DEFAULT_SEED})
  --as-of YYYY-MM-DD the reference "today" for all dates (default: today, UTC)
  --if-empty         do nothing if the databases already hold demo data
  --reset            drop and recreate every subgraph database first
  -h, --help         show this help`;

/** A wrong command line: reported with the usage and exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

function wholeNumber(option: string, raw: string, min: number, max: number): number {
  const cleaned = raw.replaceAll('_', '');
  const value = /^[0-9]+$/.test(cleaned) ? Number(cleaned) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new UsageError(`${option} ${JSON.stringify(raw)} is not valid: expected a whole number from ${min} to ${max.toLocaleString('en-US')}`);
  }
  return value;
}

export function parseSeedOptions(argv: readonly string[], now: string = today()): SeedOptions {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        subjects: { type: 'string' },
        seed: { type: 'string' },
        'as-of': { type: 'string' },
        'if-empty': { type: 'boolean' },
        reset: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  const subjects = values.subjects === undefined ? DEFAULT_SUBJECTS : wholeNumber('--subjects', String(values.subjects), 0, MAX_SUBJECTS);
  const seed = values.seed === undefined ? DEFAULT_SEED : wholeNumber('--seed', String(values.seed), 0, 4_294_967_295);
  const asOf = values['as-of'] === undefined ? now : String(values['as-of']);
  if (!isIsoDate(asOf) || asOf < '2000-01-01' || asOf > '2099-12-31') {
    throw new UsageError(`--as-of ${JSON.stringify(asOf)} is not valid: expected a calendar date YYYY-MM-DD between 2000-01-01 and 2099-12-31`);
  }
  const ifEmpty = values['if-empty'] === true;
  const reset = values.reset === true;
  if (ifEmpty && reset) throw new UsageError('--if-empty and --reset contradict each other: --reset always replaces the data');
  return { subjects, seed, asOf, ifEmpty, reset, help: values.help === true };
}
