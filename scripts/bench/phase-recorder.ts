import { checkData, checkPublication, isWrong, type AnswerRules, type NextRequest } from './answers.js';
import type { LoadPhaseResult } from './protocol.js';

type Json = Record<string, any>;

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export function round(n: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/** Counts the answers of one load phase, right and wrong, and their latencies. */
export class PhaseRecorder {
  private responses = 0;
  private valid = 0;
  private withRecords = 0;
  private subjects = 0;
  private subjectsWithRecords = 0;
  private published = 0;
  private readonly verdicts: Record<string, number> = {};
  private readonly errorReasons: Record<string, number> = {};
  private readonly errorSamples: string[] = [];
  private readonly latencies: number[] = [];

  constructor(private readonly rules: AnswerRules) {}

  latency(ms: number): void {
    this.latencies.push(ms);
  }

  /** A failure that is not an answer (connection error, timeout). */
  fail(reason: string, detail: string): void {
    this.errorReasons[reason] = (this.errorReasons[reason] ?? 0) + 1;
    if (this.errorSamples.length < 5) this.errorSamples.push(`${reason}: ${detail.slice(0, 300)}`);
  }

  /** An answer that arrived but is wrong before its data is looked at (HTTP status, `errors`). */
  failAnswer(reason: string, detail: string): void {
    this.responses++;
    this.fail(reason, detail);
  }

  /** An answer's data, checked against the request (the ids asked, or the publication). */
  answer(data: Json | null | undefined, request: Pick<NextRequest, 'expect' | 'decisionNo'>): void {
    if (request.decisionNo !== undefined) return this.publication(data, request.expect[0]!, request.decisionNo);
    const { expect } = request;
    this.responses++;
    const outcome = checkData(data, expect, this.rules);
    if (isWrong(outcome)) return this.fail(outcome.reason, outcome.detail);
    this.valid++;
    this.subjects += outcome.subjects;
    this.subjectsWithRecords += outcome.subjectsWithRecords;
    if (outcome.subjectsWithRecords > 0) this.withRecords++;
    for (const [verdict, n] of Object.entries(outcome.verdicts)) this.verdicts[verdict] = (this.verdicts[verdict] ?? 0) + n;
  }

  private publication(data: Json | null | undefined, subjectId: string, decisionNo: string): void {
    this.responses++;
    const wrong = checkPublication(data, { subjectId, decisionNo });
    if (wrong) return this.fail(wrong.reason, wrong.detail);
    this.valid++;
    this.published++;
  }

  result(elapsedMs: number, loadCpuMs: number, extra: Pick<LoadPhaseResult, 'autocannon' | 'fetches'> = {}): LoadPhaseResult {
    const sorted = Float64Array.from(this.latencies).sort();
    const sum = this.latencies.reduce((a, b) => a + b, 0);
    return {
      elapsedMs: round(elapsedMs, 0),
      responses: this.responses,
      valid: this.valid,
      errors: Object.values(this.errorReasons).reduce((a, b) => a + b, 0),
      errorReasons: this.errorReasons,
      errorSamples: this.errorSamples,
      withRecords: this.withRecords,
      subjects: this.subjects,
      subjectsWithRecords: this.subjectsWithRecords,
      verdicts: this.verdicts,
      published: this.published,
      latencyMs: {
        p50: round(percentile(sorted, 50)),
        p90: round(percentile(sorted, 90)),
        p99: round(percentile(sorted, 99)),
        mean: round(this.latencies.length ? sum / this.latencies.length : 0),
        max: round(sorted.length ? sorted[sorted.length - 1]! : 0),
      },
      ...extra,
      loadCpuMs: round(loadCpuMs, 0),
    };
  }
}
