/**
 * The faults, spread over the run, one at a time: a department killed with SIGKILL and started
 * again; a department stopped (SIGSTOP) for longer than the gateway's subgraph timeout, then
 * continued; the MySQL server shut down and started again; the push relay killed and started
 * again. For each: how long it lasted, when the process was ready again, and the recovery — from
 * the end of the fault (the restart, SIGCONT or server start being issued) to the first check sent
 * afterwards that answered fully (no error, every department present) — and how long the push
 * feed took to hold every publication acknowledged until then.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { StackHandle } from '../stack-processes.js';
import type { FeedReader } from './feed-reader.js';
import type { Ledger } from './ledger.js';
import type { SoakMysql } from './mysql-server.js';
import type { Department } from './operations.js';

export const FAULT_KINDS = ['kill', 'pause', 'mysql', 'relay'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultPlan {
  kind: FaultKind;
  /** The department killed or paused. */
  target?: Department;
  /** When it is due, ms after the load started. */
  dueMs: number;
  /** How long the process stays dead or stopped, or the server down. */
  holdMs: number;
}

export interface FaultResult {
  plan: FaultPlan;
  label: string;
  /** ms after the load started. */
  startedMs?: number;
  heldMs?: number;
  /** The restarted process (or server) answered ready this long after the end of the fault. */
  readyMs?: number;
  /** First fully answered check after the end of the fault; null: none within the wait. */
  recoveryMs?: number | null;
  /** Every publication acknowledged before the end of the fault was in the push feed, this long after it. */
  feedCaughtUpMs?: number | null;
  /** Checks sent from the start of the fault until recovery that did not answer fully. */
  checksNotFull?: number;
  skipped?: string;
  error?: string;
  /** Something worth knowing about this fault, e.g. who else the MySQL restart disturbed. */
  note?: string;
}

/** How long to wait for a recovery before calling it failed. */
const RECOVERY_WAIT_MS = 120_000;
/** Pause after a recovery before the next fault, so that each fault is measured on its own. */
const SETTLE_MS = 5_000;
/** No fault starts unless this much of the run is left after it. */
const TAIL_MS = 10_000;

export function describeFault(plan: FaultPlan): string {
  switch (plan.kind) {
    case 'kill':
      return `kill -9 ${plan.target} subgraph, restart`;
    case 'pause':
      return `SIGSTOP ${plan.target} subgraph ${(plan.holdMs / 1000).toFixed(0)} s, SIGCONT`;
    case 'mysql':
      return 'restart MySQL (shutdown, start)';
    case 'relay':
      return 'kill -9 push relay, restart';
  }
}

/** The faults in the order given (at most the four kinds, once each), at 10 %, 30 %, 50 % and 70 % of the run. */
export function planFaults(durationMs: number, kinds: readonly FaultKind[], o: { kill: Department; pause: Department; subgraphTimeoutMs: number }): FaultPlan[] {
  return kinds.map((kind, i) => {
    const dueMs = (0.1 + 0.2 * i) * durationMs;
    switch (kind) {
      case 'kill':
        return { kind, target: o.kill, dueMs, holdMs: 15_000 };
      case 'pause':
        return { kind, target: o.pause, dueMs, holdMs: o.subgraphTimeoutMs + 4_000 };
      case 'mysql':
        return { kind, dueMs, holdMs: 5_000 };
      case 'relay':
        return { kind, dueMs, holdMs: 15_000 };
    }
  });
}

export class FaultRunner {
  /** Processes killed on purpose and not yet started again: their exit is expected. */
  readonly killed = new Set<string>();
  private paused: number | null = null;

  constructor(
    private readonly stack: StackHandle,
    private readonly ledger: Ledger,
    private readonly feed: FeedReader,
    private readonly mysql: SoakMysql,
    /** performance.now() when the load started. */
    private readonly loadStart: number,
    private readonly log: (line: string) => void,
    /** The soak's database prefix: connections to other databases are someone else's. */
    private readonly dbPrefix: string,
  ) {}

  /** Runs the plans in order; none starts after `endMs` (after the load started) less a tail. */
  async run(plans: readonly FaultPlan[], endMs: number, skipMysql: string | null): Promise<FaultResult[]> {
    const results: FaultResult[] = [];
    let earliest = 0;
    for (const plan of plans) {
      const result: FaultResult = { plan, label: describeFault(plan) };
      results.push(result);
      if (plan.kind === 'mysql' && skipMysql) {
        result.skipped = skipMysql;
        continue;
      }
      const startAt = Math.max(plan.dueMs, earliest);
      if (startAt + plan.holdMs + TAIL_MS > endMs) {
        result.skipped = 'no time left in the run';
        continue;
      }
      await sleep(Math.max(0, this.loadStart + startAt - performance.now()));
      try {
        await this.inflict(plan, result);
      } catch (err) {
        result.error = (err as Error).message;
        this.log(`fault "${result.label}" failed: ${result.error}`);
      }
      earliest = performance.now() - this.loadStart + SETTLE_MS;
    }
    return results;
  }

  /** Undoes whatever is still in effect: a stopped process, a stopped server. */
  async cleanup(): Promise<void> {
    if (this.paused !== null) {
      try {
        process.kill(this.paused, 'SIGCONT');
      } catch {
        /* gone already */
      }
      this.paused = null;
    }
    await this.mysql.ensureRunning();
  }

  private async inflict(plan: FaultPlan, result: FaultResult): Promise<void> {
    const started = performance.now();
    result.startedMs = started - this.loadStart;
    this.log(`t=${(result.startedMs / 1000).toFixed(0)} s: ${result.label}`);
    let ended = started;
    if (plan.kind === 'kill' || plan.kind === 'relay') {
      const name = plan.kind === 'kill' ? plan.target! : 'relay';
      const pid = name === 'relay' ? this.stack.relayPid : this.stack.services[name as Department].pid;
      if (pid === null) throw new Error(`${name} is not running`);
      this.killed.add(name);
      process.kill(pid, 'SIGKILL');
      await sleep(plan.holdMs);
      ended = performance.now();
      await this.stack.restart(name as Department | 'relay');
      this.killed.delete(name);
      result.readyMs = performance.now() - ended;
    } else if (plan.kind === 'pause') {
      const pid = this.stack.services[plan.target!].pid;
      process.kill(pid, 'SIGSTOP');
      this.paused = pid;
      await sleep(plan.holdMs);
      ended = performance.now();
      process.kill(pid, 'SIGCONT');
      this.paused = null;
      result.readyMs = 0;
    } else {
      const others = await this.mysql.otherDatabasesInUse(this.dbPrefix).catch(() => []);
      if (others.length > 0) {
        result.note = `other clients were connected to ${others.join(', ')} and were disturbed too`;
        this.log(`  note: ${result.note}`);
      }
      await this.mysql.stop();
      await sleep(plan.holdMs);
      ended = performance.now();
      await this.mysql.start();
      result.readyMs = performance.now() - ended;
    }
    result.heldMs = ended - started;
    const recovered = await this.ledger.firstFullCheck(ended, RECOVERY_WAIT_MS);
    result.recoveryMs = recovered === null ? null : recovered - ended;
    result.checksNotFull = this.ledger.checksNotFull(started, recovered ?? performance.now());
    const acked = this.ledger.acknowledgedPublishes().filter((p) => p.ackAt! <= ended && p.recordId).map((p) => p.recordId!);
    const caughtUp = await this.feed.waitFor(acked, RECOVERY_WAIT_MS);
    result.feedCaughtUpMs = caughtUp === null ? null : Math.max(0, caughtUp - ended);
    this.log(
      `  recovered: first full check ${result.recoveryMs === null ? 'not within 120 s' : `${(result.recoveryMs / 1000).toFixed(2)} s`} after the fault ended; ` +
        `push feed ${result.feedCaughtUpMs === null ? 'not caught up within 120 s' : `caught up after ${(result.feedCaughtUpMs / 1000).toFixed(2)} s`}`,
    );
  }
}
