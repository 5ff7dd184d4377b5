/**
 * Launches the stack as separate processes, as production runs it: each subgraph in its own
 * process over its own database, then the gateway in front of them, then the push relay
 * (subgraphs/platform/relay.ts) that reads the departments through the gateway. Used by `npm start`
 * (scripts/start.ts), `npm run bench` (scripts/bench.ts) and `npm run soak` (scripts/soak.ts, which
 * kills processes on purpose and starts them again with `restart`). `npm start` also asks for the
 * departments registered at runtime (`registered`) and for a supervisor (`supervise`) that starts
 * again any process that exits.
 *
 * Ports: the gateway listens on `portBase` and each subgraph on `portBase + (its default port -
 * 4000)`, so the default base 4000 gives exactly the ports of subgraphs/services.ts (and of the
 * committed supergraph), and another base (a benchmark's, say) does not collide with a running
 * `npm start`. The gateway is always told where its subgraphs are through SUBGRAPH_URLS. A
 * department registered at runtime listens on the port of the URL it was registered with, which is
 * where every gateway routes to it.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { databaseConfigFromEnv, databaseExists, openDatabase } from '../subgraphs/kit/database.js';
import { RegistryStore } from '../subgraphs/registry/store.js';
import { DEPARTMENTS, GATEWAY_PORT, SERVICES, type ServiceName } from '../subgraphs/services.js';

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
  /**
   * Also start the departments registered at runtime (the registry's current supergraph) whose code
   * is in `subgraphs/<name>/`, on the port of their registered URL. A department that cannot be
   * started (or that does not become ready) does not stop the launch: it is reported through
   * `onProgress` (`failed`) and the gateway is told it is down (SUBGRAPHS_MARKED_DOWN), so the rest
   * is served and checks answer INCOMPLETE naming it. Default false (what `npm start` turns on).
   */
  registered?: boolean;
  /**
   * Supervise every process once the stack is up: one that exits is started again after a back-off
   * (1 s, doubling, at most 30 s; back to 1 s once it has stayed up a minute) and reported through
   * `onSupervision`; only `stop()` ends them. Default false (tests and the soak kill processes on
   * purpose and restart them themselves).
   */
  supervise?: boolean;
  /** Told what the supervisor does (only with `supervise`). */
  onSupervision?: (event: SupervisionEvent) => void;
}

/** What the supervisor did: a process exited and will be started again, is back, or did not come back. */
export type SupervisionEvent =
  | { kind: 'exited'; name: string; code: number | null; signal: NodeJS.Signals | null; attempt: number; restartInMs: number }
  | { kind: 'restarted'; name: string; pid: number; attempt: number; readyMs: number }
  | { kind: 'restart-failed'; name: string; attempt: number; reason: string };

/**
 * One step of the launch: a process started, a process that answered ready after `ms`, a registered
 * department that could not be started (`reason` says why; the rest is served without it), or one
 * that was found already running at its registered URL (`reason` says so; it is used as it is).
 */
export type LaunchProgress =
  | { stage: 'started'; name: string }
  | { stage: 'ready'; name: string; ms: number; pid: number }
  | { stage: 'failed'; name: string; reason: string }
  | { stage: 'external'; name: string; reason: string };

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
  restart(name: StackProcess['name'] | 'relay' | (string & {})): Promise<{ pid: number; readyMs: number }>;
  /** Departments served without (with `registered`): each that could not be started, and why. */
  departmentsDown(): { name: string; reason: string }[];
  /** The process id of a process of the stack (a registered department's too), or null when it is not running. */
  pidOf(name: string): number | null;
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

/** Whether a port can be listened on now. */
function portFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

/**
 * Waits until `url` answers 2xx. On timeout the error names the process, the URL and what it last
 * answered (a gateway's 503 lists the subgraphs it is waiting for), so nobody has to guess.
 */
async function waitReady(name: string, url: string, timeoutMs: number, abort: AbortSignal): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer (not listening)';
  while (Date.now() < deadline) {
    if (abort.aborted) throw abort.reason instanceof Error ? abort.reason : new Error(String(abort.reason));
    try {
      const res = await fetch(url, { signal: AbortSignal.any([abort, AbortSignal.timeout(2000)]) });
      if (res.ok) {
        await res.body?.cancel();
        return;
      }
      last = `HTTP ${res.status}: ${(await res.text()).replace(/\s+/g, ' ').slice(0, 500)}`;
    } catch {
      /* not listening yet */
    }
    await sleep(150);
  }
  throw new Error(`${name} did not become ready at ${url} within ${timeoutMs / 1000} s; it last answered ${last}`);
}

/** A department in the registry's current supergraph that is not one of SERVICES. */
export interface RegisteredDepartment {
  name: string;
  /** The URL it was registered with: where the gateway routes to it. */
  url: string;
  /** Its entry point when its code is in subgraphs/ (`subgraphs/<name>/index.ts`), else null. */
  file: string | null;
}

/**
 * The subgraphs of the registry's current version beyond the default ones (departments registered
 * at runtime, such as ecology), read from the registry database without creating it. Empty while
 * the registry holds no version.
 */
export async function registeredDepartments(env: NodeJS.ProcessEnv): Promise<RegisteredDepartment[]> {
  const database = databaseConfigFromEnv('registry', env);
  if (!(await databaseExists(database))) return [];
  const db = await openDatabase(database);
  try {
    if (!(await db.schema.hasTable('supergraph_versions'))) return [];
    const store = new RegistryStore(db);
    const latest = await store.latest();
    if (!latest) return [];
    const defaults = new Set<string>(SERVICES.map((s) => s.name));
    return (await store.members(latest))
      .filter((m) => !defaults.has(m.name))
      .map((m) => {
        const file = `subgraphs/${m.name}/index.ts`;
        return { name: m.name, url: m.url, file: /^[a-z][a-z0-9_]*$/.test(m.name) && existsSync(path.join(ROOT, file)) ? file : null };
      });
  } finally {
    await db.destroy();
  }
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/** Supervisor back-off: 1 s, doubling with each exit in a row, at most 30 s. */
export function restartDelayMs(attempt: number): number {
  return Math.min(30_000, 1000 * 2 ** Math.min(attempt - 1, 10));
}
/** A process that stayed up this long starts its back-off from the beginning again. */
const STABLE_MS = 60_000;

/**
 * Starts the subgraphs, waits until each answers `/health/ready`, then starts the gateway and
 * waits for its `/health/ready`. The platform, the registry and the gateway are required: when one
 * fails (or on abort) everything started is stopped and the promise rejects, with the last output
 * lines of a process that died. A department that fails is required too unless `registered` is set,
 * in which case it is reported and the rest is served without it (see LaunchOptions).
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
  const tolerant = options.registered === true;
  const departments = new Set<string>(DEPARTMENTS);

  let pinning: StackHandle['pinning'];
  if (!options.pin) pinning = { applied: false, reason: 'not requested' };
  else if (!tasksetAvailable()) pinning = { applied: false, reason: 'taskset is not available' };
  else pinning = { applied: true, cores: options.pin };
  const cores = pinning.applied ? pinning.cores : undefined;

  const baseEnv = stackEnv(options);
  const processes: Spawned[] = [];
  let stopping = false;
  let launched = false;
  let reportExit!: (exit: ProcessExit) => void;
  const unexpectedExit = new Promise<ProcessExit>((resolve) => (reportExit = resolve));
  // Launch waits abort as soon as a required process dies, an external abort comes, or the launch fails.
  const launchAbort = new AbortController();
  const onExternalAbort = () => launchAbort.abort(new Error('launch aborted'));
  options.signal?.addEventListener('abort', onExternalAbort, { once: true });

  const startedAt = new Map<string, number>();
  const specs = new Map<string, ProcessSpec>();
  /** Departments the stack serves without: name → why. */
  const down = new Map<string, string>();
  /** Exits in a row per process, for the supervisor's back-off. */
  const attempts = new Map<string, number>();
  const timers = new Set<NodeJS.Timeout>();

  const start = (name: string, file: string, args: string[], env: NodeJS.ProcessEnv, pinTo?: string, readyUrl?: string): Spawned => {
    specs.set(name, { file, args, env, cores: pinTo, readyUrl });
    const p = spawnTs(name, file, args, env, output, pinTo);
    processes.push(p);
    const began = performance.now();
    startedAt.set(name, began);
    options.onProgress?.({ stage: 'started', name });
    void p.exited.then(() => {
      if (stopping) return;
      const exit = { name, code: p.child.exitCode, signal: p.child.signalCode };
      reportExit(exit);
      options.onUnexpectedExit?.(exit);
      if (launched) {
        if (options.supervise) superviseExit(name, exit, performance.now() - began);
        return;
      }
      // During the launch a department may fail without stopping it (`registered`); it is retried
      // by the supervisor once the rest is up.
      if (tolerant && departments.has(name)) {
        departmentDown(name, `${name} exited (${exit.signal ?? `code ${exit.code}`})${p.tail.text() ? `; its last output:\n${p.tail.text()}` : ''}`);
        return;
      }
      const tail = p.tail.text();
      launchAbort.abort(new Error(`${name} exited (${exit.signal ?? `code ${exit.code}`})${tail ? `; its last output:\n${tail}` : ''}`));
    });
    return p;
  };

  const stop = async (): Promise<void> => {
    stopping = true;
    for (const t of timers) clearTimeout(t);
    options.signal?.removeEventListener('abort', onExternalAbort);
    // The relay, then the gateway, so neither logs what is behind it going away.
    const relay = processes.find((p) => p.name === 'relay');
    if (relay) await stopProcess(relay);
    const gateway = processes.find((p) => p.name === 'gateway');
    if (gateway) await stopProcess(gateway);
    await Promise.all(processes.filter((p) => p !== gateway && p !== relay).map((p) => stopProcess(p)));
  };

  /** Waits until a process answers ready, failing early when it exits first. */
  const readyOrExit = async (p: Spawned, name: string, url: string): Promise<void> => {
    const died = new AbortController();
    const onAbort = () => died.abort(launchAbort.signal.reason);
    launchAbort.signal.addEventListener('abort', onAbort, { once: true });
    void p.exited.then(() => died.abort(new Error(`${name} exited (${p.child.signalCode ?? `code ${p.child.exitCode}`}) before it was ready${p.tail.text() ? `; its last output:\n${p.tail.text()}` : ''}`)));
    try {
      await waitReady(name, url, readyTimeoutMs, died.signal);
    } finally {
      launchAbort.signal.removeEventListener('abort', onAbort);
    }
    options.onProgress?.({ stage: 'ready', name, ms: performance.now() - (startedAt.get(name) ?? 0), pid: p.child.pid! });
  };

  /** The department could not be served: say why, serve the rest (it is retried under supervision). */
  const departmentDown = (name: string, reason: string) => {
    if (down.has(name)) return;
    down.set(name, reason);
    options.onProgress?.({ stage: 'failed', name, reason });
  };

  /** A department that did not become ready: reported, and stopped if it is still running. */
  const giveUp = async (p: Spawned, name: string, err: Error): Promise<void> => {
    departmentDown(name, err.message);
    if (isRunning(p.child)) await stopProcess(p);
  };

  /** Subgraph URLs the gateway is told (SUBGRAPH_URLS): the default services and the registered departments started here. */
  const routed: Record<string, string> = { ...serviceUrls };
  const waits: Promise<void>[] = [];

  try {
    if (options.signal?.aborted) throw new Error('launch aborted');
    await checkPortsFree([ports.gateway, ...Object.values(ports.services)], host);
    for (const { name } of SERVICES) {
      const readyUrl = `http://${host}:${ports.services[name]}/health/ready`;
      const p = start(name, `subgraphs/${name}/index.ts`, [], { ...baseEnv, PORT: String(ports.services[name]), HOST: host }, cores?.subgraphs, readyUrl);
      const ready = readyOrExit(p, name, readyUrl);
      waits.push(tolerant && departments.has(name) ? ready.catch((err: Error) => giveUp(p, name, err)) : ready);
    }
    if (tolerant) {
      for (const d of await registeredDepartments(baseEnv)) {
        departments.add(d.name);
        let url: URL;
        try {
          url = new URL(d.url);
        } catch {
          departmentDown(d.name, `its registered URL ${JSON.stringify(d.url)} is not a URL`);
          continue;
        }
        const healthUrl = new URL('/health/ready', url).href;
        const answers = () => fetch(healthUrl, { signal: AbortSignal.timeout(2000) }).then((r) => (void r.body?.cancel(), r.ok), () => false);
        if (d.file === null) {
          // Not ours to run: served when it answers, marked down meanwhile so the gateway stays ready.
          if (await answers()) options.onProgress?.({ stage: 'external', name: d.name, reason: `runs elsewhere and answers at ${d.url}` });
          else departmentDown(d.name, `registered at ${d.url} but its code is not in subgraphs/${d.name}/ and nothing answers there: start it where it runs`);
          continue;
        }
        if (!LOOPBACK.has(url.hostname) && url.hostname !== host) {
          departmentDown(d.name, `registered at ${d.url}, which is not on this machine: start it there (or publish it again with a local URL)`);
          continue;
        }
        const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
        const listenOn = url.hostname.replace(/^\[|\]$/g, '');
        const env = { ...baseEnv, PORT: String(port), HOST: listenOn };
        routed[d.name] = d.url;
        if (!(await portFree(port, listenOn))) {
          if (await answers()) {
            options.onProgress?.({ stage: 'external', name: d.name, reason: `already running at ${d.url} (not started here, not supervised)` });
          } else {
            // Kept so that the supervisor tries it again once the port is free.
            specs.set(d.name, { file: d.file, args: [], env, cores: cores?.subgraphs, readyUrl: healthUrl });
            departmentDown(d.name, `port ${port} of its registered URL ${d.url} is taken by another program that does not answer ${healthUrl}`);
          }
          continue;
        }
        const p = start(d.name, d.file, [], env, cores?.subgraphs, healthUrl);
        waits.push(readyOrExit(p, d.name, healthUrl).catch((err: Error) => giveUp(p, d.name, err)));
      }
    }
    await Promise.all(waits);
    if (launchAbort.signal.aborted) throw launchAbort.signal.reason;
    const subgraphUrls = Object.entries(routed).map(([name, url]) => `${name}=${url}`).join(',');
    const markedDown = [...new Set([...(baseEnv.SUBGRAPHS_MARKED_DOWN ?? '').split(',').map((n) => n.trim()).filter(Boolean), ...down.keys()])].join(',');
    const gatewayReady = `http://${host}:${ports.gateway}/health/ready`;
    const gatewayEnv = { ...baseEnv, SUBGRAPH_URLS: subgraphUrls, ...(markedDown ? { SUBGRAPHS_MARKED_DOWN: markedDown } : {}) };
    const gatewayProcess = start('gateway', 'gateway/index.ts', ['--port', String(ports.gateway), '--host', host], gatewayEnv, cores?.gateway, gatewayReady);
    // Ready: it has loaded the supergraph from the registry and every subgraph answers (or is marked down).
    await readyOrExit(gatewayProcess, 'gateway', gatewayReady);
    if (options.relay !== false) {
      start('relay', 'subgraphs/platform/relay.ts', [], { ...baseEnv, RELAY_GATEWAY_URL: `http://${host}:${ports.gateway}/graphql` }, cores?.subgraphs);
    }
  } catch (err) {
    await stop();
    // Prefer the reason recorded by the abort (a process that died, with its output).
    const reason = launchAbort.signal.aborted ? launchAbort.signal.reason : err;
    throw reason instanceof Error ? reason : new Error(String(reason));
  }
  launched = true;
  options.signal?.removeEventListener('abort', onExternalAbort);

  const proc = (name: StackProcess['name'], port: number): StackProcess => ({
    name,
    pid: processes.find((p) => p.name === name)!.child.pid!,
    port,
    url: `http://${host}:${port}/graphql`,
  });
  const gateway = proc('gateway', ports.gateway);
  const services = Object.fromEntries(SERVICES.map(({ name }) => [name, proc(name, ports.services[name])])) as Record<ServiceName, StackProcess>;

  const restart = async (name: string, until: 'ready' | 'live' = 'ready'): Promise<{ pid: number; readyMs: number }> => {
    const spec = specs.get(name);
    if (!spec) throw new Error(`cannot restart ${name}: it is not a process of this stack (expected one of ${[...specs.keys()].join(', ')})`);
    if (stopping) throw new Error(`cannot restart ${name}: the stack is being stopped`);
    const old = processes.find((p) => p.name === name);
    // A process killed a moment ago is reaped within milliseconds; one still running is an error.
    if (old && isRunning(old.child)) await Promise.race([old.exited, sleep(2000)]);
    if (old && isRunning(old.child)) throw new Error(`cannot restart ${name}: pid ${old.child.pid} is still running; kill it first`);
    if (stopping) throw new Error(`cannot restart ${name}: the stack is being stopped`);
    if (old) processes.splice(processes.indexOf(old), 1);
    const p = start(name, spec.file, spec.args, spec.env, spec.cores, spec.readyUrl);
    if (p.child.pid === undefined) {
      await p.exited;
      throw new Error(`cannot restart ${name}: ${p.tail.text() || 'the process did not start'}`);
    }
    if (name === 'gateway') gateway.pid = p.child.pid;
    else if (name in services) services[name as ServiceName].pid = p.child.pid;
    const begun = performance.now();
    if (spec.readyUrl) {
      const died = new AbortController();
      void p.exited.then(() => died.abort(new Error(`${name} exited (${p.child.signalCode ?? `code ${p.child.exitCode}`}) before it was ready; its last output:\n${p.tail.text()}`)));
      const url = until === 'live' ? spec.readyUrl.replace(/\/health\/ready$/, '/health/live') : spec.readyUrl;
      try {
        await waitReady(name, url, readyTimeoutMs, died.signal);
      } catch (err) {
        // Not ready in time but still running: stop it, so that it is not left half-started.
        if (isRunning(p.child)) await stopProcess(p);
        throw err;
      }
    }
    return { pid: p.child.pid, readyMs: performance.now() - begun };
  };

  /** Starts a process that exited again after its back-off; a failed start is retried the same way. */
  function superviseExit(name: string, exit: ProcessExit, upMs: number): void {
    const attempt = upMs >= STABLE_MS ? 1 : (attempts.get(name) ?? 0) + 1;
    attempts.set(name, attempt);
    const delay = restartDelayMs(attempt);
    options.onSupervision?.({ kind: 'exited', name, code: exit.code, signal: exit.signal, attempt, restartInMs: delay });
    scheduleRestart(name, attempt, delay);
  }

  function scheduleRestart(name: string, attempt: number, delay: number): void {
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (stopping) return;
      // The gateway is back once it is live: it is not ready while a department it routes to is down.
      restart(name, name === 'gateway' ? 'live' : 'ready').then(
        ({ pid, readyMs }) => {
          down.delete(name);
          options.onSupervision?.({ kind: 'restarted', name, pid, attempt, readyMs });
        },
        (err: Error) => {
          // The new process's exit (or failed spawn) schedules the next attempt.
          if (!stopping) options.onSupervision?.({ kind: 'restart-failed', name, attempt, reason: err.message });
        },
      );
    }, delay);
    timers.add(timer);
  }

  // Departments that could not be started are tried again under supervision, with the same back-off.
  if (options.supervise) {
    for (const name of down.keys()) {
      if (!specs.has(name)) continue;
      const current = processes.find((p) => p.name === name);
      if (current && isRunning(current.child)) continue;
      attempts.set(name, 1);
      scheduleRestart(name, 1, restartDelayMs(1));
    }
  }

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
    departmentsDown: () => [...down].map(([name, reason]) => ({ name, reason })),
    pidOf: (name) => {
      const p = processes.find((x) => x.name === name);
      return p && isRunning(p.child) ? (p.child.pid ?? null) : null;
    },
    restart: (name) => restart(name),
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
