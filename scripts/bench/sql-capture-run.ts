/**
 * What the subgraphs run in SQL for one check, captured from the real subgraphs (for the bench's
 * `sql-floor` target, sql-floor.ts): a short-lived second set of the stack's subgraphs, started
 * with SQL_CAPTURE_FILE (subgraphs/kit/sql-capture.ts) on the same data, is sent the fetches of the
 * gateway's query plan for a few subjects, one check at a time; the statements that appear in the
 * capture files between the start and the end of a check are that check's. The capturing
 * subgraphs are stopped before anything is measured: no figure includes the cost of capture.
 */
import { readFileSync, statSync, existsSync } from 'node:fs';
import path from 'node:path';
import type { PlanNode } from '@apollo/query-planner';
import type { CapturedStatement } from '../../subgraphs/kit/sql-capture.js';
import { PlanExecutor, type PlanExecutorOptions } from './plan-executor.js';
import { startProcess, type BenchProcess } from './processes.js';

/** The statements of one check of one subject, in the order they were sent. */
export interface CapturedCheck {
  subject: string;
  statements: CapturedStatement[];
}

export interface CaptureOptions {
  /** The subgraphs to start (name and port), the environment of the stack's subgraphs. */
  services: { name: string; port: number }[];
  env: NodeJS.ProcessEnv;
  host: string;
  cores: string | undefined;
  dir: string;
  plan: PlanNode;
  /** How to reach the subgraphs (urls are replaced by those of the capturing subgraphs). */
  access: Omit<PlanExecutorOptions, 'urls'>;
  subjects: readonly string[];
  /** Called with each process started, so that the caller stops it on Ctrl-C. */
  track?(p: BenchProcess): void;
}

/** Health checks and the like: not part of a check. */
const isProbe = (sql: string) => /^\s*select\s+1\s*$/i.test(sql);

export async function captureChecks(options: CaptureOptions): Promise<CapturedCheck[]> {
  const files = new Map<string, string>();
  const started: BenchProcess[] = [];
  const urls: Record<string, string> = {};
  try {
    await Promise.all(
      options.services.map(async ({ name, port }) => {
        const file = path.join(options.dir, `sql-capture-${name}.jsonl`);
        files.set(name, file);
        const p = await startProcess({
          name: `${name} (capturing SQL)`,
          file: `subgraphs/${name}/index.ts`,
          env: { ...options.env, PORT: String(port), HOST: options.host, SQL_CAPTURE_FILE: file },
          cores: options.cores,
          readyUrl: `http://${options.host}:${port}/health/ready`,
          readyTimeoutMs: 90_000,
        });
        started.push(p);
        options.track?.(p);
        urls[name] = `http://${options.host}:${port}/graphql`;
      }),
    );
    const executor = new PlanExecutor({ ...options.access, urls });
    const out: CapturedCheck[] = [];
    try {
      const size = (f: string) => (existsSync(f) ? statSync(f).size : 0);
      for (const subject of options.subjects) {
        const before = new Map([...files].map(([name, f]) => [name, size(f)]));
        const execution = await executor.execute(options.plan, { id: subject });
        if (execution.errors.length > 0) throw new Error(`capturing the SQL of a check of ${subject}: ${execution.errors.join('; ')}`);
        const statements: CapturedStatement[] = [];
        for (const [name, f] of files) {
          if (!existsSync(f)) continue;
          const text = readFileSync(f).subarray(before.get(name)!).toString('utf8');
          for (const line of text.split('\n')) if (line.trim()) statements.push(JSON.parse(line) as CapturedStatement);
        }
        // In the order they were sent (stable for the same millisecond: file order per subgraph).
        statements.sort((a, b) => a.at - b.at);
        out.push({ subject, statements: statements.filter((s) => !isProbe(s.sql)) });
      }
    } finally {
      await executor.close();
    }
    return out;
  } finally {
    await Promise.all(started.map((p) => p.stop()));
  }
}
