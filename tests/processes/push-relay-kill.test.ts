import assert from '../kit/assert.js';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, it } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { DEPARTMENTS } from '../../subgraphs/services.js';
import { engines } from '../kit/engines.js';
import { assertOrdered, client, keyOf, outboxes, relayEnv, webhookReceiver, type Entry } from '../kit/push.js';
import { TestStack } from '../kit/stack.js';
import { until } from '../kit/wait.js';
import { suite } from '../kit/suite.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

/**
 * The kill test: the relay runs as a child process and is killed with SIGKILL again and again
 * while the departments publish and revoke records; pull subscribers read and acknowledge all
 * along, and a webhook receives. Afterwards every subscriber has every matching outbox event:
 * pull subscribers exactly once, the webhook in order with at most redeliveries of a batch the
 * relay was killed before recording.
 */
for (const { engine, skip } of await engines()) {
  suite(`information push survives kill -9 of the relay (${engine})`, skip, () => {
    let stack: TestStack;
    let receiver: Awaited<ReturnType<typeof webhookReceiver>>;
    let child: ChildProcess | undefined;
    let output = '';

    beforeAll(async () => {
      stack = await TestStack.start({ engine });
      receiver = await webhookReceiver();
    });
    afterAll(async () => {
      child?.kill('SIGKILL');
      await receiver?.close();
      await stack?.close();
    });

    function startRelay(): Promise<ChildProcess> {
      const env = relayEnv(stack, { RELAY_POLL_MS: '20', RELAY_WEBHOOK_BATCH: '7', RELAY_WEBHOOK_TIMEOUT_MS: '1000', RELAY_RETRY_BASE_MS: '20', RELAY_RETRY_MAX_MS: '200' });
      const p = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'subgraphs/platform/relay.ts')], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
      child = p;
      return new Promise((resolve, reject) => {
        const onData = (d: Buffer) => {
          output += d.toString();
          if (output.includes('push relay: reading')) resolve(p);
        };
        p.stdout!.on('data', onData);
        p.stderr!.on('data', (d: Buffer) => void (output += d.toString()));
        p.once('exit', (code, signal) => reject(new Error(`relay exited (${signal ?? code}) before it was ready:\n${output}`)));
      });
    }

    async function kill(p: ChildProcess): Promise<void> {
      const gone = new Promise((r) => p.once('exit', r));
      p.kill('SIGKILL');
      await gone;
    }

    it('delivers every event to every subscriber exactly once after acknowledgement, whatever moment the relay dies', async () => {
      const c = client(stack, 9000);
      const all = await c.subscribe({});
      const black = await c.subscribe({ listTypes: ['BLACK'], departments: ['courts', 'finance', 'market'] }, 'demo-courts-key');
      const hook = await c.subscribe({ webhookUrl: receiver.url }, 'demo-tax-key');
      receiver.secrets.set(hook.id, hook.secret);

      // Six writers publish (and revoke every third record) until the relay has been killed eight
      // times, at least 20 records each, paced so that the kills fall among the writes.
      const KILLS = 8;
      let kills = 0;
      let killsWhilePublishing = 0;
      let publishing = true;
      let revocations = 0;
      const work = (async () => {
        const tasks: Promise<void>[] = [];
        for (let i = 0; i < 6; i++) {
          tasks.push(
            (async () => {
              for (let j = 0; j < 20 || kills < KILLS; j++) {
                const department = DEPARTMENTS[(i + j) % 4]!;
                const rec = await c.publish(department, j % 4 === 3 ? 'other' : 'BLACK');
                if (j % 3 === 0) {
                  const r = await stack.query(`mutation($id: ID!) { ${department} { revokeRecord(id: $id, reason: "撤销") { version } } }`, { id: rec.id }, `demo-${department}-key`);
                  assert.equal(r.errors, undefined, JSON.stringify(r.errors));
                  revocations++;
                }
                await sleep(20 + Math.random() * 60);
              }
            })(),
          );
        }
        await Promise.all(tasks);
        publishing = false;
      })();

      // Pull subscribers read and acknowledge all along, through the relay's deaths.
      const received = { all: [] as Entry[], black: [] as Entry[] };
      let reading = true;
      const readers = Promise.all(
        ([['all', all.id, 'demo-approval-key'], ['black', black.id, 'demo-courts-key']] as const).map(async ([name, id, key]) => {
          while (reading) {
            const page = await c.feed(id, 17, key);
            await c.ack(id, page.cursor, key);
            received[name].push(...page.entries); // counted once acknowledged
            if (!page.hasMore) await sleep(15);
          }
        }),
      );

      const started = Date.now();
      while (kills < KILLS) {
        const p = await startRelay();
        await sleep(40 + Math.random() * 250);
        if (publishing) killsWhilePublishing++;
        await kill(p);
        kills++;
      }
      await work;
      const killedFor = Date.now() - started;

      // A last relay that is left alone brings everything across.
      const last = await startRelay();
      const truth = await outboxes(stack);
      const expectedBlack = truth.filter((t) => t.listType === 'BLACK' && ['courts', 'finance', 'market'].includes(t.department));
      await until('every entry at every subscriber', async () => {
        const hooked = new Set(receiver.entries(hook.id).map((e) => e.seq)).size;
        return received.all.length >= truth.length && received.black.length >= expectedBlack.length && hooked >= truth.length;
      }, { timeoutMs: 60_000, everyMs: 50 });
      await sleep(300);
      reading = false;
      await readers;
      last.kill('SIGTERM');
      await new Promise((r) => last.once('exit', r));
      child = undefined;

      const published = truth.filter((t) => t.kind === 'PUBLISHED').length;
      const revoked = truth.filter((t) => t.kind === 'REVOKED').length;
      assert.ok(published >= 120, `${published} published`);
      assert.equal(revoked, revocations);
      assert.equal(truth.length, published + revoked);

      // Pull: exactly once each, in order.
      for (const [name, expected] of [['all', truth], ['black', expectedBlack]] as const) {
        const got = received[name];
        assert.equal(got.length, expected.length, `${name}: ${got.length} received, ${expected.length} expected`);
        assert.deepEqual(new Set(got.map(keyOf)), new Set(expected.map((t) => t.key)), `${name}: the same events`);
        assert.equal(new Set(got.map((e) => e.seq)).size, got.length, `${name}: no duplicates`);
        assertOrdered(got, truth);
      }

      // Webhook: every event, in order; a repeat only as the redelivery of a batch already seen.
      let maxSeen = 0;
      let redelivered = 0;
      const firstSight: Entry[] = [];
      for (const batch of receiver.batches) {
        for (const e of batch.entries) {
          if (e.seq <= maxSeen) {
            redelivered++;
            assert.ok(firstSight.some((f) => f.seq === e.seq && keyOf(f) === keyOf(e)), `seq ${e.seq} repeated but never seen before`);
            continue;
          }
          maxSeen = e.seq;
          firstSight.push(e);
        }
      }
      assert.equal(firstSight.length, truth.length);
      assert.deepEqual(new Set(firstSight.map(keyOf)), new Set(truth.map((t) => t.key)));
      assertOrdered(firstSight, truth);
      assert.equal(receiver.state.badSignatures, 0);

      const feedRows = await stack.db('platform')('feed').count({ n: '*' }).first();
      assert.equal(Number(feedRows!.n), truth.length, 'the feed holds each outbox event once');
      assert.equal(killsWhilePublishing, KILLS, 'every kill fell among the writes');
      console.log(`kill test (${engine}): ${kills} kills (${killsWhilePublishing} while publishing) in ${killedFor} ms, ${truth.length} events, ${receiver.batches.length} webhook batches, ${redelivered} entries redelivered after a kill`);
    }, 180_000);
  });
}
