/**
 * Row seals: the audit chain's hold on the tables whose content decides a verdict or a lifecycle
 * step (credit records and their versions, objections, repair applications, measures). The audit
 * entry of every write to such a table carries, in its payload's `rowSeals`, the key of each row
 * it wrote and the SHA-256 of that row as the database stores it (every column, canonical JSON).
 * `npm run audit:verify` recomputes the hash of every row and compares it with the last seal of
 * that row in the chain: a row edited with SQL no longer matches, a row inserted with SQL has no
 * seal, a deleted row has a seal and no row. A write costs one read of the rows it wrote and
 * their hashes, in the entry it appends anyway; nothing is rescanned.
 *
 * Rows that existed before seals began are sealed once by the migration `audit_row_seals`; rows
 * the demo seed inserts are sealed by the seed in the same transaction.
 */
import type { Knex } from 'knex';
import { ConfigError, isProduction } from './env.js';
import { appendAudit, canonicalJson, holdSeals, sha256Hex, systemActor, takeSeals, type AuditActor, type RowSeals } from './audit.js';

/** A sealed table and the columns that identify one of its rows. */
export interface SealedTable {
  table: string;
  key: readonly string[];
}

/** Every sealed table; a database is checked for those it has. */
export const SEALED_TABLES: readonly SealedTable[] = [
  { table: 'credit_records', key: ['id', 'version'] },
  { table: 'objections', key: ['id'] },
  { table: 'repair_applications', key: ['id'] },
  { table: 'measures', key: ['code', 'version'] },
];

export type SealedTableName = 'credit_records' | 'objections' | 'repair_applications' | 'measures';

/** The audit action of an entry holding only seals (the seed, the baseline); its entity is the table. */
export const SEAL_ACTION = 'audit.sealRows';

/** Rows per seal: a large write (the seed, the baseline) is split into seals, and entries, of this size. */
const ROWS_PER_ENTRY = 500;


export function sealedTable(table: string): SealedTable {
  const found = SEALED_TABLES.find((t) => t.table === table);
  if (!found) throw new Error(`table ${JSON.stringify(table)} is not sealed: expected one of ${SEALED_TABLES.map((t) => t.table).join(', ')}`);
  return found;
}

/** The key of a row, as seals name it: its key columns' values as strings, in JSON, e.g. `["tax-1a2b","2"]`. */
export function rowKey(spec: SealedTable, row: Record<string, unknown>): string {
  return JSON.stringify(spec.key.map((column) => String(row[column])));
}

/** The SHA-256 of a row as read from the database: every column, canonical JSON. */
export function rowSeal(row: Record<string, unknown>): string {
  return sha256Hex(canonicalJson(row));
}

/** Reads the rows named by `keys` (key column values) inside `trx`. */
async function readRows(trx: Knex | Knex.Transaction, spec: SealedTable, keys: readonly Record<string, unknown>[]): Promise<Record<string, unknown>[]> {
  if (spec.key.length === 1) {
    const column = spec.key[0]!;
    return trx(spec.table).whereIn(column, keys.map((k) => k[column] as string));
  }
  return trx(spec.table).where((w) => {
    for (const k of keys) w.orWhere(Object.fromEntries(spec.key.map((c) => [c, k[c]])) as Record<string, string>);
  });
}

/** The seals of rows as read (with those of `keys` not found as deleted). */
function sealsOf(spec: SealedTable, keys: readonly Record<string, unknown>[], rows: readonly Record<string, unknown>[]): RowSeals {
  const found = new Map(rows.map((r) => [rowKey(spec, r), rowSeal(r)]));
  return { table: spec.table, rows: keys.map((k) => { const key = rowKey(spec, k); return [key, found.get(key) ?? null] as [string, string | null]; }) };
}

/**
 * AUDIT_ROW_SEALS (`on`): `off` writes rows without seals, only to measure what sealing costs
 * (`npm run bench:audit`); `audit:verify` then reports those rows. Refused in production.
 * Read at each write, so a benchmark can alternate within one process.
 */
function sealing(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env.AUDIT_ROW_SEALS;
  if (value === undefined || value === '' || value === 'on') return true;
  if (value !== 'off') throw new ConfigError(`AUDIT_ROW_SEALS=${JSON.stringify(value)} is not valid: expected on or off`);
  if (isProduction(env)) throw new ConfigError('AUDIT_ROW_SEALS=off is refused in production: every row that decides a verdict is sealed');
  return false;
}

/**
 * Seals rows just written to `table` inside `trx`, the transaction that wrote them: reads them
 * back and holds their hashes for the audit entry of the write, which `appendAudit` appends next
 * in the same transaction (its payload gets a `rowSeals` member). `rowsOrKeys` hold at least the
 * key columns of each row (a whole row will do); a key whose row is gone is sealed as deleted.
 * A write that appends no entry of its own (the seed, a test fixture) calls `appendSeals` after.
 *
 * @example
 * await trx('objections').insert(row);
 * await sealRows(trx, 'objections', [row]);
 * await appendAudit(trx, lifecycleEntry(department, 'fileObjection', actor, row.id, { objection: row }));
 */
export async function sealRows(trx: Knex.Transaction, table: SealedTableName, rowsOrKeys: readonly object[]): Promise<void> {
  const keys = rowsOrKeys as readonly Record<string, unknown>[];
  if (keys.length === 0 || !sealing()) return;
  const spec = sealedTable(table);
  for (let start = 0; start < keys.length; start += ROWS_PER_ENTRY) {
    const chunk = keys.slice(start, start + ROWS_PER_ENTRY);
    holdSeals(trx, sealsOf(spec, chunk, await readRows(trx, spec, chunk)));
  }
}

/**
 * Appends the seals held in `trx` as entries of their own (`audit.sealRows`, one per table and up
 * to 500 rows), for writes that have no entry of their own.
 */
export async function appendSeals(trx: Knex.Transaction, actor: AuditActor): Promise<void> {
  const held = takeSeals(trx) ?? [];
  await appendAudit(trx, held.map((seals) => ({ actor, action: SEAL_ACTION, entityId: seals.table, payload: { rowSeals: [seals] } })));
}

/** Seals every row of every sealed table the database has (the baseline of rows written before seals began). */
export async function sealAllRows(trx: Knex.Transaction, actor: AuditActor = systemActor('migration')): Promise<void> {
  for (const spec of SEALED_TABLES) {
    if (!(await trx.schema.hasTable(spec.table))) continue;
    for (let offset = 0; ; offset += ROWS_PER_ENTRY) {
      const rows = (await trx(spec.table).orderBy(spec.key.map((column) => ({ column }))).limit(ROWS_PER_ENTRY).offset(offset)) as Record<string, unknown>[];
      if (rows.length > 0) holdSeals(trx, sealsOf(spec, rows, rows));
      if (rows.length < ROWS_PER_ENTRY) break;
    }
  }
  await appendSeals(trx, actor);
}
