/**
 * Row seals: the audit chain's hold on the tables whose content decides a verdict or a lifecycle
 * step (credit records and their versions, objections, repair applications, measures). Every
 * write to such a table appends, in its transaction, an `audit.sealRows` entry naming each row it
 * wrote and the SHA-256 of that row as the database stores it (every column, canonical JSON).
 * `npm run audit:verify` recomputes the hash of every row and compares it with the last seal of
 * that row in the chain: a row edited with SQL no longer matches, a row inserted with SQL has no
 * seal, a deleted row has a seal and no row. A write costs one read of the rows it wrote and one
 * entry; nothing is rescanned.
 *
 * Rows that existed before seals began are sealed once by the migration `audit_row_seals`; rows
 * the demo seed inserts are sealed by the seed in the same transaction.
 */
import type { Knex } from 'knex';
import { appendAudit, canonicalJson, sha256Hex, systemActor, type AuditActor, type AuditEntry } from './audit.js';

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

/** The audit action of a seal entry; its entity is the table. */
export const SEAL_ACTION = 'audit.sealRows';

/** Rows per seal entry: a large write (the seed, the baseline) is split into entries of this size. */
const ROWS_PER_ENTRY = 500;

/** What a seal entry's payload holds: `[rowKey, sha256]` per row, sha256 null for a row deleted. */
export interface SealPayload {
  table: string;
  rows: [string, string | null][];
}

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

function sealActor(): AuditActor {
  return systemActor('row-seal');
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

/** The seal entries of rows as read (with those of `keys` not found as deleted). */
function sealEntries(spec: SealedTable, keys: readonly Record<string, unknown>[], rows: readonly Record<string, unknown>[], actor: AuditActor): AuditEntry[] {
  const found = new Map(rows.map((r) => [rowKey(spec, r), rowSeal(r)]));
  const sealed: [string, string | null][] = [];
  for (const k of keys) {
    const key = rowKey(spec, k);
    sealed.push([key, found.get(key) ?? null]);
  }
  const entries: AuditEntry[] = [];
  for (let start = 0; start < sealed.length; start += ROWS_PER_ENTRY) {
    entries.push({ actor, action: SEAL_ACTION, entityId: spec.table, payload: { table: spec.table, rows: sealed.slice(start, start + ROWS_PER_ENTRY) } satisfies SealPayload });
  }
  return entries;
}

/**
 * Seals rows just written to `table` inside `trx`, the transaction that wrote them: reads them
 * back and appends their hashes to the audit chain. `keys` hold at least the key columns of each
 * row (a whole row will do); a key whose row is gone is sealed as deleted.
 *
 * @example
 * await trx('objections').insert(row);
 * await sealRows(trx, 'objections', [row]);
 */
export async function sealRows(trx: Knex.Transaction, table: SealedTableName, rowsOrKeys: readonly object[], actor: AuditActor = sealActor()): Promise<void> {
  const keys = rowsOrKeys as readonly Record<string, unknown>[];
  if (keys.length === 0) return;
  const spec = sealedTable(table);
  const rows: Record<string, unknown>[] = [];
  for (let start = 0; start < keys.length; start += ROWS_PER_ENTRY) rows.push(...(await readRows(trx, spec, keys.slice(start, start + ROWS_PER_ENTRY))));
  await appendAudit(trx, sealEntries(spec, keys, rows, actor));
}

/** Seals every row of every sealed table the database has (the baseline of rows written before seals began). */
export async function sealAllRows(trx: Knex.Transaction, actor: AuditActor = systemActor('migration')): Promise<void> {
  for (const spec of SEALED_TABLES) {
    if (!(await trx.schema.hasTable(spec.table))) continue;
    for (let offset = 0; ; offset += ROWS_PER_ENTRY) {
      const rows = (await trx(spec.table).orderBy(spec.key.map((column) => ({ column }))).limit(ROWS_PER_ENTRY).offset(offset)) as Record<string, unknown>[];
      if (rows.length > 0) await appendAudit(trx, sealEntries(spec, rows, rows, actor));
      if (rows.length < ROWS_PER_ENTRY) break;
    }
  }
}
