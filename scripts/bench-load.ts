/**
 * The load generator of `npm run bench`, run by scripts/bench.ts as its own child process (over
 * IPC) so that generating load shares no event loop with the bench driver or the gateway, and so
 * that it can be pinned to a core of its own choosing.
 *
 * Protocol: the parent sends one `LoadJob`; this process warms up (if asked), sends `warmed`,
 * waits for `go` (the parent reads CPU counters in between), measures, sends `result` and exits.
 * Every response is checked: status 200, no `errors`, and the subject(s) asked for, in order.
 */
import autocannon from 'autocannon';

export type LoadMode = 'subject' | 'batch';

export interface LoadJob {
  name: string;
  url: string;
  token: string;
  query: string;
  mode: LoadMode;
  /** Subject ids to draw from, already in the order to use them (shuffled by the parent). */
  ids: string[];
  /** Ids per request in `batch` mode. */
  batchSize: number;
  connections: number;
  warmupSeconds: number;
  durationSeconds: number;
  /** Per-request timeout. */
  timeoutSeconds: number;
}

export interface LoadPhaseResult {
  elapsedMs: number;
  /** Responses received (valid or not). */
  responses: number;
  valid: number;
  /** Invalid responses by reason, plus autocannon's connection errors and timeouts. */
  errors: number;
  errorReasons: Record<string, number>;
  /** The first few invalid responses, shortened. */
  errorSamples: string[];
  /** Valid responses in which at least one subject had at least one credit record. */
  withRecords: number;
  /** Subjects in valid responses, and those of them with at least one record. */
  subjects: number;
  subjectsWithRecords: number;
  latencyMs: { p50: number; p90: number; p99: number; mean: number; max: number };
  autocannon: { totalRequests: number; totalCompletedRequests: number; errors: number; timeouts: number; non2xx: number; p50: number; p99: number };
  /** CPU time of this load generator during the phase. */
  loadCpuMs: number;
}

export type ParentMessage = { type: 'job'; job: LoadJob } | { type: 'go' };
export type WorkerMessage =
  | { type: 'warmed'; warmup: LoadPhaseResult | null }
  | { type: 'result'; result: LoadPhaseResult }
  | { type: 'failed'; message: string };

type Json = Record<string, any>;

function send(message: WorkerMessage): Promise<void> {
  return new Promise((resolve, reject) => process.send!(message, undefined, {}, (err) => (err ? reject(err) : resolve())));
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

function round(n: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

function hasRecords(view: Json | null | undefined): boolean {
  if (!view) return false;
  for (const dept of ['tax', 'market', 'courts', 'finance']) {
    const records = view[dept]?.records;
    if (Array.isArray(records) && records.length > 0) return true;
  }
  return false;
}

/** Runs autocannon once and checks every response. */
async function runPhase(job: LoadJob, durationSeconds: number, counter: { next: number }): Promise<LoadPhaseResult> {
  const target = new URL(job.url);
  const n = job.ids.length;
  let responses = 0;
  let valid = 0;
  let withRecords = 0;
  let subjects = 0;
  let subjectsWithRecords = 0;
  const errorReasons: Record<string, number> = {};
  const errorSamples: string[] = [];
  const latencies: number[] = [];

  const fail = (reason: string, detail: string) => {
    errorReasons[reason] = (errorReasons[reason] ?? 0) + 1;
    if (errorSamples.length < 5) errorSamples.push(`${reason}: ${detail.slice(0, 300)}`);
  };

  const nextVariables = (): { variables: Json; expect: string[] } => {
    const k = counter.next++;
    if (job.mode === 'subject') {
      const id = job.ids[k % n]!;
      return { variables: { id }, expect: [id] };
    }
    // A different window of the shuffled pool for each request; it wraps around the pool, and
    // after each full pass the windows shift, so id sets do not repeat.
    const pass = Math.floor((k * job.batchSize) / n);
    const start = (k * job.batchSize + pass * 7919) % n;
    const ids: string[] = [];
    for (let j = 0; j < job.batchSize; j++) ids.push(job.ids[(start + j) % n]!);
    return { variables: { ids }, expect: ids };
  };

  const check = (status: number, body: string, expect: string[]) => {
    responses++;
    if (status !== 200) return fail(`HTTP ${status}`, body);
    let parsed: Json;
    try {
      parsed = JSON.parse(body) as Json;
    } catch {
      return fail('unparsable body', body);
    }
    if (Array.isArray(parsed.errors) && parsed.errors.length > 0) {
      const first = parsed.errors[0] as Json;
      return fail(`GraphQL error${first?.extensions?.code ? ` ${first.extensions.code}` : ''}`, JSON.stringify(parsed.errors));
    }
    if (job.mode === 'subject') {
      const subject = parsed.data?.subject as Json | null | undefined;
      if (!subject) return fail('no subject', body);
      if (subject.id !== expect[0]) return fail('wrong subject', `asked ${expect[0]}, got ${subject.id}`);
      valid++;
      subjects++;
      if (hasRecords(subject)) {
        withRecords++;
        subjectsWithRecords++;
      }
      return;
    }
    const list = parsed.data?.subjects as Json[] | null | undefined;
    if (!Array.isArray(list)) return fail('no subjects', body);
    if (list.length !== expect.length) return fail('wrong subject count', `asked ${expect.length}, got ${list.length}`);
    for (let i = 0; i < list.length; i++) {
      if (list[i]?.id !== expect[i]) return fail('wrong subject order', `position ${i}: asked ${expect[i]}, got ${list[i]?.id}`);
    }
    valid++;
    subjects += list.length;
    let any = false;
    for (const s of list) {
      if (hasRecords(s)) {
        subjectsWithRecords++;
        any = true;
      }
    }
    if (any) withRecords++;
  };

  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: `${target.protocol}//${target.host}`,
        connections: job.connections,
        pipelining: 1,
        duration: durationSeconds,
        timeout: job.timeoutSeconds,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${job.token}` },
        requests: [
          {
            method: 'POST',
            path: target.pathname,
            setupRequest: (request, context) => {
              const { variables, expect } = nextVariables();
              context.expect = expect;
              request.body = JSON.stringify({ query: job.query, variables });
              return request;
            },
            onResponse: (status, body, context) => check(status, body, context.expect as string[]),
          },
        ],
      },
      (err, res) => (err ? reject(err) : resolve(res)),
    );
    instance.on('response', (_client: unknown, _status: number, _bytes: number, responseTime: number) => latencies.push(responseTime));
    instance.on('reqError', (err: Error) => fail(err.message === 'request timed out' ? 'timeout' : 'connection error', err.message));
  });
  const elapsedMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);

  const sorted = Float64Array.from(latencies).sort();
  const sum = latencies.reduce((a, b) => a + b, 0);
  const errors = Object.values(errorReasons).reduce((a, b) => a + b, 0);
  return {
    elapsedMs: round(elapsedMs, 0),
    responses,
    valid,
    errors,
    errorReasons,
    errorSamples,
    withRecords,
    subjects,
    subjectsWithRecords,
    latencyMs: {
      p50: round(percentile(sorted, 50)),
      p90: round(percentile(sorted, 90)),
      p99: round(percentile(sorted, 99)),
      mean: round(latencies.length ? sum / latencies.length : 0),
      max: round(sorted.length ? sorted[sorted.length - 1]! : 0),
    },
    autocannon: {
      totalRequests: result.totalRequests,
      totalCompletedRequests: result.totalCompletedRequests,
      errors: result.errors,
      timeouts: result.timeouts,
      non2xx: result.non2xx,
      p50: result.latency.p50,
      p99: result.latency.p99,
    },
    loadCpuMs: round((cpu.user + cpu.system) / 1000, 0),
  };
}

function nextMessage(): Promise<ParentMessage> {
  return new Promise((resolve) => process.once('message', (m) => resolve(m as ParentMessage)));
}

if (!process.send) {
  console.error('bench-load.ts is run by scripts/bench.ts (it needs an IPC channel); run `npm run bench`.');
  process.exit(2);
}
// The parent going away (Ctrl-C, crash) ends the load at once.
let finished = false;
process.on('disconnect', () => {
  if (!finished) process.exit(1);
});

try {
  const first = await nextMessage();
  if (first.type !== 'job') throw new Error(`expected a job, got ${first.type}`);
  const { job } = first;
  // The warm-up starts where the measurement would, so both draw from the whole pool.
  const counter = { next: Math.floor(Math.random() * job.ids.length) };
  const warmup = job.warmupSeconds > 0 ? await runPhase(job, job.warmupSeconds, counter) : null;
  await send({ type: 'warmed', warmup });
  const go = await nextMessage();
  if (go.type !== 'go') throw new Error(`expected go, got ${go.type}`);
  const result = await runPhase(job, job.durationSeconds, counter);
  await send({ type: 'result', result });
  finished = true;
  process.exit(0);
} catch (err) {
  await send({ type: 'failed', message: (err as Error).stack ?? String(err) }).catch(() => {});
  finished = true;
  process.exit(1);
}
