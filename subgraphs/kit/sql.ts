import Database, { type Statement } from 'better-sqlite3';
import type { Knex } from 'knex';
import { inSpan, tracingEnabled } from './tracing.js';

/**
 * Plain SQL sent straight to the driver, for the statements on the path of every check: the reads
 * (`readsOf`) and the writes that store a check and its audit entry (`runStatement`). Why:
 *
 * The reads on the path of every check and view (a department's rows of a batch of subjects, the
 * measure catalogue, stored checks), sent as plain SQL straight to the driver instead of through
 * knex's query builder, which costs more CPU than the statement itself: on a check, building,
 * compiling and preparing the statements was a quarter of a department's CPU. knex stays for
 * everything else (writes, transactions, migrations, the rarer queries).
 *
 * SQLite: a second connection to the same file, read-only by use, with each statement prepared
 * once. In WAL mode (openDatabase sets it) a reader sees the last committed state and never waits
 * for the writer; it never sees a transaction in progress, which a read through knex's single
 * connection could. MySQL: a connection of knex's pool, and mysql2's own placeholders.
 *
 * Every statement is announced like knex's own (`query` before, `query-response` after, on the
 * pool's client), so statement counts, traces and the bench's capture (sql-capture.ts) see it.
 *
 * SQL is written with `?` placeholders. A list (the ids of a batch) is written `in (?)` and passed
 * as one array parameter: mysql2 expands it, and on SQLite it becomes
 * `in (select value from json_each(?))` with the list as JSON, so one prepared statement serves
 * every batch size (SQLite probes the index for each value, as for a literal list).
 */
export interface Reads {
  all<R>(sql: string, params: readonly unknown[]): Promise<R[]>;
}

interface ReadsImpl extends Reads {
  close(): void;
}

const readers = new WeakMap<Knex, ReadsImpl>();

/**
 * The fast reader of a knex instance, created on first use. Each statement is also announced as
 * the pool's `query` event (`{ sql, bindings, method }`, the text and values sent), so what
 * listens to a pool's statements (a statement count, a capture) sees these too.
 */
export function readsOf(db: Knex): Reads {
  let reads = readers.get(db);
  if (!reads) {
    reads = db.client.config.client === 'better-sqlite3' ? sqliteReads(db) : mysqlReads(db);
    readers.set(db, reads);
  }
  return reads;
}

/** Closes the fast reader of a knex instance, if it has one (before `db.destroy()`). */
export function closeReads(db: Knex): void {
  readers.get(db)?.close();
  readers.delete(db);
}

const IN_LIST = /\bin \(\?\)/gi;

function traced<T>(system: 'sqlite' | 'mysql', sql: string, run: () => Promise<T>): Promise<T> {
  if (!tracingEnabled()) return run();
  const operation = sql.trimStart().split(/\s/, 1)[0]!.toLowerCase();
  return inSpan(`SQL ${operation}`, { 'db.system.name': system, 'db.operation.name': operation, 'db.query.text': sql.slice(0, 2000) }, run);
}

function sqliteReads(db: Knex): ReadsImpl {
  const file = (db.client.config.connection as { filename: string }).filename;
  const conn = new Database(file, { fileMustExist: true });
  conn.pragma('busy_timeout = 5000');
  /** Prepared statements by SQL text: a fixed, small set (the code's own statements). */
  const prepared = new Map<string, Statement>();
  const statement = (sql: string): Statement => {
    let stmt = prepared.get(sql);
    if (!stmt) {
      stmt = conn.prepare(sql.replace(IN_LIST, 'in (select value from json_each(?))'));
      prepared.set(sql, stmt);
    }
    return stmt;
  };
  return {
    all<R>(sql: string, params: readonly unknown[]): Promise<R[]> {
      return traced('sqlite', sql, async () => {
        const values = params.map((p) => (Array.isArray(p) ? JSON.stringify(p) : p));
        const stmt = statement(sql);
        const query = { sql: stmt.source, bindings: values, method: 'select' };
        db.client.emit('query', query);
        const rows = stmt.all(...values) as R[];
        db.client.emit('query-response', rows, query);
        return rows;
      });
    },
    close() {
      if (conn.open) conn.close();
    },
  };
}

interface MysqlConnection {
  query(sql: string, values: readonly unknown[], callback: (err: Error | null, rows: unknown) => void): void;
}

function mysqlReads(db: Knex): ReadsImpl {
  const client = db.client as { acquireConnection(): Promise<MysqlConnection>; releaseConnection(conn: MysqlConnection): Promise<void> };
  return {
    all<R>(sql: string, params: readonly unknown[]): Promise<R[]> {
      return traced('mysql', sql, async () => {
        // An empty list would be `in ()`, which MySQL refuses; it matches nothing.
        if (params.some((p) => Array.isArray(p) && p.length === 0)) return [];
        const conn = await client.acquireConnection();
        const query = { ...expandLists(sql, params), method: 'select' };
        db.client.emit('query', query);
        try {
          const rows = await new Promise<R[]>((resolve, reject) => conn.query(query.sql, query.bindings, (err, rows) => (err ? reject(err) : resolve(rows as R[]))));
          db.client.emit('query-response', rows, query);
          return rows;
        } finally {
          await client.releaseConnection(conn);
        }
      });
    },
    close() {},
  };
}

/**
 * What `runStatement` needs of its target: a knex pool, a knex transaction, or the transaction of
 * `storeTransaction` — anything with knex's client (connection, configuration, events).
 */
export type SqlHandle = Pick<Knex, 'client'>;

/** A transaction `runStatement`, `insertMany` and `appendAudit` write in (knex's, or `storeTransaction`'s). */
export type SqlTransaction = SqlHandle & { isTransaction: true };

/**
 * Runs `work` in one transaction and commits it, or rolls it back when `work` throws. On SQLite it
 * is a plain `BEGIN IMMEDIATE … COMMIT` on the pool's connection, without knex's transaction
 * machinery (building a transaction-bound knex instance per transaction cost the platform more
 * CPU than the statements of the check it stores); `BEGIN IMMEDIATE` takes the write lock at once,
 * waiting up to the busy timeout for another process's write, as `lockForWrite` does in a knex
 * transaction. On MySQL it is knex's own transaction. `work` may only use `runStatement` and the
 * helpers built on it (`insertMany`, `appendAudit`), not knex's query builder.
 */
export async function storeTransaction<T>(db: Knex, work: (trx: SqlTransaction) => Promise<T>): Promise<T> {
  if (db.client.config.client !== 'better-sqlite3') return db.transaction((trx) => work(trx as unknown as SqlTransaction));
  const client = db.client as { acquireConnection(): Promise<unknown>; releaseConnection(conn: unknown): Promise<void> };
  const conn = await client.acquireConnection();
  // Bound to this connection, as knex binds a transaction's client: every statement of `work` runs on it.
  const bound = Object.create(db.client) as Knex['client'] & { acquireConnection(): Promise<unknown>; releaseConnection(): Promise<void> };
  bound.acquireConnection = () => Promise.resolve(conn);
  bound.releaseConnection = () => Promise.resolve();
  const trx: SqlTransaction = { client: bound, isTransaction: true };
  try {
    await runStatement(trx, 'BEGIN IMMEDIATE');
    const result = await work(trx);
    await runStatement(trx, 'COMMIT');
    return result;
  } catch (err) {
    // Never hand the pool a connection inside a transaction, whatever failed (work, or COMMIT).
    if ((conn as Database.Database).inTransaction) (conn as Database.Database).exec('ROLLBACK');
    throw err;
  } finally {
    await client.releaseConnection(conn);
  }
}

/** What a statement run by `runStatement` answered: its rows (a select), or how many rows it changed. */
export interface StatementResult<R> {
  rows: R[];
  changes: number;
}

/** Prepared statements of each SQLite connection knex holds (a pool's or a transaction's). */
const preparedByConnection = new WeakMap<object, Map<string, Statement>>();

/**
 * Runs one statement on the connection knex itself would use: the transaction's own when `db` is
 * a transaction, else one of the pool's. On SQLite the statement is prepared once per connection
 * (knex prepares it again on every call) and booleans are bound as 1 and 0, as knex binds them;
 * on MySQL it is mysql2's `query` (an array parameter is a list, an array of arrays a multi-row
 * VALUES). Announced as the pool's `query` event like knex's own statements.
 */
export async function runStatement<R = unknown>(db: SqlHandle, sql: string, params: readonly unknown[] = []): Promise<StatementResult<R>> {
  const system = db.client.config.client === 'better-sqlite3' ? 'sqlite' : 'mysql';
  const client = db.client as { acquireConnection(): Promise<unknown>; releaseConnection(conn: unknown): Promise<void> };
  const run = async (): Promise<StatementResult<R>> => {
    const conn = await client.acquireConnection();
    try {
      const query = system === 'mysql' ? { ...expandLists(sql, params), method: 'raw' } : { sql, bindings: params as unknown[], method: 'raw' };
      db.client.emit('query', query);
      const answered = (result: StatementResult<R>, response: unknown): StatementResult<R> => {
        db.client.emit('query-response', response, query);
        return result;
      };
      if (system === 'sqlite') {
        const sqlite = conn as Database.Database;
        let prepared = preparedByConnection.get(sqlite);
        if (!prepared) preparedByConnection.set(sqlite, (prepared = new Map()));
        let stmt = prepared.get(sql);
        if (!stmt) prepared.set(sql, (stmt = sqlite.prepare(sql)));
        const values = params.map((p) => (typeof p === 'boolean' ? (p ? 1 : 0) : p));
        if (stmt.reader) {
          const rows = stmt.all(...values) as R[];
          return answered({ rows, changes: 0 }, rows);
        }
        const info = stmt.run(...values);
        return answered({ rows: [], changes: info.changes }, info);
      }
      const result = await new Promise<unknown>((resolve, reject) =>
        (conn as MysqlConnection).query(query.sql, query.bindings, (err, rows) => (err ? reject(err) : resolve(rows))),
      );
      if (Array.isArray(result)) return answered({ rows: result as R[], changes: 0 }, result);
      return answered({ rows: [], changes: Number((result as { affectedRows?: number }).affectedRows ?? 0) }, result);
    } finally {
      await client.releaseConnection(conn);
    }
  };
  return traced(system, sql, run);
}

/**
 * MySQL: the statement with each list parameter written out as placeholders — `in (?)` with three
 * ids becomes `in (?, ?, ?)`, `values ?` with two rows `values (?, ?), (?, ?)` — and the values
 * flattened: what mysql2 would send, in the form knex announces its own statements, so that a
 * listener (the bench's capture, which replays them as prepared statements) can run it as it is.
 */
export function expandLists(sql: string, params: readonly unknown[]): { sql: string; bindings: unknown[] } {
  const bindings: unknown[] = [];
  let i = 0;
  const text = sql.replace(/\?/g, () => {
    const value = params[i++];
    if (!Array.isArray(value)) {
      bindings.push(value);
      return '?';
    }
    if (value.length > 0 && value.every((v) => Array.isArray(v))) {
      return (value as unknown[][])
        .map((row) => {
          bindings.push(...row);
          return `(${row.map(() => '?').join(', ')})`;
        })
        .join(', ');
    }
    bindings.push(...value);
    return value.map(() => '?').join(', ');
  });
  return { sql: text, bindings };
}
