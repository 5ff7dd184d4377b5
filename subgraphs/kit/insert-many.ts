import { runStatement, type SqlHandle } from './sql.js';

/**
 * Inserts many rows with one statement, so a batch costs the same number of statements as one
 * row. SQLite caps a multi-row VALUES insert at 500 rows (knex builds it as a compound select),
 * so there the rows travel as one JSON parameter unpacked by `json_each`; booleans become 1 and 0
 * as SQLite stores them. MySQL takes a plain multi-row insert.
 */
export async function insertMany<R extends object>(db: SqlHandle, table: string, columns: readonly (keyof R & string)[], rows: readonly R[]): Promise<void> {
  if (rows.length === 0) return;
  for (const name of [table, ...columns]) {
    if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`insertMany: ${JSON.stringify(name)} is not a table or column name`);
  }
  const values = rows.map((row) =>
    columns.map((column) => {
      const value = (row as Record<string, unknown>)[column];
      return typeof value === 'boolean' ? (value ? 1 : 0) : value ?? null;
    }),
  );
  // One row (a single check, an audit entry): a plain VALUES list, the cheapest statement.
  if (values.length === 1) {
    await runStatement(db, `insert into ${table} (${columns.join(', ')}) values (${columns.map(() => '?').join(', ')})`, values[0]!);
    return;
  }
  if (db.client.config.client !== 'better-sqlite3') {
    await runStatement(db, `insert into ${table} (${columns.join(', ')}) values ?`, [values]);
    return;
  }
  const select = columns.map((_column, i) => `json_extract(value, '$[${i}]')`).join(', ');
  await runStatement(db, `insert into ${table} (${columns.join(', ')}) select ${select} from json_each(?)`, [JSON.stringify(values)]);
}
