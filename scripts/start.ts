/**
 * Runs the whole stack, each service in its own process: seeds empty databases with demo data,
 * starts the subgraphs, waits until each is ready, then starts the gateway on port 4000.
 * Ctrl-C stops everything. Options: --subjects N (demo data size when seeding, default 15000).
 * The database settings (DATA_DIR, DATABASE_URL, DATABASE_PREFIX) are taken from the environment.
 */
import { parseArgs } from 'node:util';
import { DEMO_CLIENTS } from '../gateway/clients.js';
import { launchStack, runSeed, type StackHandle } from './stack-processes.js';

const { values } = parseArgs({ options: { subjects: { type: 'string' } }, strict: true });

const abort = new AbortController();
let stack: StackHandle | undefined;
/** The seeding or launch under way: on abort it stops what it started, then settles. */
let pending: Promise<unknown> = Promise.resolve();
let stopping = false;

async function stopAll(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    abort.abort(new Error('stopped'));
    await pending.catch(() => {});
    await stack?.stop();
  }
  process.exit(code);
}

process.once('SIGINT', () => void stopAll(0));
process.once('SIGTERM', () => void stopAll(0));

try {
  await (pending = runSeed(['--if-empty', ...(values.subjects ? ['--subjects', values.subjects] : [])], { signal: abort.signal }));
} catch (err) {
  if (stopping) await new Promise(() => {}); // Ctrl-C while seeding: stopAll exits
  console.error(`${(err as Error).message}\nnot starting the stack`);
  process.exit(1);
}

try {
  stack = await (pending = launchStack({
    signal: abort.signal,
    onUnexpectedExit: ({ name, code, signal }) => {
      if (stopping) return;
      console.error(`${name} exited (${signal ?? `code ${code}`}); stopping the stack`);
      void stopAll(1);
    },
  }));
} catch (err) {
  if (stopping) await new Promise(() => {});
  console.error((err as Error).message);
  process.exit(1);
}

console.log(`
Credit platform is running.
  GraphQL   ${stack.gatewayUrl}
Subgraphs (internal):
${Object.entries(stack.serviceUrls).map(([name, url]) => `  ${name.padEnd(9)} ${url}`).join('\n')}
Demo keys (send as Authorization: Bearer <key>):
${DEMO_CLIENTS.map((c) => `  ${c.key.padEnd(20)} ${c.role.padEnd(16)} ${c.label}`).join('\n')}
Press Ctrl-C to stop.`);
