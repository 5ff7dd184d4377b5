/**
 * The parent side of protocol.ts: starts a load child (scripts/bench-load.ts or
 * scripts/bench/floor.ts) on the given cores, hands it its job, and reads the CPU counters of the
 * gateway measured (with its worker processes, if any), the subgraphs and the whole machine around
 * its measured phase (the child reports its own, `loadCpuMs`: it may be gone from /proc by the
 * time its result is read).
 */
import { readFileSync } from 'node:fs';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { clockTicksPerSecond, pinnedCommand, processCpuMs, ROOT } from '../stack-processes.js';
import { processTreeCpuMs } from './processes.js';
import type { LoadPhaseResult, ParentMessage, WorkerMessage } from './protocol.js';

/** CPU milliseconds spent during the measured phase. */
export interface PhaseCpu {
  /** The gateway measured (0 for the floor, which reports its own). */
  gateway: number;
  subgraphs: number;
  /** Each subgraph's, by the names given in `pids.subgraphNames` (empty without names). */
  bySubgraph: Record<string, number>;
  /** The database server (MySQL), when its process was given; else 0. */
  database: number;
  /** The whole machine, all cores. */
  machine: number;
}

export interface ChildRun {
  warmup: LoadPhaseResult | null;
  measured: LoadPhaseResult;
  cpu: PhaseCpu;
}

export interface LoadChildOptions<J> {
  /** The child's script, relative to the repository root. */
  file: string;
  job: J & { name: string; warmupSeconds: number; durationSeconds: number };
  /** taskset core list for the child; unset: not pinned. */
  cores: string | undefined;
  /** Processes whose CPU is read around the measured phase: the gateway (several: summed; null for none) and the subgraphs. */
  pids: { gateway: number | readonly number[] | null; subgraphs: number[]; database?: number | null; subgraphNames?: string[] };
  /** Rejects when a process the load depends on dies meanwhile. */
  crashed: Promise<never>;
  /** The longest the child may take, warm-up and start-up included. */
  limitMs: number;
  /** Called with the child once spawned and with undefined once it is gone (for cleanup on Ctrl-C). */
  track(child: ChildProcess | undefined): void;
  /** Wraps the wait so that an abort (Ctrl-C) ends it. */
  guard<T>(promise: Promise<T>): Promise<T>;
}

/** CPU time the whole machine spent busy so far (all cores), in milliseconds, from /proc/stat. */
function machineBusyMs(): number {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
    // cpu user nice system idle iowait irq softirq steal ...
    const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
    return ((user! + nice! + system! + irq! + softirq! + (steal ?? 0)) * 1000) / clockTicksPerSecond;
  } catch {
    return Number.NaN;
  }
}

/** A process's CPU so far, or 0 once it is gone (the database server is not ours to watch). */
function cpuOrZero(pid: number): number {
  try {
    return processCpuMs(pid);
  } catch {
    return 0;
  }
}

/** Runs one job in a fresh child process and returns its phases with the CPU of the measured one. */
export async function runLoadChild<J>(options: LoadChildOptions<J>): Promise<ChildRun> {
  const { job } = options;
  const [command, args] = pinnedCommand(options.cores, process.execPath, ['--import', 'tsx', path.join(ROOT, options.file)]);
  const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  options.track(child);
  const subgraphPids = options.pids.subgraphs;
  const gatewayPids = options.pids.gateway === null ? [] : typeof options.pids.gateway === 'number' ? [options.pids.gateway] : options.pids.gateway;
  const names = options.pids.subgraphNames;
  const read = (): PhaseCpu => {
    const each = subgraphPids.map((pid) => processCpuMs(pid));
    return {
      gateway: gatewayPids.reduce((sum, pid) => sum + processTreeCpuMs(pid), 0),
      database: options.pids.database ? cpuOrZero(options.pids.database) : 0,
      subgraphs: each.reduce((sum, ms) => sum + ms, 0),
      bySubgraph: names ? Object.fromEntries(names.map((name, i) => [name, each[i] ?? 0])) : {},
      machine: machineBusyMs(),
    };
  };

  const outcome = new Promise<ChildRun>((resolve, reject) => {
    let warmup: LoadPhaseResult | null = null;
    let before: PhaseCpu | undefined;
    const timer = setTimeout(() => reject(new Error(`${job.name}: no result within ${options.limitMs / 1000} s`)), options.limitMs);
    const done = (err: Error | null, value?: ChildRun) => {
      clearTimeout(timer);
      if (err) reject(err);
      else resolve(value!);
    };
    child.on('message', (raw) => {
      try {
        onMessage(raw as WorkerMessage);
      } catch (err) {
        // A process whose CPU is read is gone (it crashed): fail this run, not the bench's process.
        done(err as Error);
      }
    });
    const onMessage = (m: WorkerMessage) => {
      if (m.type === 'warmed') {
        warmup = m.warmup;
        before = read();
        child.send({ type: 'go' } satisfies ParentMessage<J>);
      } else if (m.type === 'result') {
        const after = read();
        const b = before!;
        const cpu = {
          gateway: after.gateway - b.gateway,
          subgraphs: after.subgraphs - b.subgraphs,
          bySubgraph: Object.fromEntries(Object.entries(after.bySubgraph).map(([name, ms]) => [name, ms - (b.bySubgraph[name] ?? 0)])),
          database: after.database - b.database,
          machine: after.machine - b.machine,
        };
        done(null, { warmup, measured: m.result, cpu });
      } else if (m.type === 'failed') {
        done(new Error(`${job.name}: load child failed: ${m.message}`));
      }
    };
    child.once('exit', (code, signal) => done(new Error(`${job.name}: load child exited (${signal ?? `code ${code}`}) before its result`)));
    child.once('error', (err) => done(err));
    child.send({ type: 'job', job } satisfies ParentMessage<J>);
  });
  try {
    return await options.guard(Promise.race([outcome, options.crashed]));
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGKILL');
      await exited;
    }
    options.track(undefined);
  }
}
