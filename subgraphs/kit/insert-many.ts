import type { Knex } from 'knex';

/**
 * Inserts many rows with one statement, so a batch costs the same number of statements as one
 * row. SQLite caps a multi-row VALUES insert at 500 rows (knex builds it as a compound select),
 * so there the rows travel as one JSON parameter unpacked by `json_each`; booleans become 1 and 0
 * as SQLite stores them. MySQL takes a plain multi-row insert.
 */
export async function insertMany<R extends object>(db: Knex, table: string, columns: readonly (keyof R & string)[], rows: readonly R[]): Promise<void> {
  if (rows.length === 0) return;
  if (db.client.config.client !== 'better-sqlite3') {
    await db(table).insert(rows as R[]);
    return;
  }
  const payload = rows.map((row) =>
    columns.map((column) => {
      const value = (row as Record<string, unknown>)[column];
      return typeof value === 'boolean' ? (value ? 1 : 0) : value ?? null;
    }),
  );
  const names = columns.map(() => '??').join(', ');
  const select = columns.map((_column, i) => `json_extract(value, '$[${i}]')`).join(', ');
  await db.raw(`insert into ?? (${names}) select ${select} from json_each(?)`, [table, ...columns, JSON.stringify(payload)]);
}
