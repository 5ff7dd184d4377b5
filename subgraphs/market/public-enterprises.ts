import type { Knex } from 'knex';
import { badInput } from '../kit/errors.js';
import { checkLimit } from '../kit/input-checks.js';
import { checkSearchedCodes } from '../kit/lifecycle/public-list-page.js';
import type { RegistrationRow } from './repository.js';

const MIN_NAME = 2;
const MAX_NAME = 100;

/**
 * `%`, `_` and the escape character taken literally in a LIKE pattern. The escape is `!`, not a
 * backslash, which MySQL's string literals would themselves treat as an escape and SQLite's not.
 */
function likeLiteral(text: string): string {
  return text.replace(/[!%_]/g, (c) => `!${c}`);
}

/**
 * Registered enterprises by part of their name or by credit code, for the public lists page: only
 * what a registration publishes (code and name), never a legal representative.
 */
export async function publicEnterprises(db: Knex, args: { name?: string | null; ids?: string[] | null; limit?: number | null }) {
  const limit = checkLimit(args.limit, 20, 100);
  if ((args.name == null) === (args.ids == null)) throw badInput('give either name (part of an enterprise name) or ids (credit codes), not both or neither');
  const query = () => {
    const q = db<RegistrationRow>('registrations');
    if (args.ids != null) return q.whereIn('subject_id', checkSearchedCodes('ids', args.ids));
    const name = args.name!.trim().replace(/\s+/g, ' ');
    if ([...name].length < MIN_NAME || [...name].length > MAX_NAME) throw badInput(`name ${JSON.stringify(name.slice(0, MAX_NAME))} is ${[...name].length} characters long: expected ${MIN_NAME} to ${MAX_NAME}`);
    return q.whereRaw("name like ? escape '!'", [`%${likeLiteral(name)}%`]);
  };
  const [counted, rows] = await Promise.all([
    query().count({ n: '*' }).first(),
    query().select('subject_id', 'name').orderBy([{ column: 'name' }, { column: 'subject_id' }]).limit(limit),
  ]);
  return {
    total: Number((counted as { n?: number | string } | undefined)?.n ?? 0),
    enterprises: rows.map((r) => ({ id: r.subject_id, name: r.name })),
  };
}
