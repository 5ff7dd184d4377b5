/**
 * `npm run soak -- --cluster`: the full failover run. Starts a private MariaDB server (never the
 * machine's shared one: it is restarted as a fault), the cluster of `npm run cluster` on it
 * (HAProxy, two gateways, two replicas of every subgraph, two relays; rate limits in Redis), and
 * drives checks and publications through HAProxy while, round after round, a gateway, one replica
 * of every subgraph and the active relay are killed with SIGKILL and MySQL is stopped and started.
 * The replica killed alternates between rounds. Prints the table of scripts/cluster/failover.ts,
 * writes it to bench-results/soak-cluster-latest.md, and exits 1 when an acknowledged write was
 * lost or repeated, or a request that started after a gateway or replica kill failed.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { formatFailoverReport, runFailover } from '../cluster/failover.js';
import { PrivateMysql, privateMysqlSkipReason } from '../cluster/private-mysql.js';
import { HAPROXY, launchCluster, type ClusterHandle } from '../cluster/topology.js';
import { ROOT } from '../stack-processes.js';

export const CLUSTER_USAGE = `Usage: npm run soak -- --cluster [options]

The full failover run behind HAProxy: a private MariaDB server in a temporary directory (the
machine's shared one is never restarted), the cluster of \`npm run cluster\` on ports from
--port-base, checks and publications from --workers clients, and per round: one gateway, one
replica of every subgraph and the active relay killed with SIGKILL (each restarted before the
next fault), MySQL stopped for --mysql-down-ms and started. Report in bench-results/soak-cluster-latest.md.
Needs /usr/sbin/haproxy, /usr/sbin/mariadbd and Redis (RATE_LIMIT_REDIS_URL, default redis://127.0.0.1:6379).

Options:
  --rounds N          rounds of faults, default 3
  --workers N         clients sending requests one after another, default 6
  --subjects N        demo subjects seeded, default 2000
  --port-base N       HAProxy's gateway port (the cluster takes the next 50, MySQL base+60), default 6300
  --mysql-down-ms N   how long MySQL stays down, default 5000
  --verbose           the cluster's own output on this terminal
  -h, --help          show this help`;

function whole(option: string, raw: string, min: number, max: number): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) throw new Error(`--${option} ${JSON.stringify(raw)} is not valid: expected a whole number from ${min} to ${max}`);
  return value;
}

export async function soakCluster(argv: readonly string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv.filter((a) => a !== '--cluster'),
      options: {
        rounds: { type: 'string', default: '3' },
        workers: { type: 'string', default: '6' },
        subjects: { type: 'string', default: '2000' },
        'port-base': { type: 'string', default: '6300' },
        'mysql-down-ms': { type: 'string', default: '5000' },
        verbose: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    }));
  } catch (err) {
    console.error(`${(err as Error).message}\n\n${CLUSTER_USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(CLUSTER_USAGE);
    return 0;
  }
  let rounds: number, workers: number, subjects: number, portBase: number, mysqlDownMs: number;
  try {
    rounds = whole('rounds', values.rounds, 1, 100);
    workers = whole('workers', values.workers, 1, 200);
    subjects = whole('subjects', values.subjects, 100, 1_000_000);
    portBase = whole('port-base', values['port-base'], 1024, 65_000);
    mysqlDownMs = whole('mysql-down-ms', values['mysql-down-ms'], 0, 600_000);
  } catch (err) {
    console.error(`${(err as Error).message}\n\n${CLUSTER_USAGE}`);
    return 2;
  }
  const missing = !existsSync(HAPROXY) ? `HAProxy is not installed at ${HAPROXY} (apt-get install haproxy)` : privateMysqlSkipReason();
  if (missing) {
    console.error(`soak --cluster: ${missing}`);
    return 2;
  }

  const log = (line: string) => process.stdout.write(`soak: ${line}\n`);
  const prefix = 'soakcl_';
  let mysql: PrivateMysql | undefined;
  let cluster: ClusterHandle | undefined;
  let stopping = false;
  const abort = new AbortController();
  const cleanUp = async () => {
    abort.abort(new Error('soak stopped'));
    await cluster?.stop().catch(() => {});
    await mysql?.destroy().catch(() => {});
  };
  const onSignal = () => {
    if (stopping) return;
    stopping = true;
    log('stopping');
    void cleanUp().then(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    log(`private MariaDB on 127.0.0.1:${portBase + 60}`);
    mysql = await PrivateMysql.create(portBase + 60);
    cluster = await launchCluster({
      portBase, databaseUrl: mysql.url, databasePrefix: prefix,
      redisUrl: process.env.RATE_LIMIT_REDIS_URL ?? 'redis://127.0.0.1:6379',
      subjects, relayLeaseMs: 2000, output: values.verbose ? 'inherit' : 'quiet',
      env: { LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn', RELAY_POLL_MS: '100', SUBGRAPH_TIMEOUT_MS: '15000' },
      onStep: (text) => log(text),
      signal: abort.signal,
    });
    log(`cluster up behind ${cluster.gatewayUrl}; ${rounds} rounds of faults with ${workers} clients`);
    const report = await runFailover({ cluster, mysql, databaseUrl: mysql.url, databasePrefix: prefix, rounds, workers, mysqlDownMs, log });

    const failedAfter = report.faults.filter((f) => f.kind !== 'mysql' && f.failedAfter.check + f.failedAfter.publish > 0);
    const wrongWrites = report.lostChecks.length + report.checksStoredTwice.length + report.lostPublications.length + report.publicationsTwice.length;
    const text = [
      `# Failover soak behind HAProxy (npm run soak -- --cluster)`,
      '',
      `${new Date().toISOString()} · ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown CPU'}) · load average at the end ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} · ` +
        `${rounds} rounds, ${workers} clients, MySQL down ${mysqlDownMs} ms per round`,
      '',
      formatFailoverReport(report),
      '',
      `Requests started after a gateway or replica kill that failed: ${failedAfter.length ? failedAfter.map((f) => f.fault).join(', ') : 'none'}. Acknowledged writes lost or repeated: ${wrongWrites}.`,
    ].join('\n');
    console.log(`\n${text}`);
    const out = path.join(ROOT, 'bench-results');
    mkdirSync(out, { recursive: true });
    writeFileSync(path.join(out, 'soak-cluster-latest.md'), `${text}\n`);
    log(`written to bench-results/soak-cluster-latest.md`);
    return failedAfter.length || wrongWrites || report.after.failed ? 1 : 0;
  } catch (err) {
    if (!stopping) console.error(`soak --cluster failed: ${(err as Error).message}`);
    return 1;
  } finally {
    if (!stopping) await cleanUp();
  }
}
