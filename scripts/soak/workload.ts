/**
 * The load: requests at a fixed rate (open loop: the next one leaves on time whether or not the
 * previous ones were answered), a mix of checks before approval, publications of new records and
 * execution feedback on earlier checks. Every write that is not acknowledged is sent again with
 * the same input after a growing pause, until it is acknowledged, refused, or the drain ends:
 * the services promise that such retries write nothing twice.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { addDays, today } from '../../subgraphs/kit/clock.js';
import { DEPARTMENTS } from '../../subgraphs/services.js';
import { acknowledged, failureCause, postGraphQL, type Answer } from './graphql.js';
import type { FeedbackWrite, Ledger, PublishWrite, RequestKind } from './ledger.js';
import { CATEGORIES, CHECK, FEEDBACK, KEYS, MATTERS, publishMutation, type Department } from './operations.js';
import type { SubjectPool } from './subject-pool.js';

export interface WorkloadOptions {
  gatewayUrl: string;
  /** Requests a second, first attempts only. */
  rate: number;
  /** Tag of this run in decision numbers and case references, so the audit finds its rows. */
  runId: string;
  /** A request not answered by then counts as failed (a paused process answers nothing). */
  requestTimeoutMs: number;
  /** Beyond this many requests waiting for an answer, a request due is counted as not sent. */
  maxInFlight: number;
  /** Shares of the mix; they need not add up to one. */
  mix: Record<RequestKind, number>;
}

/** Refusals a retry of identical input must never get: counted, never retried. */
const REFUSALS = new Set(['CONFLICT', 'BAD_USER_INPUT', 'FORBIDDEN', 'NOT_FOUND', 'UNAUTHENTICATED']);
const RETRY_BASE_MS = 250;
const RETRY_MAX_MS = 4000;

/** Checks whose measures are waiting for feedback; the oldest are reported first. */
interface CheckForFeedback {
  checkId: string;
  measures: string[];
}

export class Workload {
  private inFlight = 0;
  private pendingRetries = 0;
  private sending = false;
  private draining = false;
  private drainDeadline = Infinity;
  private publishCount = 0;
  private checkCount = 0;
  private readonly forFeedback: CheckForFeedback[] = [];
  private loop: Promise<void> = Promise.resolve();
  private idle: (() => void)[] = [];

  constructor(
    private readonly options: WorkloadOptions,
    private readonly ledger: Ledger,
    private readonly subjects: SubjectPool,
  ) {}

  /** Starts sending at the fixed rate until `stop`. */
  start(): void {
    this.sending = true;
    this.loop = this.run();
  }

  /** Stops sending new requests; writes in flight or waiting for a retry go on until `drain`. */
  async stop(): Promise<void> {
    this.sending = false;
    await this.loop;
  }

  /** Waits until every write was acknowledged or refused, retrying for at most `ms`; returns the writes still open. */
  async drain(ms: number): Promise<number> {
    this.draining = true;
    this.drainDeadline = performance.now() + ms;
    const settled = new Promise<void>((resolve) => {
      if (this.inFlight === 0 && this.pendingRetries === 0) resolve();
      else this.idle.push(resolve);
    });
    await Promise.race([settled, sleep(ms + this.options.requestTimeoutMs)]);
    return this.inFlight + this.pendingRetries;
  }

  private async run(): Promise<void> {
    const interval = 1000 / this.options.rate;
    let next = performance.now();
    while (this.sending) {
      next += interval;
      if (this.inFlight >= this.options.maxInFlight) this.ledger.notSent++;
      else void this.sendOne();
      const wait = next - performance.now();
      if (wait > 0) await sleep(wait);
    }
  }

  private chooseKind(): RequestKind {
    const { mix } = this.options;
    let r = Math.random() * (mix.check + mix.publish + mix.feedback);
    if ((r -= mix.check) < 0) return 'check';
    if ((r -= mix.publish) < 0) return 'publish';
    return this.forFeedback.length > 0 ? 'feedback' : 'check';
  }

  private async sendOne(): Promise<void> {
    const kind = this.chooseKind();
    if (kind === 'check') return this.tracked(kind, () => this.check());
    if (kind === 'publish') return this.tracked(kind, () => this.publish(this.newPublication()));
    return this.tracked(kind, () => this.feedback(this.newFeedback()));
  }

  /** Runs one request (or retry) counted in flight; a fault of the soak itself is counted, never thrown. */
  private async tracked(kind: RequestKind, work: () => Promise<void>): Promise<void> {
    this.inFlight++;
    try {
      await work();
    } catch (err) {
      this.ledger.stats[kind].fail(`soak error: ${(err as Error).message}`, performance.now());
    } finally {
      this.inFlight--;
      this.settleIfIdle();
    }
  }

  private settleIfIdle(): void {
    if (this.inFlight === 0 && this.pendingRetries === 0) for (const resolve of this.idle.splice(0)) resolve();
  }

  private post(query: string, variables: Record<string, unknown>, key: string): Promise<Answer> {
    return postGraphQL(this.options.gatewayUrl, key, query, variables, this.options.requestTimeoutMs);
  }

  // ------------------------------------------------------------------ checks

  private async check(): Promise<void> {
    const black = Math.random() < 0.5;
    const subjectId = black ? this.subjects.blackSubject() : this.subjects.anySubject();
    // Departments of the subject's black records as known when the check leaves: a record
    // acknowledged later may or may not be seen by this check.
    const blackIn = new Set(this.subjects.blackDepartments(subjectId) ?? []);
    const matter = MATTERS[this.checkCount % MATTERS.length]!;
    const caseRef = `SOAK-${this.options.runId}-${++this.checkCount}`;
    const stats = this.ledger.stats.check;
    stats.sent++;
    const sentAt = performance.now();
    const answer = await this.post(CHECK, { id: subjectId, matter, caseRef }, KEYS.approval);
    const doneAt = performance.now();
    const check = answer.data?.subject?.creditCheck as { checkId: string; verdict: string; missingSources: string[]; measures: { code: string }[] } | undefined;
    if (!check?.verdict) {
      stats.fail(failureCause(answer), sentAt);
      this.ledger.checkAnswered(sentAt, doneAt, false);
      return;
    }
    const missing = check.missingSources ?? [];
    const full = acknowledged(answer) && missing.length === 0;
    this.ledger.verdict(check.verdict, blackIn.size > 0);
    this.ledger.checkAnswered(sentAt, doneAt, full);
    if (missing.length > 0) this.ledger.answeredWithMissingSource++;
    this.judge(subjectId, blackIn, check.verdict, missing, doneAt);
    if (check.checkId) this.ledger.checks.add(check.checkId);
    if (acknowledged(answer)) {
      stats.acknowledged++;
      stats.latencies.push(answer.ms);
      if (check.measures.length > 0 && this.forFeedback.length < 5000) this.forFeedback.push({ checkId: check.checkId, measures: check.measures.map((m) => m.code) });
    } else {
      stats.fail(failureCause(answer), sentAt);
    }
  }

  /** The rules a verdict must keep, whatever is down. */
  private judge(subjectId: string, blackIn: ReadonlySet<Department>, verdict: string, missing: string[], at: number): void {
    if (verdict === 'CLEAR' && missing.length > 0) {
      this.ledger.falseClears.push({ at, subjectId, verdict, missingSources: missing, why: 'CLEAR with a source missing' });
      return;
    }
    if (blackIn.size === 0) return;
    if (verdict === 'CLEAR') {
      this.ledger.falseClears.push({ at, subjectId, verdict, missingSources: missing, why: `active black record in ${[...blackIn].join(', ')}` });
      return;
    }
    const allMissing = [...blackIn].every((d) => missing.includes(d));
    if (verdict !== 'MANDATORY_RESTRICTION' && !(allMissing && verdict === 'INCOMPLETE')) {
      this.ledger.missedRestrictions.push({ at, subjectId, verdict, missingSources: missing, why: `active black record in ${[...blackIn].join(', ')}` });
    }
  }

  // ------------------------------------------------------------------ writes

  private newPublication(): PublishWrite {
    const n = ++this.publishCount;
    const department = DEPARTMENTS[n % DEPARTMENTS.length]!;
    // Every department in turn, and in each three publications in four on the black list.
    const black = Math.floor(n / DEPARTMENTS.length) % 4 !== 0;
    const subjectId = this.subjects.legalPerson();
    const decisionNo = `SOAK-${this.options.runId}-${department}-${n}`;
    const input = {
      subjectId,
      category: black ? CATEGORIES[department].black : CATEGORIES[department].other,
      decisionNo,
      decidedOn: addDays(today(), -(1 + (n % 30))),
      summary: `压力测试记录 soak run ${this.options.runId}, publication ${n}`,
    };
    const write: PublishWrite = { department, decisionNo, subjectId, black, input, attempts: 0, firstSentAt: performance.now() };
    this.ledger.publishes.set(decisionNo, write);
    return write;
  }

  private async publish(write: PublishWrite): Promise<void> {
    const answer = await this.attempt('publish', write, publishMutation(write.department), { input: write.input }, KEYS.department(write.department));
    if (!answer) return;
    const record = answer.data[write.department].publishRecord as { id: string };
    write.recordId = record.id;
    if (write.black) this.subjects.addBlack(write.subjectId, write.department, 'published');
  }

  private newFeedback(): FeedbackWrite {
    const check = this.forFeedback.shift()!;
    const items = check.measures.map((measureCode, i) =>
      i % 2 === 0 ? { measureCode, outcome: 'APPLIED' as const } : { measureCode, outcome: 'NOT_APPLIED' as const, reason: '经审慎评审，已另行处理 (soak)' },
    );
    const write: FeedbackWrite = { checkId: check.checkId, items, attempts: 0, firstSentAt: performance.now() };
    this.ledger.feedback.set(check.checkId, write);
    return write;
  }

  private async feedback(write: FeedbackWrite): Promise<void> {
    await this.attempt('feedback', write, FEEDBACK, { checkId: write.checkId, items: write.items }, KEYS.approval);
  }

  /**
   * Sends one attempt of a write. Acknowledged: records when and returns the answer. Refused: keeps
   * the refusal. Otherwise schedules the next attempt, with the same input, and returns null.
   */
  private async attempt(kind: 'publish' | 'feedback', write: PublishWrite | FeedbackWrite, query: string, variables: Record<string, unknown>, key: string): Promise<Answer | null> {
    const stats = this.ledger.stats[kind];
    if (write.attempts === 0) stats.sent++;
    else stats.retries++;
    write.attempts++;
    const sentAt = performance.now();
    const answer = await this.post(query, variables, key);
    if (acknowledged(answer)) {
      stats.acknowledged++;
      stats.latencies.push(answer.ms);
      write.ackAt = performance.now();
      return answer;
    }
    const cause = failureCause(answer);
    stats.fail(cause, sentAt);
    const code = answer.errors?.[0]?.extensions?.code;
    if (code && REFUSALS.has(code)) {
      write.refused = `${code}: ${answer.errors![0]!.message}`;
      return null;
    }
    const delay = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** Math.min(write.attempts - 1, 10));
    if (this.draining && performance.now() + delay > this.drainDeadline) return null;
    this.pendingRetries++;
    void sleep(delay).then(() => {
      this.pendingRetries--;
      return this.tracked(kind, () => (kind === 'publish' ? this.publish(write as PublishWrite) : this.feedback(write as FeedbackWrite)));
    });
    return null;
  }
}
