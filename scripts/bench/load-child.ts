/**
 * The child side of the protocol in protocol.ts, shared by scripts/bench-load.ts and
 * scripts/bench/floor.ts: take the job, warm up, report, wait for `go`, measure, report, exit.
 */
import { IdSequence } from './answers.js';
import { PhaseRecorder } from './phase-recorder.js';
import type { LoadMode, LoadPhaseResult, ParentMessage, PublishShare, WorkerMessage } from './protocol.js';

export interface PhaseJob {
  warmupSeconds: number;
  durationSeconds: number;
}

/** What the jobs of both load children (scripts/bench-load.ts, scripts/bench/floor.ts) have in common. */
export interface LoadJobBase extends PhaseJob {
  name: string;
  mode: LoadMode;
  /** Subject ids to draw from, already in the order to use them (shuffled by the parent). */
  ids: string[];
  /** Ids per request in batch modes. */
  batchSize: number;
  /** Subjects whose check must be MANDATORY_RESTRICTION. */
  mandatoryIds: string[];
  /** The verdict each subject's check must give (found by the floor before the load). */
  expectedVerdicts?: Record<string, string>;
  /** The subjects publications are for (mixed loads), apart from those checked. */
  publishIds?: string[];
  connections: number;
  /** Mixed loads: the publications sent in place of some requests. */
  publish?: { share: PublishShare };
}

/** The job's request sequence; the warm-up starts where the measurement would, so both draw from the whole pool. */
export function jobSequence(job: LoadJobBase): IdSequence {
  return new IdSequence(job.ids, job.mode, job.batchSize, Math.floor(Math.random() * job.ids.length), job.publish?.share, job.publishIds ?? job.ids);
}

/** A recorder for one phase of the job, holding answers to its rules. */
export function jobRecorder(job: LoadJobBase): PhaseRecorder {
  return new PhaseRecorder({ mode: job.mode, mandatory: new Set(job.mandatoryIds), ...(job.expectedVerdicts ? { expected: job.expectedVerdicts } : {}) });
}

/** Runs phases of one job; `phase` is called for the warm-up (if any), then for the measurement. */
export interface PhaseRunner {
  phase(seconds: number): Promise<LoadPhaseResult>;
}

function send(message: WorkerMessage): Promise<void> {
  return new Promise((resolve, reject) => process.send!(message, undefined, {}, (err) => (err ? reject(err) : resolve())));
}

function nextMessage<J>(): Promise<ParentMessage<J>> {
  return new Promise((resolve) => process.once('message', (m) => resolve(m as ParentMessage<J>)));
}

/** Serves one job over IPC and exits the process (0 after a result, 1 on failure or when the parent goes). */
export async function serveLoadJob<J extends PhaseJob>(file: string, prepare: (job: J) => Promise<PhaseRunner>): Promise<never> {
  if (!process.send) {
    console.error(`${file} is run by scripts/bench.ts (it needs an IPC channel); run \`npm run bench\`.`);
    process.exit(2);
  }
  // The parent going away (Ctrl-C, crash) ends the load at once.
  let finished = false;
  process.on('disconnect', () => {
    if (!finished) process.exit(1);
  });
  try {
    const first = await nextMessage<J>();
    if (first.type !== 'job') throw new Error(`expected a job, got ${first.type}`);
    const { job } = first;
    const runner = await prepare(job);
    const warmup = job.warmupSeconds > 0 ? await runner.phase(job.warmupSeconds) : null;
    await send({ type: 'warmed', warmup });
    const go = await nextMessage<J>();
    if (go.type !== 'go') throw new Error(`expected go, got ${go.type}`);
    const result = await runner.phase(job.durationSeconds);
    await send({ type: 'result', result });
    finished = true;
    process.exit(0);
  } catch (err) {
    await send({ type: 'failed', message: (err as Error).stack ?? String(err) }).catch(() => {});
    finished = true;
    process.exit(1);
  }
}
