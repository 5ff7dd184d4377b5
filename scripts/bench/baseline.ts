/**
 * The `baseline` target of `npm run bench -- --baseline REF`: another git revision of this
 * project, its whole stack, measured in the same run as ours ("before" and "after" side by side).
 *
 * The revision is exported into a temporary folder (`git archive REF | tar -x`); it uses this
 * checkout's node_modules (a symbolic link) when its package-lock.json is the same, otherwise
 * `npm ci` installs its own (said in the output). Then it runs as that revision runs itself: its
 * own scripts/seed.ts into its own data (a temporary SQLite folder, or MySQL databases with their
 * own prefix) with the same --subjects, so that its data are the same as ours (the demo data are
 * deterministic for a subject count and RECORD_ID_SECRET); its subgraphs (subgraphs/NAME/index.ts,
 * NAME from its subgraphs/services.ts, PORT and HOST from the environment) and its gateway
 * (gateway/index.ts --port --host, SUBGRAPH_URLS) on their own ports, pinned like ours: the
 * gateway on the gateway's core, the subgraphs on the subgraphs' core(s).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dropDatabase, databaseConfigFromEnv } from '../../subgraphs/kit/database.js';
import { ROOT } from '../stack-processes.js';
import { startProcess, type BenchProcess } from './processes.js';

export interface BaselineCheckout {
  ref: string;
  /** The commit, abbreviated. */
  commit: string;
  dir: string;
  /** How its node_modules came to be. */
  modules: 'linked' | 'installed';
  remove(): void;
}

/** Exports REF into a temporary folder, with node_modules. */
export function checkoutBaseline(ref: string, log: (line: string) => void): BaselineCheckout {
  let commit: string;
  try {
    commit = execFileSync('git', ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    throw new Error(`--baseline ${ref}: not a commit of this repository (expected a git revision: a commit id, a branch or a tag)`);
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'credit-bench-baseline-'));
  const remove = () => rmSync(dir, { recursive: true, force: true });
  try {
    const archive = spawnSync('sh', ['-c', `git archive --format=tar ${commit} | tar -x -C "$1"`, 'sh', dir], { cwd: ROOT, encoding: 'utf8' });
    if (archive.status !== 0) throw new Error(`git archive ${commit} failed: ${archive.stderr}`);
    const lock = (root: string) => (existsSync(path.join(root, 'package-lock.json')) ? readFileSync(path.join(root, 'package-lock.json'), 'utf8') : null);
    let modules: BaselineCheckout['modules'];
    if (lock(dir) !== null && lock(dir) === lock(ROOT)) {
      symlinkSync(realpathSync(path.join(ROOT, 'node_modules')), path.join(dir, 'node_modules'), 'dir');
      modules = 'linked';
      log(`bench: baseline ${ref} (${commit.slice(0, 10)}) in ${dir}: same package-lock.json, uses this checkout's node_modules`);
    } else {
      log(`bench: baseline ${ref} (${commit.slice(0, 10)}) in ${dir}: its package-lock.json differs from ours: npm ci there (takes a while) ...`);
      execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, stdio: 'inherit' });
      modules = 'installed';
    }
    return { ref, commit: commit.slice(0, 10), dir, modules, remove };
  } catch (err) {
    remove();
    throw err;
  }
}

export interface BaselineStack {
  gatewayUrl: string;
  gatewayPid: number;
  /** Each subgraph's process id, by name. */
  subgraphPids: Record<string, number>;
  processes: BenchProcess[];
  stop(): Promise<void>;
}

export interface BaselineStackOptions {
  checkout: BaselineCheckout;
  /** The environment our stack runs with (database settings are replaced by the baseline's own). */
  env: NodeJS.ProcessEnv;
  /** SQLite: its own data folder; MySQL: its own database prefix. */
  dataDir?: string;
  databasePrefix?: string;
  subjects: number;
  host: string;
  portBase: number;
  pin?: { gateway: string; subgraphs: string };
  seedTimeoutMs: number;
  output: 'inherit' | 'quiet';
  log(line: string): void;
  /** Called with every process started, so that the caller stops it on Ctrl-C. */
  track(p: BenchProcess): void;
}

/** The baseline's environment: ours, with its own data. */
function baselineEnv(options: BaselineStackOptions): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...options.env };
  if (options.dataDir !== undefined) env.DATA_DIR = options.dataDir;
  if (options.databasePrefix !== undefined) env.DATABASE_PREFIX = options.databasePrefix;
  delete env.SUBGRAPH_URLS;
  return env;
}

/** Runs a TypeScript file of the baseline checkout with tsx. */
function tsCommand(dir: string, file: string, nodeArgs: string[] = []): [string, string[]] {
  return [process.execPath, [...nodeArgs, '--import', 'tsx', path.join(dir, file)]];
}

/** Seeds the baseline's own data with its own seed script, then starts its subgraphs and gateway. */
export async function startBaselineStack(options: BaselineStackOptions): Promise<BaselineStack> {
  const { dir } = options.checkout;
  const env = baselineEnv(options);
  const t0 = Date.now();
  const seedArgs = options.databasePrefix !== undefined ? ['--reset', '--subjects', String(options.subjects)] : ['--subjects', String(options.subjects)];
  options.log(`bench: baseline: seeding its own data (its scripts/seed.ts ${seedArgs.join(' ')}) ...`);
  const [command, args] = tsCommand(dir, 'scripts/seed.ts');
  const seed = spawnSync(command, [...args, ...seedArgs], { cwd: dir, env, encoding: 'utf8', timeout: options.seedTimeoutMs, maxBuffer: 64 * 1024 * 1024 });
  if (seed.status !== 0) {
    const tail = `${seed.stdout ?? ''}${seed.stderr ?? ''}`.split('\n').slice(-30).join('\n');
    throw new Error(`baseline: its seed failed (${seed.signal ? `killed by ${seed.signal}` : `exit code ${seed.status}`}); its last output:\n${tail}`);
  }
  if (options.output === 'inherit') process.stdout.write(seed.stdout);
  options.log(`bench: baseline: seeded in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

  // Its own list of subgraphs and their default ports (offsets from its gateway's port).
  const servicesFile = path.join(dir, 'subgraphs/services.ts');
  const services = (existsSync(servicesFile) ? await import(servicesFile) : {}) as { SERVICES?: readonly { name: string; port: number }[]; GATEWAY_PORT?: number };
  if (!Array.isArray(services.SERVICES) || typeof services.GATEWAY_PORT !== 'number') {
    throw new Error(`baseline ${options.checkout.ref}: its subgraphs/services.ts does not export SERVICES and GATEWAY_PORT as this bench expects; it cannot launch that revision`);
  }
  const list = services.SERVICES;
  const gatewayDefault = services.GATEWAY_PORT;
  const processes: BenchProcess[] = [];
  const stop = async () => {
    const gateway = processes.find((p) => p.name === 'baseline gateway');
    if (gateway) await gateway.stop();
    await Promise.all(processes.filter((p) => p !== gateway).map((p) => p.stop()));
  };
  try {
    const urls: Record<string, string> = {};
    const subgraphPids: Record<string, number> = {};
    await Promise.all(
      list.map(async ({ name, port }) => {
        const p = options.portBase + (port - gatewayDefault);
        const started = await startProcess({
          name: `baseline ${name}`,
          command: tsCommand(dir, `subgraphs/${name}/index.ts`),
          env: { ...env, PORT: String(p), HOST: options.host },
          cores: options.pin?.subgraphs,
          readyUrl: `http://${options.host}:${p}/health/ready`,
          readyTimeoutMs: 90_000,
          output: options.output,
        });
        processes.push(started);
        options.track(started);
        urls[name] = `http://${options.host}:${p}/graphql`;
        subgraphPids[name] = started.pid;
      }),
    );
    const gatewayPort = options.portBase;
    const gateway = await startProcess({
      name: 'baseline gateway',
      command: tsCommand(dir, 'gateway/index.ts'),
      args: ['--port', String(gatewayPort), '--host', options.host],
      env: { ...env, SUBGRAPH_URLS: Object.entries(urls).map(([n, u]) => `${n}=${u}`).join(',') },
      cores: options.pin?.gateway,
      readyUrl: `http://${options.host}:${gatewayPort}/health/ready`,
      readyTimeoutMs: 90_000,
      output: options.output,
    });
    processes.push(gateway);
    options.track(gateway);
    return { gatewayUrl: `http://${options.host}:${gatewayPort}/graphql`, gatewayPid: gateway.pid, subgraphPids, processes, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Drops the baseline's MySQL databases (SQLite: its folder is removed by the caller). */
export async function dropBaselineDatabases(names: readonly string[], env: NodeJS.ProcessEnv): Promise<void> {
  for (const name of names) await dropDatabase(databaseConfigFromEnv(name, env)).catch(() => {});
}
