/**
 * Runs the whole stack, each service in its own process: seeds empty databases with demo data,
 * starts the subgraphs, waits until each is ready, then starts the gateway on port 4000.
 * Ctrl-C stops everything. Options: --subjects N (demo data size when seeding, default 15000).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { DEMO_CLIENTS } from '../gateway/clients.js';
import { defaultPort, GATEWAY_PORT, SERVICES } from '../subgraphs/services.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const { values } = parseArgs({ options: { subjects: { type: 'string' } }, strict: true });

const children: { name: string; child: ChildProcess }[] = [];
let stopping = false;

function run(name: string, file: string, args: string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, file), ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  children.push({ name, child });
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`${name} exited (${signal ?? `code ${code}`}); stopping the stack`);
      void stopAll(1);
    }
  });
  return child;
}

async function waitReady(name: string, url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      /* not listening yet */
    }
    await sleep(200);
  }
  throw new Error(`${name} did not become ready at ${url} within ${timeoutMs / 1000} s`);
}

async function stopAll(code: number): Promise<never> {
  stopping = true;
  await Promise.all(
    children.map(
      ({ child }) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
          setTimeout(() => child.kill('SIGKILL'), 5000).unref();
        }),
    ),
  );
  process.exit(code);
}

process.once('SIGINT', () => void stopAll(0));
process.once('SIGTERM', () => void stopAll(0));

const seedArgs = ['--if-empty', ...(values.subjects ? ['--subjects', values.subjects] : [])];
const seed = run('seed', 'scripts/seed.ts', seedArgs);
const seedCode = await new Promise<number | null>((resolve) => seed.once('exit', (code) => resolve(code)));
children.splice(children.findIndex((c) => c.child === seed), 1);
if (seedCode !== 0) {
  console.error('seeding failed; not starting the stack');
  process.exit(1);
}

try {
  for (const { name } of SERVICES) run(name, `subgraphs/${name}/index.ts`, [], { PORT: String(defaultPort(name)) });
  await Promise.all(SERVICES.map(({ name }) => waitReady(name, `http://127.0.0.1:${defaultPort(name)}/health/ready`)));
  run('gateway', 'gateway/index.ts', ['--port', String(GATEWAY_PORT)]);
  await waitReady('gateway', `http://127.0.0.1:${GATEWAY_PORT}/health/live`);
} catch (err) {
  console.error((err as Error).message);
  await stopAll(1);
}

console.log(`
Credit platform is running.
  GraphQL   http://127.0.0.1:${GATEWAY_PORT}/graphql
Demo keys (send as Authorization: Bearer <key>):
${DEMO_CLIENTS.map((c) => `  ${c.key.padEnd(20)} ${c.role.padEnd(16)} ${c.label}`).join('\n')}
Press Ctrl-C to stop.`);
