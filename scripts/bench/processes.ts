/**
 * The processes the bench starts besides the stack of scripts/stack-processes.ts: Hive Gateway,
 * our gateway with its features off, subgraph replicas, a balancer. Each is started (on given
 * cores), waited for until a URL answers, and stopped (SIGTERM, SIGKILL after a grace period);
 * its last output lines are kept for the error message when it dies.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { clockTicksPerSecond, isRunning, pinnedCommand, ROOT, spawnWithTail, stopProcess } from '../stack-processes.js';

export interface BenchProcess {
  name: string;
  pid: number;
  /** Resolves when the process has exited (its output drained). */
  exited: Promise<void>;
  /** Whether it is still running. */
  running(): boolean;
  /** Its last output lines. */
  logs(): string;
  stop(graceMs?: number): Promise<void>;
}

export interface StartOptions {
  name: string;
  /** A TypeScript file of the repository (run with tsx), or a command with its arguments. */
  file?: string;
  command?: [string, string[]];
  args?: string[];
  env: NodeJS.ProcessEnv;
  /** taskset core list; unset: not pinned. */
  cores?: string;
  /** GET this URL until it answers 2xx; unset: do not wait. */
  readyUrl?: string;
  readyTimeoutMs?: number;
  /** `inherit`: output to this terminal; `quiet` (default): kept for `logs()`. */
  output?: 'inherit' | 'quiet';
  /** More arguments for node before the script (e.g. `--cpu-prof`), with `file`. */
  nodeArgs?: string[];
}

/** Starts a process and, with `readyUrl`, waits until it answers; a process that dies first rejects with its output. */
export async function startProcess(options: StartOptions): Promise<BenchProcess> {
  const [command, args] = options.file
    ? pinnedCommand(options.cores, process.execPath, [...(options.nodeArgs ?? []), '--import', 'tsx', path.join(ROOT, options.file), ...(options.args ?? [])])
    : pinnedCommand(options.cores, options.command![0], [...options.command![1], ...(options.args ?? [])]);
  const spawned = spawnWithTail(options.name, command, args, options.env, options.output ?? 'quiet');
  const { child, tail, exited } = spawned;
  const running = () => isRunning(child) && child.pid !== undefined;
  const handle: BenchProcess = {
    name: options.name,
    pid: child.pid ?? -1,
    exited,
    running,
    logs: () => tail.text(),
    stop: (graceMs = 5000) => stopProcess(spawned, graceMs),
  };
  if (!options.readyUrl) return handle;
  const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
  while (Date.now() < deadline) {
    if (!running()) {
      await exited;
      throw new Error(`${options.name} exited (${child.signalCode ?? `code ${child.exitCode}`}) before it was ready; its last output:\n${tail.text()}`);
    }
    try {
      const res = await fetch(options.readyUrl, { signal: AbortSignal.timeout(2000) });
      await res.body?.cancel();
      if (res.ok) return handle;
    } catch {
      /* not listening yet */
    }
    await sleep(150);
  }
  await handle.stop();
  throw new Error(`${options.name} did not answer ${options.readyUrl} within ${(options.readyTimeoutMs ?? 60_000) / 1000} s; its last output:\n${tail.text()}`);
}

/** User + system CPU milliseconds of a process and of all its descendants (a cluster's workers), from /proc. */
export function processTreeCpuMs(root: number): number {
  const children = new Map<number, number[]>();
  const cpu = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const pid = Number(entry);
      const ppid = Number(fields[1]);
      cpu.set(pid, ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicksPerSecond);
      const list = children.get(ppid);
      if (list) list.push(pid);
      else children.set(ppid, [pid]);
    } catch {
      /* gone meanwhile */
    }
  }
  let total = 0;
  const stack = [root];
  while (stack.length > 0) {
    const pid = stack.pop()!;
    total += cpu.get(pid) ?? 0;
    stack.push(...(children.get(pid) ?? []));
  }
  return total;
}

/**
 * The process id of the local MySQL or MariaDB server, or null when none runs here. With `port`
 * (the one of DATABASE_URL), the server that listens on it: others (a test's temporary server
 * started with --port=N) are passed over; a server without --port listens on 3306.
 */
export function databaseServerPid(port?: number): number | null {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const comm = readFileSync(`/proc/${entry}/comm`, 'utf8').trim();
      if (comm !== 'mariadbd' && comm !== 'mysqld') continue;
      if (port !== undefined) {
        const args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
        const given = args.map((a) => /^--port=(\d+)$/.exec(a)?.[1]).find((p) => p !== undefined);
        if (Number(given ?? 3306) !== port) continue;
      }
      found.push(Number(entry));
    } catch {
      /* gone meanwhile */
    }
  }
  return found.length ? Math.min(...found) : null;
}
