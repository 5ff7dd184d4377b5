/**
 * What scripts/bench.ts and its load children (scripts/bench-load.ts through the gateway,
 * scripts/bench/floor.ts straight to the subgraphs) say to each other over IPC.
 *
 * The parent sends one job; the child warms up (if asked), sends `warmed`, waits for `go` (the
 * parent reads CPU counters in between), measures, sends `result` and exits.
 */

/**
 * What a request asks: one subject's view, a batch of views, one check before approval, a batch
 * of checks, one check at one connection (check-1), or (mixed) one check, with a department's publication of a new record in place of
 * every n-th check. Single modes send `{ id }`, batch modes `{ ids }`, a publication `{ input }`.
 */
export type LoadMode = 'subject' | 'batch' | 'check' | 'check-1' | 'batch-check' | 'mixed';

export function isBatchMode(mode: LoadMode): boolean {
  return mode === 'batch' || mode === 'batch-check';
}

export function isCheckMode(mode: LoadMode): boolean {
  return mode === 'check' || mode === 'check-1' || mode === 'batch-check' || mode === 'mixed';
}

/** The publications of a mixed load: every `every`-th request is one, each of a new decision. */
export interface PublishShare {
  every: number;
  /** Prefix of the decision numbers, unique to the load child, so that every publication writes. */
  tag: string;
  /** The record category (of the department the key belongs to) and the decision date. */
  category: string;
  decidedOn: string;
}

export interface LoadPhaseResult {
  elapsedMs: number;
  /** Responses received (valid or not); for the floor, plan executions completed. */
  responses: number;
  valid: number;
  /** Invalid responses by reason, plus connection errors and timeouts. */
  errors: number;
  errorReasons: Record<string, number>;
  /** The first few invalid responses, shortened. */
  errorSamples: string[];
  /** Valid responses in which at least one subject had at least one credit record (views only). */
  withRecords: number;
  /** Subjects in valid responses, and those of them with at least one record (views only). */
  subjects: number;
  subjectsWithRecords: number;
  /** Checks in valid responses by verdict (checks only). */
  verdicts: Record<string, number>;
  /** Publications among the valid responses (mixed only). */
  published: number;
  latencyMs: { p50: number; p90: number; p99: number; mean: number; max: number };
  /** autocannon's own counters (gateway runs only). */
  autocannon?: { totalRequests: number; totalCompletedRequests: number; errors: number; timeouts: number; non2xx: number; p50: number; p99: number };
  /** Subgraph fetches made (floor runs only). */
  fetches?: number;
  /** CPU time of the load child itself during the phase. */
  loadCpuMs: number;
}

export type ParentMessage<J> = { type: 'job'; job: J } | { type: 'go' };
export type WorkerMessage =
  | { type: 'warmed'; warmup: LoadPhaseResult | null }
  | { type: 'result'; result: LoadPhaseResult }
  | { type: 'failed'; message: string };
