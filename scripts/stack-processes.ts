/**
 * Launches the stack as separate processes, as production runs it: each subgraph in its own
 * process over its own database, then the gateway in front of them, then the push relay
 * (subgraphs/platform/relay.ts) that reads the departments through the gateway. Used by `npm start`
 * (scripts/start.ts), `npm run bench` (scripts/bench.ts) and `npm run soak` (scripts/soak.ts, which
 * kills processes on purpose and starts them again with `restart`).
 *
 * Ports: the gateway listens on `portBase` and each subgraph on `portBase + (its default port -
 * 4000)`, so the default base 4000 gives exactly the ports of subgraphs/services.ts (and of the
 * committed supergraph), and another base (a benchmark's, say) does not collide with a running
 * `npm start`. The gateway is always told where its subgraphs are through SUBGRAPH_URLS.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { GATEWAY_PORT, SERVICES, type ServiceName } from '../subgraphs/services.js';

export const ROOT = path.resolve(import.meta.dirname, '..');

/** Which CPU cores (taskset lists such as `0` or `1-3`) the gateway and the subgraphs run on. */
export interface CorePinning {
  gateway: string;
  subgraphs: string;
}

export interface LaunchOptions {
  /** SQLite folder (DATA_DIR) for every subgraph. Unset: inherited from the environment (default ./data). */
  dataDir?: string;
  /** MySQL server (DATABASE_URL). Unset: inherited; null: removed, so the subgraphs use SQLite. */
  databaseUrl?: string | null;
  /** Database name prefix on the MySQL server (DATABASE_PREFIX). Unset: inherited. */
  databasePrefix?: string;
  /** Gateway port; the subgraphs take the next ports (see the file comment). Default 4000. */
  portBase?: number;
  /** Interface every process listens on. Default 127.0.0.1. */
  host?: string;
  /** More environment for every process (applied last). */
  env?: NodeJS.ProcessEnv;
  /** Pin the processes to cores with `taskset`; ignored (with a note in `pinning`) when taskset is missing. */
  pin?: CorePinning;
  /** `inherit`: the processes write to this terminal. `quiet`: their output is kept (last lines) for `logs()`. */
  output?: 'inherit' | 'quiet';
  /** How long each process may take to become ready. Default 60 s. */
  readyTimeoutMs?: number;
  /** Aborting stops whatever was started so far and rejects `launchStack`. */
  signal?: AbortSignal;
  /** Called when a process exits while the stack is not being stopped (also during the launch). */
  onUnexpectedExit?: (exit: ProcessExit) => void;
  /** Also run the push relay once the gateway is ready. Default true. */
  relay?: boolean;
  /** Told when each process is started and when it answers ready (for a progress display). */
  onProgress?: (progress: LaunchProgress) => void;
}

/** One step of the launch: a process started, or a process that answered ready after `ms`. */
export type LaunchProgress = { stage: 'started'; name: string } | { stage: 'ready'; name: string; ms: number };

export interface ProcessExit {
  name: string;
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface StackProcess {
  name: 'gateway' | ServiceName;
  pid: number;
  port: number;
  /** GraphQL endpoint. */
  url: string;
}

export interface StackHandle {
  gatewayUrl: string;
  gatewayPid: number;
  gateway: StackProcess;
  /** The subgraph processes, by name. */
  services: Record<ServiceName, StackProcess>;
  /** Ports and URLs of the subgraphs, by name (as passed to the gateway in SUBGRAPH_URLS). */
  serviceUrls: Record<ServiceName, string>;
  /** What pinning was applied: the core lists, or why none was. */
  pinning: { applied: true; cores: CorePinning } | { applied: false; reason: string };
  /** The push relay's process id; null when it was not started (`relay: false`). */
  relayPid: number | null;
  /**
   * Starts a process of the stack again, with the same command, port and environment, after it
   * died or was killed (a resilience test kills them on purpose), and waits until it answers
   * `/health/ready` (the relay has no HTTP endpoint: resolved once started). Rejects when the
   * process is still running, exits before it is ready, or is not ready in time. `pid` of the
   * process in `services`/`gateway`, `gatewayPid` and `relayPid` follow the new process.
   */
  restart(name: StackProcess['name'] | 'relay'): Promise<{ pid: number; readyMs: number }>;
  /** Resolves (never rejects) when a process exits while the stack is not being stopped. */
  unexpectedExit: Promise<ProcessExit>;
  /** The last lines a process wrote (only with output `quiet`). */
  logs(name: string): string;
  /** Stops every process (SIGTERM, SIGKILL after 5 s) and waits until all have exited. Idempotent. */
  stop(): Promise<void>;
}

/** Gateway and subgraph ports for a base. */
export function stackPorts(portBase = GATEWAY_PORT): { gateway: number; services: Record<ServiceName, number> } {
  const services = Object.fromEntries(SERVICES.map(({ name, port }) => [name, portBase + (port - GATEWAY_PORT)])) as Record<ServiceName, number>;
  return { gateway: portBase, services };
}

let tasksetCache: boolean | undefined;
/** Whether `taskset` (util-linux) can be run here. */
export function tasksetAvailable(): boolean {
  tasksetCache ??= spawnSync('taskset', ['-V'], { stdio: 'ignore' }).status === 0;
  return tasksetCache;
}

/** The command line that runs `command args` on the given cores, or unchanged without cores. */
export function pinnedCommand(cores: string | undefined, command: string, args: string[]): [string, string[]] {
  return cores ? ['taskset', ['-c', cores, command, ...args]] : [command, args];
}

/** The environment every process of the stack gets. */
export function stackEnv(options: Pick<LaunchOptions, 'dataDir' | 'databaseUrl' | 'databasePrefix' | 'env'>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (options.dataDir !== undefined) env.DATA_DIR = path.resolve(options.dataDir);
  if (options.databaseUrl === null) delete env.DATABASE_URL;
  else if (options.databaseUrl !== undefined) env.DATABASE_URL = options.databaseUrl;
  if (options.databasePrefix !== undefined) env.DATABASE_PREFIX = options.databasePrefix;
  return { ...env, ...options.env };
}

/** Keeps the last lines of a stream. */
class Tail {
  private lines: string[] = [];
  private partial = '';
  constructor(private readonly max = 60) {}
  push(chunk: Buffer | string): void {
    const parts = (this.partial + chunk.toString()).split('\n');
    this.partial = parts.pop() ?? '';
    this.lines.push(...parts);
    if (this.lines.length > this.max) this.lines.splice(0, this.lines.length - this.max);
  }
  text(): string {
    return [...this.lines, ...(this.partial ? [this.partial] : [])].join('\n');
  }
}

/** A child process with the last lines of its output. */
export interface Spawned {
  name: string;
  child: ChildProcess;
  tail: Tail;
  exited: Promise<void>;
}

/** How a process of the stack is started, kept so that it can be started again. */
interface ProcessSpec {
  file: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  cores?: string;
  /** Answers 200 once the process is ready; none for the relay. */
  readyUrl?: string;
}

/** Runs `node --import tsx FILE ARGS` from the repository root. */
function spawnTs(
  name: string,
  file: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  output: 'inherit' | 'quiet',
  cores?: string,
): Spawned {
  const [command, argv] = pinnedCommand(cores, process.execPath, ['--import', 'tsx', path.join(ROOT, file), ...args]);
  return spawnWithTail(name, command, argv, env, output);
}

/**
 * Runs `command argv` from the repository root; with output `quiet` its output is kept in the tail.
 * `exited` resolves once it has exited and its output is drained (or it could not be started).
 */
export function spawnWithTail(name: string, command: string, argv: string[], env: NodeJS.ProcessEnv, output: 'inherit' | 'quiet'): Spawned {
  const child = spawn(command, argv, {
    cwd: ROOT,
    env,
    stdio: output === 'inherit' ? ['ignore', 'inherit', 'inherit'] : ['ignore', 'pipe', 'pipe'],
  });
  const tail = new Tail();
  child.stdout?.on('data', (d: Buffer) => tail.push(d));
  child.stderr?.on('data', (d: Buffer) => tail.push(d));
  // 'close' comes after 'exit' and after the output pipes are drained, so the tail is complete.
  const exited = new Promise<void>((resolve) => {
    child.once('close', () => resolve());
    // A failed spawn emits 'error' and maybe no 'close'; keep the error for the log.
    child.once('error', (err) => {
      tail.push(`${name}: ${err.message}\n`);
      if (child.pid === undefined) resolve();
    });
  });
  return { name, child, tail, exited };
}

export function isRunning(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

/** SIGTERM, SIGKILL after `graceMs`; resolves once the process has exited. */
export async function stopProcess(p: Spawned, graceMs = 5000): Promise<void> {
  if (!isRunning(p.child) || p.child.pid === undefined) return p.exited;
  p.child.kill('SIGTERM');
  const timer = setTimeout(() => p.child.kill('SIGKILL'), graceMs);
  await p.exited;
  clearTimeout(timer);
}

/** Fails when any port is already taken, naming it: clearer than a subgraph dying of EADDRINUSE. */
async function checkPortsFree(ports: number[], host: string): Promise<void> {
  for (const port of ports) {
    await new Promise<void>((resolve, reject) => {
      const server = createServer();
      server.once('error', (err: NodeJS.ErrnoException) =>
        reject(new Error(`port ${port} on ${host} is not free (${err.code ?? err.message}); is another stack running? Choose another port base.`)),
      );
      server.listen(port, host, () => server.close(() => resolve()));
    });
  }
}

async function waitReady(name: string, url: string, timeoutMs: number, abort: AbortSignal): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (abort.aborted) throw abort.reason instanceof Error ? abort.reason : new Error(String(abort.reason));
    try {
      const res = await fetch(url, { signal: AbortSignal.any([abort, AbortSignal.timeout(2000)]) });
      await res.body?.cancel();
      if (res.ok) return;
    } catch {
      /* not listening yet */
    }
    await sleep(150);
  }
  throw new Error(`${name} did not become ready at ${url} within ${timeoutMs / 1000} s`);
}

/**
 * Starts the subgraphs, waits until each answers `/health/ready`, then starts the gateway and
 * waits for its `/health/ready`. On any failure (or abort) everything started is stopped and the
 * promise rejects, with the last output lines of a process that died.
 */
export async function launchStack(options: LaunchOptions = {}): Promise<StackHandle> {
  const host = options.host ?? '127.0.0.1';
  const portBase = options.portBase ?? GATEWAY_PORT;
  const maxOffset = Math.max(...SERVICES.map((s) => s.port - GATEWAY_PORT));
  if (!Number.isInteger(portBase) || portBase < 1 || portBase + maxOffset > 65535) {
    throw new Error(`port base ${portBase} is not valid: expected 1 to ${65535 - maxOffset}`);
  }
  const output = options.output ?? 'inherit';
  const readyTimeoutMs = options.readyTimeoutMs ?? 60_000;
  const ports = stackPorts(portBase);
  const serviceUrls = Object.fromEntries(
    SERVICES.map(({ name }) => [name, `http://${host}:${ports.services[name]}/graphql`]),
  ) as Record<ServiceName, string>;

  let pinning: StackHandle['pinning'];
  if (!options.pin) pinning = { applied: false, reason: 'not requested' };
  else if (!tasksetAvailable()) pinning = { applied: false, reason: 'taskset is not available' };
  else pinning = { applied: true, cores: options.pin };
  const cores = pinning.applied ? pinning.cores : undefined;

  const baseEnv = stackEnv(options);
  const processes: Spawned[] = [];
  let stopping = false;
  let reportExit!: (exit: ProcessExit) => void;
  const unexpectedExit = new Promise<ProcessExit>((resolve) => (reportExit = resolve));
  // Launch waits abort as soon as a process dies, an external abort comes, or the launch fails.
  const launchAbort = new AbortController();
  const onExternalAbort = () => launchAbort.abort(new Error('launch aborted'));
  options.signal?.addEventListener('abort', onExternalAbort, { once: true });

  const startedAt = new Map<string, number>();
  const specs = new Map<string, ProcessSpec>();
  const start = (name: string, file: string, args: string[], env: NodeJS.ProcessEnv, pinTo?: string, readyUrl?: string): Spawned => {
    specs.set(name, { file, args, env, cores: pinTo, readyUrl });
    const p = spawnTs(name, file, args, env, output, pinTo);
    processes.push(p);
    startedAt.set(name, performance.now());
    options.onProgress?.({ stage: 'started', name });
    void p.exited.then(() => {
      if (stopping) return;
      const exit = { name, code: p.child.exitCode, signal: p.child.signalCode };
      reportExit(exit);
      options.onUnexpectedExit?.(exit);
      const tail = p.tail.text();
      launchAbort.abort(new Error(`${name} exited (${exit.signal ?? `code ${exit.code}`})${tail ? `; its last output:\n${tail}` : ''}`));
    });
    return p;
  };

  const stop = async (): Promise<void> => {
    stopping = true;
    options.signal?.removeEventListener('abort', onExternalAbort);
    // The relay, then the gateway, so neither logs what is behind it going away.
    const relay = processes.find((p) => p.name === 'relay');
    if (relay) await stopProcess(relay);
    const gateway = processes.find((p) => p.name === 'gateway');
    if (gateway) await stopProcess(gateway);
    await Promise.all(processes.filter((p) => p !== gateway && p !== relay).map((p) => stopProcess(p)));
  };

  try {
    if (options.signal?.aborted) throw new Error('launch aborted');
    await checkPortsFree([ports.gateway, ...Object.values(ports.services)], host);
    for (const { name } of SERVICES) {
      const readyUrl = `http://${host}:${ports.services[name]}/health/ready`;
      start(name, `subgraphs/${name}/index.ts`, [], { ...baseEnv, PORT: String(ports.services[name]), HOST: host }, cores?.subgraphs, readyUrl);
    }
    const ready = async (name: string, url: string) => {
      await waitReady(name, url, readyTimeoutMs, launchAbort.signal);
      options.onProgress?.({ stage: 'ready', name, ms: performance.now() - (startedAt.get(name) ?? 0) });
    };
    await Promise.all(SERVICES.map(({ name }) => ready(name, `http://${host}:${ports.services[name]}/health/ready`)));
    const subgraphUrls = SERVICES.map(({ name }) => `${name}=${serviceUrls[name]}`).join(',');
    const gatewayReady = `http://${host}:${ports.gateway}/health/ready`;
    start('gateway', 'gateway/index.ts', ['--port', String(ports.gateway), '--host', host], { ...baseEnv, SUBGRAPH_URLS: subgraphUrls }, cores?.gateway, gatewayReady);
    // Ready: it has loaded the supergraph from the registry and every subgraph answers.
    await ready('gateway', gatewayReady);
    if (options.relay !== false) {
      start('relay', 'subgraphs/platform/relay.ts', [], { ...baseEnv, RELAY_GATEWAY_URL: `http://${host}:${ports.gateway}/graphql` }, cores?.subgraphs);
    }
  } catch (err) {
    await stop();
    // Prefer the reason recorded by the abort (a process that died, with its output).
    const reason = launchAbort.signal.aborted ? launchAbort.signal.reason : err;
    throw reason instanceof Error ? reason : new Error(String(reason));
  }
  options.signal?.removeEventListener('abort', onExternalAbort);

  const proc = (name: StackProcess['name'], port: number): StackProcess => ({
    name,
    pid: processes.find((p) => p.name === name)!.child.pid!,
    port,
    url: `http://${host}:${port}/graphql`,
  });
  const gateway = proc('gateway', ports.gateway);
  const services = Object.fromEntries(SERVICES.map(({ name }) => [name, proc(name, ports.services[name])])) as Record<ServiceName, StackProcess>;

  const restart = async (name: StackProcess['name'] | 'relay'): Promise<{ pid: number; readyMs: number }> => {
    const spec = specs.get(name);
    if (!spec) throw new Error(`cannot restart ${name}: it is not a process of this stack (expected one of ${[...specs.keys()].join(', ')})`);
    if (stopping) throw new Error(`cannot restart ${name}: the stack is being stopped`);
    const old = processes.find((p) => p.name === name);
    // A process killed a moment ago is reaped within milliseconds; one still running is an error.
    if (old && isRunning(old.child)) await Promise.race([old.exited, sleep(2000)]);
    if (old && isRunning(old.child)) throw new Error(`cannot restart ${name}: pid ${old.child.pid} is still running; kill it first`);
    if (old) processes.splice(processes.indexOf(old), 1);
    const p = start(name, spec.file, spec.args, spec.env, spec.cores, spec.readyUrl);
    if (p.child.pid === undefined) {
      await p.exited;
      throw new Error(`cannot restart ${name}: ${p.tail.text() || 'the process did not start'}`);
    }
    if (name === 'gateway') gateway.pid = p.child.pid;
    else if (name !== 'relay') services[name].pid = p.child.pid;
    const begun = performance.now();
    if (spec.readyUrl) {
      const died = new AbortController();
      void p.exited.then(() => died.abort(new Error(`${name} exited (${p.child.signalCode ?? `code ${p.child.exitCode}`}) before it was ready; its last output:\n${p.tail.text()}`)));
      await waitReady(name, spec.readyUrl, readyTimeoutMs, died.signal);
    }
    return { pid: p.child.pid, readyMs: performance.now() - begun };
  };

  return {
    gatewayUrl: gateway.url,
    get gatewayPid() {
      return gateway.pid;
    },
    gateway,
    services,
    serviceUrls,
    pinning,
    get relayPid() {
      return processes.find((p) => p.name === 'relay')?.child.pid ?? null;
    },
    restart,
    unexpectedExit,
    logs: (name) => processes.find((p) => p.name === name)?.tail.text() ?? '',
    stop,
  };
}

/**
 * Runs scripts/seed.ts with the stack's database settings (`args`: `--subjects N`, `--if-empty`,
 * `--reset`) and resolves when it succeeded; rejects on failure, timeout or abort.
 */
export async function runSeed(
  args: string[],
  options: Pick<LaunchOptions, 'dataDir' | 'databaseUrl' | 'databasePrefix' | 'env' | 'output' | 'signal'> & { timeoutMs?: number; cores?: string } = {},
): Promise<void> {
  const file = 'scripts/seed.ts';
  if (!existsSync(path.join(ROOT, file))) throw new Error(`${file} does not exist yet`);
  const p = spawnTs('seed', file, args, stackEnv(options), options.output ?? 'inherit', options.cores);
  const onAbort = () => void stopProcess(p);
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const timer = options.timeoutMs ? setTimeout(() => void stopProcess(p), options.timeoutMs) : undefined;
  try {
    await p.exited;
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
  }
  const { exitCode, signalCode } = p.child;
  if (exitCode === 0) return;
  const why = options.signal?.aborted ? 'aborted' : signalCode ? `killed by ${signalCode}${timer ? ' (timeout?)' : ''}` : `exit code ${exitCode}`;
  const tail = p.tail.text();
  throw new Error(`seeding failed (${why})${tail ? `; its last output:\n${tail}` : ''}`);
}

/** CPU time (user + system) a process has used so far, in milliseconds, from /proc/<pid>/stat. */
export function processCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Field 2 (comm) is parenthesised and may contain spaces: count fields after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]); // field 14
  const stime = Number(fields[12]); // field 15
  return ((utime + stime) * 1000) / clockTicksPerSecond;
}

/** USER_HZ, the unit of the times in /proc (100 on Linux unless configured otherwise). */
export const clockTicksPerSecond: number = (() => {
  const n = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout?.trim());
  return Number.isInteger(n) && n > 0 ? n : 100;
})();
