/**
 * The direct-call floor of `npm run bench`: a child process (protocol in protocol.ts) that takes
 * the gateway's place on the gateway's core and does only what the gateway's query plan makes the
 * subgraphs do (plan-executor.ts), driving its own load: `connections` virtual connections, each
 * executing one request's plan after the other. What it costs per request — in latency and in CPU
 * of this one process — is the least any gateway could cost for the same subgraph traffic.
 *
 * Every execution is held to the rules of answers.ts, as the gateway's responses are; a failed
 * subgraph fetch makes it wrong. Executions still running at the end of a phase are waited for and
 * counted, and the phase lasts until the last one ends.
 */
import type { PlanNode } from '@apollo/query-planner';
import type { IdSequence } from './answers.js';
import { jobRecorder, jobSequence, serveLoadJob, type LoadJobBase } from './load-child.js';
import { PlanExecutor, type PlanExecutorOptions } from './plan-executor.js';
import type { LoadPhaseResult, PublishShare } from './protocol.js';

export interface FloorJob extends LoadJobBase {
  /** The gateway's plan for the scenario's query (query-plans.ts). */
  plan: PlanNode;
  subgraphs: PlanExecutorOptions;
  /** Mixed loads: the plan of the publication sent in place of some requests, and its caller. */
  publish?: { plan: PlanNode; subgraphs: PlanExecutorOptions; share: PublishShare };
}

async function runPhase(job: FloorJob, executors: { main: PlanExecutor; publish: PlanExecutor | null }, seconds: number, sequence: IdSequence): Promise<LoadPhaseResult> {
  const recorder = jobRecorder(job);
  let fetches = 0;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const deadline = started + seconds * 1000;
  const connection = async () => {
    while (performance.now() < deadline) {
      const next = sequence.take();
      const publication = next.decisionNo !== undefined;
      const t0 = performance.now();
      const execution = publication ? await executors.publish!.execute(job.publish!.plan, next.variables) : await executors.main.execute(job.plan, next.variables);
      recorder.latency(performance.now() - t0);
      fetches += execution.fetches;
      if (execution.errors.length > 0) {
        const first = execution.errors[0]!;
        recorder.failAnswer(`subgraph error (${first.slice(0, first.indexOf(':'))})`, execution.errors.join('; '));
      } else {
        recorder.answer(execution.data, next);
      }
    }
  };
  await Promise.all(Array.from({ length: job.connections }, connection));
  const elapsedMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  return recorder.result(elapsedMs, (cpu.user + cpu.system) / 1000, { fetches });
}

await serveLoadJob<FloorJob>('scripts/bench/floor.ts', async (job) => {
  const executors = { main: new PlanExecutor(job.subgraphs), publish: job.publish ? new PlanExecutor(job.publish.subgraphs) : null };
  const sequence = jobSequence(job);
  return { phase: (seconds) => runPhase(job, executors, seconds, sequence) };
});
