import assert from './kit/assert.js';
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { backoffMs, Relay } from '../subgraphs/platform/push/relay.js';
import { signature, verifySignature } from '../subgraphs/platform/push/signature.js';
import { TestStack } from './kit/stack.js';
import { assertOrdered, captureLog, client, outboxes, platformDatabase, relayConfig, webhookReceiver } from './kit/push.js';
import { until } from './kit/wait.js';

describe('webhook signatures and back-off', () => {
  it('signs timestamp.body with HMAC-SHA256 and verifies only the same secret, body and a recent timestamp', () => {
    const body = '{"entries":[]}';
    const now = new Date('2026-11-27T12:00:00Z');
    const ts = Math.floor(now.getTime() / 1000);
    const sig = signature('pushsec_k', ts, body);
    assert.match(sig, /^v1=[0-9a-f]{64}$/);
    assert.equal(verifySignature('pushsec_k', { timestamp: String(ts), signature: sig }, body, 300, now), true);
    assert.equal(verifySignature('pushsec_other', { timestamp: String(ts), signature: sig }, body, 300, now), false);
    assert.equal(verifySignature('pushsec_k', { timestamp: String(ts), signature: sig }, body + ' ', 300, now), false);
    assert.equal(verifySignature('pushsec_k', { timestamp: String(ts), signature: sig }, body, 300, new Date(now.getTime() + 301_000)), false);
    assert.equal(verifySignature('pushsec_k', { timestamp: undefined, signature: sig }, body, 300, now), false);
  });

  it('doubles the delay with each failure, with jitter, up to the cap', () => {
    assert.equal(backoffMs(1, 1000, 60_000, () => 1), 1000);
    assert.equal(backoffMs(1, 1000, 60_000, () => 0), 500);
    assert.equal(backoffMs(4, 1000, 60_000, () => 1), 8000);
    assert.equal(backoffMs(30, 1000, 60_000, () => 1), 60_000);
    assert.equal(backoffMs(1000, 1000, 60_000, () => 0), 30_000);
  });
});

describe('webhook delivery: signed, retried with back-off, every entry once and in order (sqlite)', () => {
  let stack: TestStack;
  let relay: Relay;
  let c: ReturnType<typeof client>;
  let receiver: Awaited<ReturnType<typeof webhookReceiver>>;
  const logs = captureLog();

  beforeAll(async () => {
    stack = await TestStack.start();
    relay = await Relay.open(platformDatabase(stack), relayConfig(stack.gatewayUrl, { webhookBatch: 10, retryBaseMs: 80, retryMaxMs: 400 }), logs);
    c = client(stack, 8000);
    receiver = await webhookReceiver();
    relay.start();
  });
  afterAll(async () => {
    await relay?.stop();
    await receiver?.close();
    await stack?.close();
  });

  it('retries a failing receiver with growing delays, then delivers everything once, in order, in signed batches', async () => {
    const sub = await c.subscribe({ listTypes: ['BLACK'], departments: ['tax'], webhookUrl: receiver.url }, 'demo-market-key');
    receiver.secrets.set(sub.id, sub.secret);
    // The receiver fails until everything is published and in the feed and it has refused at least
    // four times; then it recovers, and the backlog must arrive in full batches.
    receiver.state.failNext = Number.MAX_SAFE_INTEGER;
    const published: string[] = [];
    for (let i = 0; i < 25; i++) published.push((await c.publish('tax')).id);
    await c.publish('tax', 'other'); // RED: not for this subscription
    await c.publish('courts'); // courts: not for it either
    await until('all 25 in the feed', async () => Number((await stack.db('platform')('feed').whereIn('record_id', published).count({ n: '*' }).first())!.n) === 25);
    await until('four refused attempts', () => receiver.attempts.length >= 4);
    receiver.state.failNext = 0;
    await until('every entry at the receiver', async () => receiver.entries(sub.id).length >= 25);
    await sleep(200); // anything more would be a duplicate
    const got = receiver.entries(sub.id);
    assert.deepEqual(got.map((e) => e.record.id), published, 'one department: exactly the order of publication');
    assert.equal(new Set(got.map((e) => e.seq)).size, 25);
    assertOrdered(got, await outboxes(stack));
    assert.deepEqual(receiver.batches.filter((b) => b.subscription === sub.id).map((b) => b.entries.length), [10, 10, 5]);
    assert.equal(receiver.state.badSignatures, 0);

    const tries = receiver.attempts;
    const refused = tries.findIndex((a) => a.status !== 503);
    assert.ok(refused >= 4, `${refused} refused attempts before the first delivery`);
    assert.deepEqual(tries.slice(0, refused + 1).map((a) => a.status), [...Array(refused).fill(503), 204]);
    const gaps = tries.slice(1, 5).map((a, i) => a.at - tries[i]!.at);
    // At least half of 80, 160, 320 and then 400 (the cap) ms: exponential, with jitter.
    [40, 80, 160, 200].forEach((min, i) => assert.ok(gaps[i]! >= min - 5, `gap ${i + 1} is ${gaps[i]} ms, expected at least ${min}`));

    const state = await stack.query(`{ platform { subscriptions { id ackedSeq webhook { attempts nextAttemptAt lastError lastDeliveredAt } } } }`, {}, 'demo-market-key');
    const mine = state.data!.platform.subscriptions.find((s: { id: string }) => s.id === sub.id);
    assert.equal(mine.webhook.attempts, 0);
    assert.equal(mine.webhook.lastError, null);
    assert.ok(mine.webhook.lastDeliveredAt);
    assert.ok(mine.ackedSeq >= got[24]!.seq);
    assert.ok(logs.lines.some((l) => /webhook of .* failed \(HTTP 503\), attempt 1/.test(l)), logs.lines.join('\n'));
  });

  it('keeps retrying a receiver that is down for long, never slower than the cap, and catches it up', async () => {
    const sub = await c.subscribe({ departments: ['finance'], webhookUrl: receiver.url }, 'demo-finance-key');
    receiver.secrets.set(sub.id, sub.secret);
    receiver.state.failNext = 1_000_000;
    const failedBefore = receiver.attempts.filter((a) => a.status === 503).length;
    const published: string[] = [];
    for (let i = 0; i < 12; i++) published.push((await c.publish('finance', i % 2 ? 'BLACK' : 'other')).id);
    await until('several failed attempts', async () => receiver.attempts.filter((a) => a.status === 503).length >= failedBefore + 6);
    // The receiver counts an attempt before the relay has written its outcome: wait for the row too.
    const row = await until('the failed attempts recorded on the subscription', async () => {
      const r = await stack.db('platform')('subscriptions').where({ id: sub.id }).first();
      return r && r.attempts >= 6 ? r : null;
    });
    assert.ok(row.attempts >= 6);
    assert.match(row.last_error, /HTTP 503/);
    assert.ok(new Date(row.next_attempt_at).getTime() - Date.now() <= 400, 'the delay never exceeds the cap');
    receiver.state.failNext = 0;
    await until('the backlog at the receiver', async () => receiver.entries(sub.id).length >= 12);
    await sleep(100);
    assert.deepEqual(receiver.entries(sub.id).map((e) => e.record.id), published);
  });
});
