/**
 * The child side of the protocol in protocol.ts, shared by scripts/bench-load.ts and
 * scripts/bench/floor.ts: take the job, warm up, report, wait for `go`, measure, report, exit.
 */
import type { LoadPhaseResult, ParentMessage, WorkerMessage } from './protocol.js';

export interface PhaseJob {
  warmupSeconds: number;
  durationSeconds: number;
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
