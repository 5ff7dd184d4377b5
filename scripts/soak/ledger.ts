/**
 * What the soak sent and what came back: counts by kind, every verdict, every write with whether
 * (and when) it was acknowledged, and the moments checks answered fully, from which the recovery
 * after each fault is read. The audit at the end compares the acknowledged writes with the rows.
 */
import type { Department } from './operations.js';

export type RequestKind = 'check' | 'publish' | 'feedback';
export const REQUEST_KINDS: readonly RequestKind[] = ['check', 'publish', 'feedback'];

export class KindStats {
  /** First attempts, sent at the fixed rate. */
  sent = 0;
  /** Further attempts of a write that had failed, with the same input. */
  retries = 0;
  /** Attempts answered HTTP 200 with data and no error. */
  acknowledged = 0;
  /** Attempts that were not (each cause counted). */
  failed = 0;
  readonly causes = new Map<string, number>();
  /** Latency of acknowledged attempts, ms. */
  readonly latencies: number[] = [];

  /** When each failed attempt was sent (performance.now()) and why it failed. */
  readonly failures: { at: number; cause: string }[] = [];

  fail(cause: string, sentAt: number): void {
    this.failed++;
    this.causes.set(cause, (this.causes.get(cause) ?? 0) + 1);
    this.failures.push({ at: sentAt, cause });
  }
}

/** A check whose answer broke a rule, kept to be shown. */
export interface Violation {
  at: number;
  subjectId: string;
  verdict: string;
  missingSources: string[];
  why: string;
}

export interface PublishWrite {
  department: Department;
  decisionNo: string;
  subjectId: string;
  black: boolean;
  input: Record<string, unknown>;
  attempts: number;
  firstSentAt: number;
  ackAt?: number;
  recordId?: string;
  /** A refusal that a retry of identical input must never get (CONFLICT, BAD_USER_INPUT, FORBIDDEN). */
  refused?: string;
}

export interface FeedbackWrite {
  checkId: string;
  items: { measureCode: string; outcome: 'APPLIED' | 'NOT_APPLIED'; reason?: string }[];
  attempts: number;
  firstSentAt: number;
  ackAt?: number;
  refused?: string;
}

/** When a check answered, and whether it answered fully: no error and every source present. */
interface CheckMoment {
  sentAt: number;
  doneAt: number;
  full: boolean;
}

export class Ledger {
  readonly stats: Record<RequestKind, KindStats> = { check: new KindStats(), publish: new KindStats(), feedback: new KindStats() };
  readonly verdicts = new Map<string, number>();
  /** Checks answered with a verdict but with a source missing. */
  answeredWithMissingSource = 0;
  /** Checks of subjects with an active black record (or with a missing source) answered CLEAR. */
  readonly falseClears: Violation[] = [];
  /** Checks of such subjects answered neither MANDATORY_RESTRICTION nor, with every department of their black records missing, INCOMPLETE. */
  readonly missedRestrictions: Violation[] = [];
  /** Checks of subjects with a known black record, by verdict. */
  readonly blackVerdicts = new Map<string, number>();
  /** checkId of every check answered with a verdict (with or without errors): each must be stored. */
  readonly checks = new Set<string>();
  readonly publishes = new Map<string, PublishWrite>();
  readonly feedback = new Map<string, FeedbackWrite>();
  /** Requests not sent because too many were still waiting for an answer. */
  notSent = 0;
  private readonly moments: CheckMoment[] = [];
  private waiters: { after: number; resolve: (doneAt: number) => void }[] = [];

  verdict(verdict: string, black: boolean): void {
    this.verdicts.set(verdict, (this.verdicts.get(verdict) ?? 0) + 1);
    if (black) this.blackVerdicts.set(verdict, (this.blackVerdicts.get(verdict) ?? 0) + 1);
  }

  checkAnswered(sentAt: number, doneAt: number, full: boolean): void {
    this.moments.push({ sentAt, doneAt, full });
    if (!full) return;
    const due = this.waiters.filter((w) => sentAt >= w.after);
    this.waiters = this.waiters.filter((w) => sentAt < w.after);
    for (const w of due) w.resolve(doneAt);
  }

  /** Resolves with the moment the first check sent at or after `after` answers fully; null after `timeoutMs`. */
  firstFullCheck(after: number, timeoutMs: number): Promise<number | null> {
    const seen = this.moments.find((m) => m.full && m.sentAt >= after);
    if (seen) return Promise.resolve(seen.doneAt);
    return new Promise((resolve) => {
      const waiter = { after, resolve: (t: number) => (clearTimeout(timer), resolve(t)) };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve(null);
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /** Checks sent in [from, to) that did not answer fully. */
  checksNotFull(from: number, to: number): number {
    return this.moments.filter((m) => m.sentAt >= from && m.sentAt < to && !m.full).length;
  }

  acknowledgedPublishes(): PublishWrite[] {
    return [...this.publishes.values()].filter((p) => p.ackAt !== undefined);
  }

  acknowledgedFeedback(): FeedbackWrite[] {
    return [...this.feedback.values()].filter((f) => f.ackAt !== undefined);
  }
}
