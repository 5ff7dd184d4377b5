import assert from '../kit/assert.js';
import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, it } from '@jest/globals';
import { HAPROXY, launchCluster, type ClusterHandle } from '../../scripts/cluster/topology.js';
import { formatFailoverReport, runFailover } from '../../scripts/cluster/failover.js';
import { PrivateMysql, privateMysqlSkipReason } from '../../scripts/cluster/private-mysql.js';
import { SERVICES } from '../../subgraphs/services.js';
import { redisSkipReason, TEST_REDIS_URL } from '../kit/redis.js';
import { suite } from '../kit/suite.js';

/** HAProxy's gateway port for this test; the cluster takes the next 50 ports, its private MySQL server base + 60. */
const PORT_BASE = Number(process.env.CLUSTER_TEST_PORT_BASE ?? 6100);
const WORKERS = 6;

async function skipReason(): Promise<string | false> {
  for (const reason of [
    !existsSync(HAPROXY) && `HAProxy is not installed at ${HAPROXY}: cluster failover test skipped (apt-get install haproxy)`,
    privateMysqlSkipReason() && `${privateMysqlSkipReason()}: cluster failover test skipped`,
  ]) {
    if (!reason) continue;
    if (process.env.CI) throw new Error(`${reason}, and the cluster test is mandatory in CI`);
    return reason;
  }
  return redisSkipReason();
}

/**
 * The short form of the failover test (the full one, several rounds, is `npm run soak -- --cluster`):
 * checks and publications through HAProxy while, in turn, a gateway, one replica of every subgraph
 * and the active relay are killed with SIGKILL, and the cluster's MySQL server is stopped and
 * started. The cluster runs on a private MariaDB server of its own (scripts/cluster/private-mysql.ts):
 * the machine's shared one serves other suites at the same time and is never restarted.
 */
suite('the cluster behind HAProxy keeps answering while one of each kind of process is killed', await skipReason(), () => {
  let cluster: ClusterHandle | undefined;
  let mysql: PrivateMysql | undefined;
  const prefix = `cl${randomBytes(3).toString('hex')}_`;

  beforeAll(async () => {
    mysql = await PrivateMysql.create(PORT_BASE + 60);
    cluster = await launchCluster({
      portBase: PORT_BASE, databaseUrl: mysql.url, databasePrefix: prefix, redisUrl: TEST_REDIS_URL,
      subjects: 200, relayLeaseMs: 2000, output: 'quiet',
      // A busy test machine: a source counts as unavailable only when it is really away.
      env: { LOG_LEVEL: 'warn', RELAY_POLL_MS: '100', SUBGRAPH_TIMEOUT_MS: '15000' },
    });
  }, 600_000);
  afterAll(async () => {
    await cluster?.stop();
    await mysql?.destroy();
  });

  it('fails no request that started after a kill, nor a read in flight, loses and repeats no acknowledged write, and recovers from each fault', async () => {
    const report = await runFailover({ cluster: cluster!, mysql: mysql!, databaseUrl: mysql!.url, databasePrefix: prefix, rounds: 1, workers: WORKERS, log: (line) => console.log(line) });
    console.log(`cluster failover:\n${formatFailoverReport(report)}`);

    assert.equal(report.before.failed, 0, 'no request fails once the cluster is up: HAProxy admits a replica only after it answers ready');
    assert.deepEqual(report.lostChecks, [], 'every acknowledged check is stored');
    assert.deepEqual(report.checksStoredTwice, [], 'no check stored twice');
    assert.deepEqual(report.lostPublications, [], 'every acknowledged publication is in the feed');
    assert.deepEqual(report.publicationsTwice, [], 'no publication twice in the feed');
    const byName = new Map(report.faults.map((f) => [f.fault, f]));
    assert.equal(report.faults.length, 1 + SERVICES.length + 2, `faults run: ${[...byName.keys()].join(', ')}`);

    for (const f of report.faults.filter((f) => f.kind !== 'mysql')) {
      // Requests that started after a kill went elsewhere: HAProxy retries a refused connection on
      // the other replica, and a read the dead replica held on the other one.
      assert.deepEqual(f.failedAfter, { check: 0, publish: 0 }, `${f.fault}: requests started after the kill failed`);
    }
    for (const f of report.faults.filter((f) => f.kind !== 'mysql' && f.kind !== 'relay')) {
      // In flight at the kill: a request the killed process held fails when HAProxy must not send
      // it again — a client's request to a gateway (it may be a check already stored), a
      // publication to courts, a check's fetch to the platform (it stores the check, and records
      // person lookups on reads). A department's reads are marked read-only by the gateway and
      // replayed on the other replica: none of those fails.
      const allowed = f.kind === 'gateway' ? { check: true, publish: true } : f.kind === 'platform' ? { check: true, publish: false } : f.kind === 'courts' ? { check: false, publish: true } : { check: false, publish: false };
      if (!allowed.check) assert.equal(f.failedInFlight.check, 0, `${f.fault}: checks in flight at the kill failed, though their fetches to it store nothing`);
      if (!allowed.publish) assert.equal(f.failedInFlight.publish, 0, `${f.fault}: publications in flight at the kill failed, though they never reach it`);
      assert.ok(f.failedInFlight.check + f.failedInFlight.publish <= WORKERS, `${f.fault}: more failures in flight than the ${WORKERS} requests that can be`);
    }
    const mysqlFault = report.faults.find((f) => f.kind === 'mysql')!;
    // While MySQL is down requests fail (nothing can be stored or read); it must come back.
    assert.ok(mysqlFault.recoveryMs['first answer after MySQL is back']! < 60_000, 'answers again within a minute of MySQL being back');
    assert.equal(report.after.failed, 0, 'nothing fails once every process is back');
  }, 900_000);
});
