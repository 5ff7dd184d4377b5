/**
 * The data-layer floor of `npm run bench` (target `sql-floor`): a load child (protocol.ts) that
 * runs exactly the SQL statements the subgraphs run for a check — captured from the real
 * subgraphs (sql-capture-run.ts, subgraphs/kit/sql-capture.ts) for a sample of the check
 * scenario's subjects — in one process, with prepared statements (better-sqlite3 `prepare` once
 * per statement text; mysql2 `execute`, prepared on the server and cached per connection), on the
 * engine the bench runs on. No HTTP, no GraphQL, no knex: what is left of a check is the
 * database's work and the driver's. Its CPU per check is the least the system could spend.
 *
 * Each replayed check is one of the captured ones, taken in turn (the subjects vary as in the
 * check scenario); its reads run as captured and must return as many rows as they did for the
 * subgraph (else the check counts as an error); its writes run with fresh unique values inside a
 * transaction that is rolled back (sql-replay.ts). Statements of a check run one after the other.
 */
import Database from 'better-sqlite3';
import mysql from 'mysql2/promise';
import { mysqlConnection as kitMysqlConnection } from '../../subgraphs/kit/database.js';
import type { CapturedCheck } from './sql-capture-run.js';
import { serveLoadJob, type PhaseJob } from './load-child.js';
import type { LoadPhaseResult } from './protocol.js';
import { freshWrites, sequenceValues, sqlFloorConnections, substituteSubject, toReplay, type ReplayStatement } from './sql-replay.js';

export interface SqlFloorJob extends PhaseJob {
  name: string;
  engine: 'sqlite' | 'mysql';
  /** SQLite: the file of each subgraph; MySQL: the server URL and each subgraph's database. */
  sqliteFiles?: Record<string, string>;
  mysql?: { url: string; databases: Record<string, string> };
  checks: CapturedCheck[];
  /** The scenario's connections (the checks in flight: sqlFloorConnections). */
  connections: number;
}



/** Runs statements of one subgraph's database. */
interface Engine {
  /** Runs one statement; returns the rows a read returned (null for a write). */
  run(s: ReplayStatement): Promise<number | null> | number | null;
  /** Runs `body` with the writes of one check in a transaction that is rolled back. */
  check<T>(body: (run: (s: ReplayStatement) => Promise<number | null> | number | null) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

function sqliteValue(v: unknown): unknown {
  return typeof v === 'boolean' ? (v ? 1 : 0) : v;
}

function openSqlite(files: Record<string, string>): Engine {
  const dbs = new Map<string, Database.Database>();
  const prepared = new Map<string, Database.Statement>();
  for (const [name, file] of Object.entries(files)) {
    const db = new Database(file, { fileMustExist: true });
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
    dbs.set(name, db);
  }
  const statement = (s: ReplayStatement) => {
    const key = `${s.subgraph}\n${s.sql}`;
    let st = prepared.get(key);
    if (!st) {
      const db = dbs.get(s.subgraph);
      if (!db) throw new Error(`sql-floor: no SQLite file for subgraph ${s.subgraph}`);
      prepared.set(key, (st = db.prepare(s.sql)));
    }
    return st;
  };
  const run = (s: ReplayStatement): number | null => {
    const st = statement(s);
    const bindings = s.bindings.map(sqliteValue);
    if (st.reader) return st.all(...bindings).length;
    st.run(...bindings);
    return null;
  };
  return {
    run,
    async check(body) {
      const open = new Set<string>();
      const inTransaction = (s: ReplayStatement) => {
        if (s.write && !open.has(s.subgraph)) {
          dbs.get(s.subgraph)!.exec('BEGIN IMMEDIATE');
          open.add(s.subgraph);
        }
        return run(s);
      };
      try {
        return await body(inTransaction);
      } finally {
        for (const name of open) dbs.get(name)!.exec('ROLLBACK');
      }
    },
    async close() {
      for (const db of dbs.values()) db.close();
    },
  };
}

function mysqlConnection(url: string, database: string, connectionLimit: number): mysql.Pool {
  return mysql.createPool({ ...(kitMysqlConnection(url, database) as mysql.PoolOptions), connectionLimit });
}

function openMysql(config: { url: string; databases: Record<string, string> }, connections: number): Engine {
  const pools = new Map<string, mysql.Pool>();
  for (const [name, database] of Object.entries(config.databases)) pools.set(name, mysqlConnection(config.url, database, connections));
  const pool = (s: ReplayStatement) => {
    const p = pools.get(s.subgraph);
    if (!p) throw new Error(`sql-floor: no MySQL database for subgraph ${s.subgraph}`);
    return p;
  };
  const rows = (result: unknown) => (Array.isArray(result) ? result.length : null);
  const run = async (s: ReplayStatement) => {
    const [result] = await pool(s).execute(s.sql, s.bindings as never[]);
    return s.write ? null : rows(result);
  };
  return {
    run,
    async check(body) {
      const held = new Map<string, mysql.PoolConnection>();
      // Once a subgraph's first write opened its transaction, its later statements (reads too,
      // as the subgraph's own) go through that connection.
      const inTransaction = async (s: ReplayStatement) => {
        let c = held.get(s.subgraph);
        if (!c && !s.write) return run(s);
        if (!c) {
          c = await pool(s).getConnection();
          held.set(s.subgraph, c);
          await c.query('START TRANSACTION');
        }
        const [result] = await c.execute(s.sql, s.bindings as never[]);
        return s.write ? null : rows(result);
      };
      try {
        return await body(inTransaction);
      } finally {
        for (const c of held.values()) {
          await c.query('ROLLBACK').catch(() => {});
          c.release();
        }
      }
    },
    async close() {
      await Promise.all([...pools.values()].map((p) => p.end()));
    },
  };
}

interface Prepared {
  subject: string;
  statements: ReplayStatement[];
  sequences: Set<number>;
}

/** Runs one check's statements; returns the first read whose row count differs from the captured one, if any. */
async function replay(engine: Engine, check: Prepared, offset: number): Promise<string | null> {
  const statements = freshWrites(check.statements, offset, check.sequences);
  return engine.check(async (run) => {
    for (const s of statements) {
      const n = await run(s);
      if (s.rows !== null && n !== s.rows) return `${s.subgraph}: ${n} rows instead of ${s.rows} for ${check.subject}: ${s.sql.slice(0, 160)}`;
    }
    return null;
  });
}

function emptyResult(): Omit<LoadPhaseResult, 'elapsedMs' | 'latencyMs' | 'loadCpuMs'> {
  return { responses: 0, valid: 0, errors: 0, errorReasons: {}, errorSamples: [], withRecords: 0, subjects: 0, subjectsWithRecords: 0, verdicts: {}, published: 0 };
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

const r2 = (n: number) => Math.round(n * 100) / 100;

await serveLoadJob<SqlFloorJob>('scripts/bench/sql-floor.ts', async (job) => {
  if (job.checks.length === 0) throw new Error('sql-floor: no captured check to replay');
  const inFlight = sqlFloorConnections(job.engine, job.connections);
  const engine = job.engine === 'sqlite' ? openSqlite(job.sqliteFiles ?? {}) : openMysql(job.mysql!, inFlight);
  const checks: Prepared[] = job.checks.map((c) => {
    const statements = toReplay(c.statements);
    return { subject: c.subject, statements, sequences: sequenceValues(statements) };
  });
  let replays = 0;
  // Before any load: every captured check, replayed once, reads the rows the subgraphs read.
  for (const c of checks) {
    const wrong = await replay(engine, c, 1_000_000_000 + replays++);
    if (wrong) throw new Error(`sql-floor: the replay does not read what the subgraphs read: ${wrong}`);
  }
  // Subject substitution: a check of one subject with another's id in its place reads what the
  // subgraphs read for the other when both checks ran the same statements (same shape).
  // (The subgraphs run concurrently, so the order of statements across subgraphs varies from
  // check to check: shapes are compared in a canonical order, subgraph and statement text.)
  const shapeKey = (s: ReplayStatement) => `${s.subgraph}\n${s.sql}\n${s.bindings.length}`;
  const canonical = (list: readonly ReplayStatement[]) => [...list].sort((x, y) => (shapeKey(x) < shapeKey(y) ? -1 : shapeKey(x) > shapeKey(y) ? 1 : 0));
  const shapes = checks.map((c) => canonical(c.statements));
  let pairs = 0;
  let agree = 0;
  for (let i = 0; i + 1 < checks.length && pairs < 20; i++) {
    const a = shapes[i]!;
    const j = shapes.findIndex((c, k) => k > i && c.length === a.length && c.every((s, n) => shapeKey(s) === shapeKey(a[n]!)));
    if (j < 0) continue;
    pairs++;
    const b = shapes[j]!;
    const swapped = substituteSubject(a, checks[i]!.subject, checks[j]!.subject).map((s, n) => ({ ...s, rows: b[n]!.rows }));
    if ((await replay(engine, { subject: checks[j]!.subject, statements: swapped, sequences: checks[i]!.sequences }, 1_000_000_000 + replays++)) === null) agree++;
  }
  console.log(
    `bench: sql-floor: ${checks.length} captured checks (${Math.round(checks.reduce((n, c) => n + c.statements.length, 0) / checks.length)} statements each on average) replayed once, every read as the subgraphs read it; ` +
      `subject substitution into a check of the same shape reads the other subject's rows in ${agree} of ${pairs} pairs`,
  );

  let next = 0;
  const phase = async (seconds: number): Promise<LoadPhaseResult> => {
    const out = emptyResult();
    const latencies: number[] = [];
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    const deadline = started + seconds * 1000;
    const connection = async () => {
      while (performance.now() < deadline) {
        const check = checks[next++ % checks.length]!;
        const t0 = performance.now();
        let wrong: string | null;
        let reason = 'rows differ';
        try {
          wrong = await replay(engine, check, 1_000_000_000 + replays++);
        } catch (err) {
          wrong = `error: ${(err as Error).message}`;
          reason = 'SQL error';
        }
        latencies.push(performance.now() - t0);
        out.responses++;
        out.subjects++;
        if (wrong) {
          out.errors++;
          out.errorReasons[reason] = (out.errorReasons[reason] ?? 0) + 1;
          if (out.errorSamples.length < 5) out.errorSamples.push(wrong.slice(0, 300));
        } else out.valid++;
        // SQLite answers synchronously: let the IPC channel breathe now and then.
        if (job.engine === 'sqlite' && out.responses % 200 === 0) await new Promise((resolve) => setImmediate(resolve));
      }
    };
    await Promise.all(Array.from({ length: inFlight }, connection));
    const elapsedMs = performance.now() - started;
    const cpu = process.cpuUsage(cpuBefore);
    const sorted = Float64Array.from(latencies).sort();
    return {
      ...out,
      elapsedMs: Math.round(elapsedMs),
      latencyMs: {
        p50: r2(percentile(sorted, 50)),
        p90: r2(percentile(sorted, 90)),
        p99: r2(percentile(sorted, 99)),
        mean: r2(latencies.reduce((a, b) => a + b, 0) / Math.max(1, latencies.length)),
        max: r2(sorted.length ? sorted[sorted.length - 1]! : 0),
      },
      fetches: checks.reduce((n, c) => n + c.statements.length, 0) * (out.responses / checks.length),
      loadCpuMs: Math.round((cpu.user + cpu.system) / 1000),
    };
  };
  return { phase };
});
