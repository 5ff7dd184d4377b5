/**
 * SQL capture for the benchmark's data-layer floor (`npm run bench`, target `sql-floor`): when
 * SQL_CAPTURE_FILE is set, every statement a subgraph runs is appended to that file as one JSON
 * line — engine, subgraph, SQL with its placeholders, bindings, rows returned, and the request id
 * when the caller knows it. Off (no listener, no cost) when the variable is unset, as in
 * production.
 *
 * Statements sent through knex are captured by `captureQueries` (wired once, where the kit opens
 * a subgraph's database); code that talks to a driver directly (a prepared better-sqlite3 or
 * mysql2 statement) calls `captureStatement` itself, with the same fields.
 */
import { appendFileSync } from 'node:fs';
import type { Knex } from 'knex';

export interface CapturedStatement {
  engine: 'sqlite' | 'mysql';
  subgraph: string;
  sql: string;
  bindings: unknown[];
  /** Rows the statement returned (null when not known, e.g. a write). */
  rows: number | null;
  requestId: string | null;
  /** Milliseconds since the epoch, when the statement was sent. */
  at: number;
}

/** The capture file, or undefined when capture is off. */
export function captureFile(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env.SQL_CAPTURE_FILE || undefined;
}

/** Appends one statement to SQL_CAPTURE_FILE; does nothing when it is unset. */
export function captureStatement(statement: Omit<CapturedStatement, 'at' | 'rows' | 'requestId'> & { rows?: number | null; requestId?: string | null; at?: number }): void {
  const file = captureFile();
  if (!file) return;
  const line: CapturedStatement = {
    engine: statement.engine,
    subgraph: statement.subgraph,
    sql: statement.sql,
    bindings: statement.bindings.map(jsonValue),
    rows: statement.rows ?? null,
    requestId: statement.requestId ?? null,
    at: statement.at ?? Date.now(),
  };
  // Synchronous and one write per line: lines of concurrent statements never interleave.
  appendFileSync(file, `${JSON.stringify(line)}\n`);
}

/** Bindings as JSON keeps them: a Date as its ISO string, a Buffer as base64, a bigint as text. */
function jsonValue(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Buffer.isBuffer(value)) return { buffer: value.toString('base64') };
  if (typeof value === 'bigint') return value.toString();
  return value;
}

/**
 * Captures every statement this knex instance runs (with the rows it returned) when
 * SQL_CAPTURE_FILE is set; otherwise adds no listener.
 */
export function captureQueries(db: Knex, engine: 'sqlite' | 'mysql', subgraph: string): void {
  if (!captureFile()) return;
  db.on('query-response', (response: unknown, q: { sql?: string; bindings?: unknown[] }) => {
    if (!q.sql) return;
    captureStatement({ engine, subgraph, sql: q.sql, bindings: q.bindings ?? [], rows: rowCount(response) });
  });
}

function rowCount(response: unknown): number | null {
  if (Array.isArray(response)) return response.length;
  return null;
}
