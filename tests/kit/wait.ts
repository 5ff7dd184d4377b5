import { setTimeout as sleep } from 'node:timers/promises';

/**
 * How long a test waits for a condition by default. Tests wait on conditions, never on a fixed
 * time; the deadline only decides when a condition that never comes is a failure, so it is long
 * enough for a loaded machine (CI runs on two shared cores).
 */
export const WAIT_MS = 30_000;

/**
 * Polls `probe` until it returns a truthy value and resolves that value; fails naming `what` and
 * the last value seen once `timeoutMs` have passed. A probe that throws counts as not yet.
 */
export async function until<T>(what: string, probe: () => T | Promise<T>, options: { timeoutMs?: number; everyMs?: number } = {}): Promise<NonNullable<T>> {
  const timeoutMs = options.timeoutMs ?? WAIT_MS;
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      last = await probe();
      if (last) return last as NonNullable<T>;
    } catch (err) {
      last = err instanceof Error ? err.message : err;
    }
    if (Date.now() > deadline) throw new Error(`${what}: not so within ${timeoutMs} ms (last: ${JSON.stringify(last)?.slice(0, 300)})`);
    await sleep(options.everyMs ?? 25);
  }
}

/** Like `until`, resolving how many milliseconds the condition took to hold. */
export async function timeUntil(what: string, probe: () => unknown, options: { timeoutMs?: number; everyMs?: number } = {}): Promise<number> {
  const start = Date.now();
  await until(what, probe, options);
  return Date.now() - start;
}
