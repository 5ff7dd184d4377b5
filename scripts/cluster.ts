/**
 * `npm run cluster`: the highly available topology on this machine (docs/deployment.md). HAProxy
 * serves the gateway's usual address in front of two gateways, and each subgraph's usual port in
 * front of two replicas of it; MySQL is the only store, the rate limits live in Redis, and two push
 * relays share one lease. Same demo keys and demo data as `npm start`. Ctrl-C stops everything.
 *
 * Options: --port-base N (HAProxy's gateway port, default 4000; replicas listen from N+20),
 * --subjects N (demo data when the databases are empty, default 15000). Environment:
 * DATABASE_URL (default mysql://root@127.0.0.1:3306), DATABASE_PREFIX (default credit_),
 * RATE_LIMIT_REDIS_URL (default redis://127.0.0.1:6379), HAPROXY_PATH (default /usr/sbin/haproxy).
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DEMO_CLIENTS } from '../gateway/clients.js';
import { HAPROXY, launchCluster, type ClusterHandle } from './cluster/topology.js';

const { values } = parseArgs({ options: { 'port-base': { type: 'string' }, subjects: { type: 'string' } }, strict: true });
const portBase = Number(values['port-base'] ?? 4000);
if (!Number.isInteger(portBase) || portBase < 1 || portBase > 65_000) {
  console.error(`--port-base ${JSON.stringify(values['port-base'])} is not valid: expected a port from 1 to 65000`);
  process.exit(2);
}
const subjects = Number(values.subjects ?? 15_000);
if (!Number.isInteger(subjects) || subjects < 100) {
  console.error(`--subjects ${JSON.stringify(values.subjects)} is not valid: expected a whole number of at least 100`);
  process.exit(2);
}
if (!existsSync(HAPROXY)) {
  console.error(`HAProxy is not installed at ${HAPROXY}: apt-get install haproxy (or set HAPROXY_PATH)`);
  process.exit(2);
}

let cluster: ClusterHandle | undefined;
let launching: Promise<unknown> = Promise.resolve();
let stopping = false;
const abort = new AbortController();
const stopAll = async (code: number) => {
  if (stopping) return;
  stopping = true;
  abort.abort(new Error('stopped'));
  await launching.catch(() => {});
  await cluster?.stop();
  process.exit(code);
};
process.once('SIGINT', () => void stopAll(0));
process.once('SIGTERM', () => void stopAll(0));

try {
  cluster = await (launching = launchCluster({
    portBase,
    subjects,
    databaseUrl: process.env.DATABASE_URL ?? 'mysql://root@127.0.0.1:3306',
    databasePrefix: process.env.DATABASE_PREFIX ?? 'credit_',
    redisUrl: process.env.RATE_LIMIT_REDIS_URL ?? 'redis://127.0.0.1:6379',
    onStep: (text) => process.stdout.write(`\n▶ ${text}\n`),
    signal: abort.signal,
  }));
} catch (err) {
  if (stopping) await new Promise(() => {}); // Ctrl-C during the launch: stopAll exits
  console.error(`the cluster did not start: ${(err as Error).message}`);
  process.exit(1);
}

const origin = new URL(cluster.gatewayUrl).origin;
console.log(`
Credit platform cluster is running.
  GraphQL   ${cluster.gatewayUrl}   (HAProxy → gateway-1, gateway-2)
  GraphiQL  ${origin}/graphiql   Status ${origin}/status
  HAProxy   ${cluster.configFile}
Processes:
${[...cluster.members.values()].map((m) => `  ${m.name.padEnd(11)} pid ${String(m.spawned.child.pid).padEnd(8)}${m.port && m.group !== 'haproxy' ? ` port ${m.port}` : ''}`).join('\n')}
Demo keys: ${DEMO_CLIENTS.map((c) => c.key).join(', ')}
Press Ctrl-C to stop.`);
