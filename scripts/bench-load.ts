/**
 * The load generator of `npm run bench`, run by scripts/bench.ts as its own child process (over
 * IPC, protocol in scripts/bench/protocol.ts) so that generating load shares no event loop with
 * the bench driver or the gateway, and so that it can be pinned to a core of its own choosing.
 *
 * Every response is checked (scripts/bench/answers.ts): status 200, no `errors`, the subject(s)
 * asked for, in order, for checks a valid verdict with no missing source, for a publication the
 * new record.
 */
import autocannon from 'autocannon';
import type { IdSequence, NextRequest } from './bench/answers.js';
import { jobRecorder, jobSequence, serveLoadJob, type LoadJobBase } from './bench/load-child.js';
import type { LoadPhaseResult, PublishShare } from './bench/protocol.js';

export interface LoadJob extends LoadJobBase {
  url: string;
  token: string;
  query: string;
  /** Per-request timeout. */
  timeoutSeconds: number;
  /**
   * More headers on every request: the caller headers for a gateway that does not know our keys
   * (Hive Gateway forwards them to the subgraphs; scripts/bench/hive-gateway.config.ts).
   */
  headers?: Record<string, string>;
  /** Mixed loads: the publications sent in place of some requests, with their own key and headers. */
  publish?: { query: string; token: string; headers?: Record<string, string>; share: PublishShare };
}

type Json = Record<string, any>;

/** Runs autocannon once and checks every response. */
async function runPhase(job: LoadJob, durationSeconds: number, sequence: IdSequence): Promise<LoadPhaseResult> {
  const target = new URL(job.url);
  const recorder = jobRecorder(job);

  const check = (status: number, body: string, request: NextRequest) => {
    if (status !== 200) return recorder.failAnswer(`HTTP ${status}`, body);
    let parsed: Json;
    try {
      parsed = JSON.parse(body) as Json;
    } catch {
      return recorder.failAnswer('unparsable body', body);
    }
    if (Array.isArray(parsed.errors) && parsed.errors.length > 0) {
      const first = parsed.errors[0] as Json;
      return recorder.failAnswer(`GraphQL error${first?.extensions?.code ? ` ${first.extensions.code}` : ''}`, JSON.stringify(parsed.errors));
    }
    recorder.answer(parsed.data, request);
  };
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${job.token}`, ...job.headers };
  const publishHeaders = job.publish ? { 'content-type': 'application/json', authorization: `Bearer ${job.publish.token}`, ...job.publish.headers } : headers;

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
        headers,
        requests: [
          {
            method: 'POST',
            path: target.pathname,
            setupRequest: (request, context) => {
              const next = sequence.take();
              context.request = next;
              if (next.decisionNo !== undefined) {
                request.headers = { ...publishHeaders };
                request.body = JSON.stringify({ query: job.publish!.query, variables: next.variables });
              } else {
                request.headers = { ...headers };
                request.body = JSON.stringify({ query: job.query, variables: next.variables });
              }
              return request;
            },
            onResponse: (status, body, context) => check(status, body, context.request as NextRequest),
          },
        ],
      },
      (err, res) => (err ? reject(err) : resolve(res)),
    );
    instance.on('response', (_client: unknown, _status: number, _bytes: number, responseTime: number) => recorder.latency(responseTime));
    instance.on('reqError', (err: Error) => recorder.fail(err.message === 'request timed out' ? 'timeout' : 'connection error', err.message));
  });
  const elapsedMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  return recorder.result(elapsedMs, (cpu.user + cpu.system) / 1000, {
    autocannon: {
      totalRequests: result.totalRequests,
      totalCompletedRequests: result.totalCompletedRequests,
      errors: result.errors,
      timeouts: result.timeouts,
      non2xx: result.non2xx,
      p50: result.latency.p50,
      p99: result.latency.p99,
    },
  });
}

await serveLoadJob<LoadJob>('scripts/bench-load.ts', async (job) => {
  const sequence = jobSequence(job);
  return { phase: (seconds) => runPhase(job, seconds, sequence) };
});
