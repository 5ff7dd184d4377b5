/**
 * Runs the whole stack, each service in its own process: seeds empty databases with demo data,
 * starts the subgraphs — the default ones and every department registered at runtime whose code is
 * in subgraphs/ — waits until each is ready, then starts the gateway on port 4000, showing each step
 * as it goes, and prints the URLs (GraphQL, GraphiQL, status) and the demo keys. A department that
 * cannot be started is named with the reason and the rest is served without it. Every process is
 * supervised: one that exits is started again after a back-off, with a line saying so. Only Ctrl-C
 * (SIGINT or SIGTERM) stops everything. Options: --subjects N (demo data size when seeding, default 15000).
 * The database settings (DATA_DIR, DATABASE_URL, DATABASE_PREFIX) are taken from the environment.
 */
import { parseArgs } from 'node:util';
import { DEMO_CLIENTS } from '../gateway/clients.js';
import { clientsSourceFromEnv } from '../gateway/config.js';
import { launchStack, runSeed, type StackHandle } from './stack-processes.js';

const { values } = parseArgs({ options: { subjects: { type: 'string' }, 'port-base': { type: 'string' } }, strict: true });
const portBase = values['port-base'] === undefined ? undefined : Number(values['port-base']);
if (portBase !== undefined && !Number.isInteger(portBase)) {
  console.error(`--port-base ${JSON.stringify(values['port-base'])} is not valid: expected a port number such as 4000 (the gateway's; the subgraphs take the next ones)`);
  process.exit(2);
}

/** Step lines of the start-up, on stdout between the services' own log lines. */
const step = (text: string) => process.stdout.write(`\n▶ ${text}\n`);
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

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

step('1/3 Demo data: migrating the databases and seeding them if they are empty (first run only)');
try {
  await (pending = runSeed(['--if-empty', ...(values.subjects ? ['--subjects', values.subjects] : [])], { signal: abort.signal }));
} catch (err) {
  if (stopping) await new Promise(() => {}); // Ctrl-C while seeding: stopAll exits
  console.error(`${(err as Error).message}\nnot starting the stack`);
  process.exit(1);
}

step('2/3 Subgraphs: starting each in its own process (it migrates its database, then answers /health/ready)');
let gatewayStarted = false;
try {
  stack = await (pending = launchStack({
    signal: abort.signal,
    portBase,
    registered: true,
    supervise: true,
    // On a loaded machine a subgraph can take a minute to migrate and answer: a hang guard, not a target.
    readyTimeoutMs: 180_000,
    onProgress: (p) => {
      if (p.stage === 'ready') {
        process.stdout.write(`  ✓ ${p.name.padEnd(9)} ready in ${seconds(p.ms)} (pid ${p.pid})\n`);
        return;
      }
      if (p.stage === 'failed') {
        process.stdout.write(`  ✗ ${p.name.padEnd(9)} NOT STARTED: ${p.reason}\n              serving the rest without it: its fields answer unavailable and checks answer INCOMPLETE naming ${p.name}; retried in the background\n`);
        return;
      }
      if (p.stage === 'external') {
        process.stdout.write(`  ✓ ${p.name.padEnd(9)} ${p.reason}\n`);
        return;
      }
      if (p.name === 'gateway' && !gatewayStarted) {
        gatewayStarted = true;
        step('3/3 Gateway: loading the supergraph from the registry and probing every subgraph; then the push relay');
      }
    },
    onSupervision: (e) => {
      if (stopping) return;
      const at = new Date().toISOString();
      if (e.kind === 'exited') console.error(`${at} supervisor: ${e.name} exited (${e.signal ?? `code ${e.code}`}); starting it again in ${seconds(e.restartInMs)} (attempt ${e.attempt}); the rest keeps serving`);
      else if (e.kind === 'restarted') console.error(`${at} supervisor: ${e.name} is back (pid ${e.pid}, ready in ${seconds(e.readyMs)}, attempt ${e.attempt})`);
      else console.error(`${at} supervisor: ${e.name} did not come back (attempt ${e.attempt}): ${e.reason.split('\n')[0]}`);
    },
  }));
} catch (err) {
  if (stopping) await new Promise(() => {});
  console.error((err as Error).message);
  process.exit(1);
}

const origin = new URL(stack.gatewayUrl).origin;
// The demo keys work only when no other client source is configured (clientsSourceFromEnv).
const demoKeys = clientsSourceFromEnv().kind === 'demo';
console.log(`
Credit platform is running.
  GraphQL   ${stack.gatewayUrl}
  GraphiQL  ${origin}/graphiql   (analysts and the credit office: ${demoKeys ? 'enter demo-analyst-key' : 'enter your key'})
  Status    ${origin}/status     (health: ${origin}/health/ready, metrics: ${origin}/metrics; an analyst's key)
Subgraphs (internal):
${Object.entries(stack.serviceUrls).map(([name, url]) => `  ${name.padEnd(9)} ${url}`).join('\n')}
${
  demoKeys
    ? `Demo keys (send as Authorization: Bearer <key>):\n${DEMO_CLIENTS.map((c) => `  ${(c.key ?? '').padEnd(21)} ${c.role.padEnd(16)} ${c.label}`).join('\n')}`
    : `Clients: ${process.env.CLIENTS_SOURCE === 'database' ? 'the registry database (npm run clients -- list)' : `CLIENTS_FILE ${process.env.CLIENTS_FILE}`}`
}
${
  stack.departmentsDown().length
    ? `Not running (served without them; checks answer INCOMPLETE naming them): ${stack.departmentsDown().map((d) => d.name).join(', ')}\n`
    : ''
}Every process is supervised: one that exits is started again. Press Ctrl-C to stop.`);
