/**
 * The pure part of the bench's data-layer floor (sql-floor.ts): from the statements captured for
 * one check (sql-capture-run.ts), what to run again and with which bindings.
 *
 * Reads are run again exactly as captured (same SQL, same bindings), or with another subject's id
 * in place of the captured subject's (`substituteSubject`). Writes (the check's record, its audit
 * entry, the person lookups) cannot be run twice with the same values — a check id, a request id
 * and the audit sequence are unique — so each replay gets fresh ones (`freshWrites`), and the
 * floor rolls every check's writes back (the data stays as the seed left it).
 */
import { randomUUID } from 'node:crypto';
import type { CapturedStatement } from '../../subgraphs/kit/sql-capture.js';

export interface ReplayStatement {
  subgraph: string;
  sql: string;
  bindings: unknown[];
  write: boolean;
  /** Rows the subgraph got back when it ran it (null for writes). */
  rows: number | null;
}

/**
 * The most checks the sql-floor has in flight on MySQL, and its connections per database: a pool
 * per subgraph database, beside the stack's own pools, must stay under the server's
 * max_connections (151 by default). Enough to keep its one process busy: it measures CPU per
 * check, not the server's width. (SQLite: one check at a time, the driver is synchronous.)
 */
export const MYSQL_CONCURRENCY = 4;

/** How many checks the sql-floor has in flight for a scenario's connection count. */
export function sqlFloorConnections(engine: 'sqlite' | 'mysql', connections: number): number {
  return engine === 'sqlite' ? 1 : Math.max(1, Math.min(connections, MYSQL_CONCURRENCY));
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

export function isWrite(sql: string): boolean {
  return /^\s*(insert|update|delete|replace)\b/i.test(sql);
}

export function toReplay(statements: readonly CapturedStatement[]): ReplayStatement[] {
  return statements
    .filter((s) => !TRANSACTION_CONTROL.test(s.sql))
    .map((s) => ({ subgraph: s.subgraph, sql: s.sql, bindings: s.bindings, write: isWrite(s.sql), rows: isWrite(s.sql) ? null : s.rows }));
}

/** BEGIN, COMMIT, ROLLBACK as a subgraph sent them: the replay runs a check's writes in a transaction of its own. */
const TRANSACTION_CONTROL = /^\s*(begin|commit|rollback|start transaction)\b/i;

/**
 * The statements with `to` in place of `from`: every binding equal to `from`, and `from` inside
 * string bindings (a JSON document of the check's record names its subject).
 */
export function substituteSubject(statements: readonly ReplayStatement[], from: string, to: string): ReplayStatement[] {
  if (from === to) return [...statements];
  const swap = (value: unknown): unknown => (value === from ? to : typeof value === 'string' && value.includes(from) ? value.split(from).join(to) : value);
  return statements.map((s) => ({ ...s, bindings: s.bindings.map(swap) }));
}

/**
 * Integers that carry a sequence from one write of the check to another (the audit chain's `seq`,
 * inserted into the log and set on its head): an integer above 1 bound in two or more writes.
 */
export function sequenceValues(statements: readonly ReplayStatement[]): Set<number> {
  const seen = new Map<number, number>();
  for (const s of statements) {
    if (!s.write) continue;
    for (const v of new Set(s.bindings)) if (typeof v === 'number' && Number.isInteger(v) && v > 1) seen.set(v, (seen.get(v) ?? 0) + 1);
  }
  return new Set([...seen].filter(([, n]) => n >= 2).map(([v]) => v));
}

/**
 * The writes of one replay with fresh unique values: every UUID (in a binding or inside a JSON
 * binding) replaced by a new one — the same new one wherever the captured one appeared — and each
 * sequence value (sequenceValues) moved by `offset`. Reads are returned unchanged.
 */
export function freshWrites(statements: readonly ReplayStatement[], offset: number, sequences = sequenceValues(statements)): ReplayStatement[] {
  const uuids = new Map<string, string>();
  const fresh = (u: string) => {
    let v = uuids.get(u.toLowerCase());
    if (!v) uuids.set(u.toLowerCase(), (v = randomUUID()));
    return v;
  };
  const swap = (value: unknown): unknown => {
    if (typeof value === 'string') return value.replace(UUID, fresh);
    if (typeof value === 'number' && sequences.has(value)) return value + offset;
    return value;
  };
  return statements.map((s) => (s.write ? { ...s, bindings: s.bindings.map(swap) } : s));
}
