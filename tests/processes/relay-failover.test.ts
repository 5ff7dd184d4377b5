import assert from '../kit/assert.js';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, it } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { DEPARTMENTS } from '../../subgraphs/services.js';
import { RelayLease } from '../../subgraphs/platform/push/relay-lease.js';
import { engines } from '../kit/engines.js';
import { assertOrdered, client, keyOf, outboxes, relayEnv, webhookReceiver, type Entry } from '../kit/push.js';
import { TestStack } from '../kit/stack.js';
import { until, timeUntil } from '../kit/wait.js';
import { suite } from '../kit/suite.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const LEASE_MS = 1000;
const BATCH = 5;

interface RelayProcess {
  child: ChildProcess;
  output: () => string;
  exited: Promise<unknown>;
}

/**
 * Two relay processes on one platform database: one holds the lease and works, the other stands
 * by. The active one is killed with SIGKILL while the departments publish, three times, a fresh
 * standby started after each kill. Every outbox event reaches the feed once and every subscriber
 * in order: a pull subscriber exactly once, the webhook with at most a redelivery of the batch
 * that was in flight when its relay died (receivers drop a seq they have seen).
 */
for (const { engine, skip } of await engines()) {
  suite(`two push relays: one active at a time, the other takes over after kill -9 (${engine})`, skip, () => {
    let stack: TestStack;
    let receiver: Awaited<ReturnType<typeof webhookReceiver>>;
    const relays: RelayProcess[] = [];

    beforeAll(async () => {
      stack = await TestStack.start({ engine });
      receiver = await webhookReceiver();
    });
    afterAll(async () => {
      for (const r of relays) r.child.kill('SIGKILL');
      await Promise.all(relays.map((r) => r.exited));
      await receiver?.close();
      await stack?.close();
    });

    function startRelay(): RelayProcess {
      const env = relayEnv(stack, {
        RELAY_LEASE_MS: String(LEASE_MS), RELAY_POLL_MS: '20', RELAY_WEBHOOK_BATCH: String(BATCH),
        RELAY_WEBHOOK_TIMEOUT_MS: '1000', RELAY_RETRY_BASE_MS: '20', RELAY_RETRY_MAX_MS: '200', LOG_FORMAT: 'json',
      });
      const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'subgraphs/platform/relay.ts')], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stdout!.on('data', (d: Buffer) => void (output += d.toString()));
      child.stderr!.on('data', (d: Buffer) => void (output += d.toString()));
      const relay = { child, output: () => output, exited: new Promise((r) => child.once('exit', r)) };
      relays.push(relay);
      return relay;
    }

    const isActive = (r: RelayProcess) => r.output().includes('push relay: active');
    const isStandingBy = (r: RelayProcess) => r.output().includes('push relay: standing by');
    const terms = (r: RelayProcess) => [...r.output().matchAll(/push relay: active \(lease term (\d+)/g)].map((m) => Number(m[1]));

    it('pushes each event once and in order while the active relay is killed, and the standby takes over', async () => {
      const c = client(stack, 9500);
      const pull = await c.subscribe({});
      const hook = await c.subscribe({ webhookUrl: receiver.url }, 'demo-tax-key');
      receiver.secrets.set(hook.id, hook.secret);

      let active = startRelay();
      await until('the first relay is active', () => isActive(active));
      let standby = startRelay();
      await until('the second relay stands by', () => isStandingBy(standby));

      // Writers publish until the third kill, at least 15 records each, paced so that kills fall among them.
      const KILLS = 3;
      let kills = 0;
      let publishing = true;
      const work = (async () => {
        await Promise.all([0, 1, 2, 3].map(async (i) => {
          for (let j = 0; j < 15 || kills < KILLS; j++) {
            await c.publish(DEPARTMENTS[(i + j) % 4]!, j % 3 === 2 ? 'other' : 'BLACK');
            await sleep(30 + Math.random() * 50);
          }
        }));
        publishing = false;
      })();

      const received: Entry[] = [];
      let reading = true;
      const reader = (async () => {
        while (reading) {
          const page = await c.feed(pull.id, 13);
          await c.ack(pull.id, page.cursor);
          received.push(...page.entries);
          if (!page.hasMore) await sleep(20);
        }
      })();

      const takeovers: number[] = [];
      let killsWhilePublishing = 0;
      while (kills < KILLS) {
        // Let the active relay work a little: a few webhook batches after the last takeover.
        const batchesBefore = receiver.batches.length;
        await until('the active relay delivers', () => receiver.batches.length >= batchesBefore + 2);
        const termBefore = (await RelayLease.state(stack.db('platform')))!.term;
        if (publishing) killsWhilePublishing++;
        active.child.kill('SIGKILL');
        await active.exited;
        kills++;
        const ms = await timeUntil('the standby takes over', () => isActive(standby));
        takeovers.push(ms);
        assert.ok(terms(standby)[0]! > termBefore, `the new holder's term ${terms(standby)[0]} follows ${termBefore}`);
        active = standby;
        standby = startRelay();
        await until('the new relay stands by', () => isStandingBy(standby));
        assert.equal(isActive(standby), false, 'a standby does not become active while the lease is held');
      }
      await work;

      const truth = await outboxes(stack);
      await until('every entry at every subscriber', () => received.length >= truth.length && new Set(receiver.entries(hook.id).map((e) => e.seq)).size >= truth.length, { timeoutMs: 60_000, everyMs: 50 });
      reading = false;
      await reader;

      // Pull: exactly once each, in order.
      assert.equal(received.length, truth.length, `${received.length} received, ${truth.length} in the outboxes`);
      assert.equal(new Set(received.map((e) => e.seq)).size, received.length, 'no duplicate');
      assert.deepEqual(new Set(received.map(keyOf)), new Set(truth.map((t) => t.key)));
      assertOrdered(received, truth);

      // Webhook: every event in order; a repeat only as the redelivery of the batch a killed relay had not recorded.
      let maxSeen = 0;
      let redelivered = 0;
      const firstSight: Entry[] = [];
      for (const batch of receiver.entries(hook.id)) {
        if (batch.seq <= maxSeen) {
          redelivered++;
          continue;
        }
        maxSeen = batch.seq;
        firstSight.push(batch);
      }
      assert.equal(firstSight.length, truth.length);
      assertOrdered(firstSight, truth);
      assert.ok(redelivered <= KILLS * BATCH, `${redelivered} entries redelivered: at most one batch of ${BATCH} per kill`);
      assert.equal(receiver.state.badSignatures, 0);

      const feedRows = await stack.db('platform')('feed').count({ n: '*' }).first();
      assert.equal(Number(feedRows!.n), truth.length, 'the feed holds each outbox event once');
      assert.equal(killsWhilePublishing, KILLS, 'every kill fell among the writes');
      console.log(`relay failover (${engine}): lease ${LEASE_MS} ms, ${KILLS} kills, takeover after ${takeovers.join(', ')} ms, ${truth.length} events, ${redelivered} webhook entries redelivered`);
    }, 240_000);
  });
}
