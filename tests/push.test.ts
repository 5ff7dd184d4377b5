import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { legalPersonId } from '../scripts/demo-data/identities.js';
import { addDays, addYears, today } from '../subgraphs/kit/clock.js';
import { randomBytes } from 'node:crypto';
import { courts } from '../subgraphs/courts/server.js';
import { dropDatabase, migrate, openDatabase, type DatabaseConfig } from '../subgraphs/kit/database.js';
import { eventsAfter } from '../subgraphs/kit/lifecycle/events.js';
import { sweepExpired } from '../subgraphs/kit/lifecycle/expiry.js';
import { writeVersion } from '../subgraphs/kit/lifecycle/versions.js';
import { backoffMs, Relay, type RelayConfig } from '../subgraphs/platform/push/relay.js';
import { PushHeader, signature, verifySignature } from '../subgraphs/platform/push/signature.js';
import { DEPARTMENTS } from '../subgraphs/services.js';
import { engines } from './kit/engines.js';
import { mysqlSkipReason, TEST_MYSQL_URL } from './kit/mysql.js';
import { TestStack } from './kit/stack.js';

const ROOT = path.resolve(import.meta.dirname, '..');

/** A category of each list type per department, as the records of these tests use them. */
const CATEGORIES: Record<string, { BLACK: string; other: string; otherList: 'RED' | 'WATCH' }> = {
  tax: { BLACK: 'MAJOR_TAX_VIOLATION', other: 'TAX_CREDIT_A', otherList: 'RED' },
  market: { BLACK: 'SERIOUS_ILLEGAL_UNTRUSTWORTHY', other: 'ABNORMAL_OPERATION', otherList: 'WATCH' },
  courts: { BLACK: 'DISHONEST_JUDGMENT_DEBTOR', other: 'CONSUMPTION_RESTRICTION', otherList: 'WATCH' },
  finance: { BLACK: 'PROCUREMENT_SERIOUS_VIOLATION', other: 'CREDIT_LOAN_GOOD_STANDING', otherList: 'RED' },
};

const FEED = `query($s: ID!, $n: Int) { platform { feed(subscriptionId: $s, limit: $n) { cursor hasMore entries { seq department kind occurredAt record { id version subjectId department category listType status decisionNo } } } } }`;
const SUBSCRIBE = `mutation($input: PushSubscriptionInput!) { platform { subscribe(input: $input) { id secret ackedSeq deliveredSeq listTypes categories departments active webhook { url attempts } } } }`;
const ACK = `mutation($s: ID!, $q: Int!) { platform { acknowledge(subscriptionId: $s, upToSeq: $q) { id ackedSeq deliveredSeq } } }`;

interface Entry {
  seq: number;
  department: string;
  kind: string;
  occurredAt: string;
  record: { id: string; version: number; subjectId: string; department: string; category: string; listType: string; status: string; decisionNo: string };
}

/** A quiet logger that keeps what the relay says, for assertions and for failures. */
function captureLog() {
  const lines: string[] = [];
  return { lines, log: (m: string) => void lines.push(m), error: (m: string) => void lines.push(`ERROR ${m}`) };
}

function relayConfig(gatewayUrl: string, extra: Partial<RelayConfig> = {}): RelayConfig {
  return {
    gatewayUrl,
    key: 'demo-platform-key',
    departments: DEPARTMENTS,
    pollMs: 30,
    eventsLimit: 500,
    webhookBatch: 100,
    webhookTimeoutMs: 2000,
    retryBaseMs: 1000,
    retryMaxMs: 60_000,
    concurrency: 8,
    ...extra,
  };
}

function platformDatabase(stack: TestStack): DatabaseConfig {
  return stack.subgraphs.get('platform')!.database;
}

/** The environment a relay child process needs to reach the stack's gateway and platform database. */
function relayEnv(stack: TestStack, extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, RELAY_GATEWAY_URL: stack.gatewayUrl, ...extra };
  const db = platformDatabase(stack);
  if (db.engine === 'sqlite') {
    delete env.DATABASE_URL;
    env.DATA_DIR = path.dirname(db.file);
  } else {
    env.DATABASE_URL = TEST_MYSQL_URL;
    env.DATABASE_PREFIX = db.database.slice(0, -'platform'.length);
  }
  return env;
}

async function until<T>(what: string, probe: () => Promise<T | false | null | undefined>, timeoutMs = 30_000, everyMs = 25): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** Helpers over one stack: publishing in any department, subscribing and reading the feed. */
function client(stack: TestStack, firstSubject: number) {
  let n = firstSubject;
  const ok = <T = any>(r: { data?: any; errors?: unknown[] }, what: string): T => {
    assert.equal(r.errors, undefined, `${what}: ${JSON.stringify(r.errors)}`);
    return r.data as T;
  };
  return {
    subject: () => legalPersonId(n++),
    async publish(department: string, list: 'BLACK' | 'other' = 'BLACK', extra: Record<string, unknown> = {}) {
      const input = {
        subjectId: legalPersonId(n++),
        category: CATEGORIES[department]![list],
        decisionNo: `PUSH-${department}-${n}-${Math.random().toString(36).slice(2, 8)}`,
        decidedOn: addDays(today(), -10),
        summary: '信息推送测试记录',
        ...extra,
      };
      const r = await stack.query(`mutation($input: PublishRecordInput!) { ${department} { publishRecord(input: $input) { id version listType } } }`, { input }, `demo-${department}-key`);
      return ok(r, `publish in ${department}`)[department].publishRecord as { id: string; version: number; listType: string };
    },
    async subscribe(input: Record<string, unknown>, key = 'demo-approval-key') {
      return ok(await stack.query(SUBSCRIBE, { input }, key), 'subscribe').platform.subscribe as { id: string; secret: string; ackedSeq: number };
    },
    async feed(id: string, limit = 100, key = 'demo-approval-key') {
      return ok(await stack.query(FEED, { s: id, n: limit }, key), 'feed').platform.feed as { cursor: number; hasMore: boolean; entries: Entry[] };
    },
    async ack(id: string, upToSeq: number, key = 'demo-approval-key') {
      return ok(await stack.query(ACK, { s: id, q: upToSeq }, key), 'acknowledge').platform.acknowledge as { ackedSeq: number; deliveredSeq: number };
    },
    /** Reads and acknowledges page after page until nothing is left; returns what was acknowledged. */
    async drain(id: string, limit = 100, key = 'demo-approval-key') {
      const got: Entry[] = [];
      for (;;) {
        const page = await this.feed(id, limit, key);
        await this.ack(id, page.cursor, key);
        got.push(...page.entries);
        if (!page.hasMore) return got;
      }
    },
  };
}

/** Every outbox event of the departments, as the ground truth: department, record id and version, kind. */
async function outboxes(stack: TestStack): Promise<{ department: string; seq: number; key: string; kind: string; listType: string }[]> {
  const all = [];
  for (const department of DEPARTMENTS) {
    const rows = await stack.db(department)('record_events').orderBy('seq');
    for (const r of rows) {
      const record = JSON.parse(r.record);
      all.push({ department, seq: Number(r.seq), key: `${record.id}@${record.version}`, kind: r.kind, listType: record.listType });
    }
  }
  return all;
}

const keyOf = (e: Entry) => `${e.record.id}@${e.record.version}`;
/** Record ids, sorted: for comparing sets of entries whose departments interleave. */
const ids = (list: { id?: string; record?: { id: string } }[]) => list.map((x) => x.record?.id ?? x.id!).sort();

/** Entries in strictly increasing seq, each record's versions in increasing order, and each department's in outbox order. */
function assertOrdered(entries: Entry[], truth: Awaited<ReturnType<typeof outboxes>>): void {
  for (let i = 1; i < entries.length; i++) assert.ok(entries[i]!.seq > entries[i - 1]!.seq, `seq ${entries[i]!.seq} after ${entries[i - 1]!.seq}`);
  const sourceSeq = new Map(truth.map((t) => [t.key, t.seq]));
  for (const department of DEPARTMENTS) {
    const seqs = entries.filter((e) => e.department === department).map((e) => sourceSeq.get(keyOf(e))!);
    assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b), `${department} entries in outbox order`);
  }
}

/** A local webhook receiver that checks signatures, can fail on purpose, and keeps every batch. */
async function webhookReceiver() {
  const secrets = new Map<string, string>();
  const batches: { at: number; subscription: string; entries: Entry[]; cursor: number }[] = [];
  const attempts: { at: number; status: number }[] = [];
  const state = { failNext: 0, badSignatures: 0 };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const subscription = req.headers[PushHeader.subscription] as string;
      const valid = verifySignature(
        secrets.get(subscription) ?? '',
        { timestamp: req.headers[PushHeader.timestamp] as string, signature: req.headers[PushHeader.signature] as string },
        body,
      );
      let status = 204;
      if (!valid) {
        state.badSignatures++;
        status = 401;
      } else if (state.failNext > 0) {
        state.failNext--;
        status = 503;
      }
      attempts.push({ at: Date.now(), status });
      if (status === 204) {
        const parsed = JSON.parse(body);
        assert.equal(parsed.subscriptionId, subscription);
        batches.push({ at: Date.now(), subscription, entries: parsed.entries, cursor: parsed.cursor });
      }
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/credit`,
    secrets,
    batches,
    attempts,
    state,
    entries: (subscription: string) => batches.filter((b) => b.subscription === subscription).flatMap((b) => b.entries),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

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

describe('the outbox commits in seq order (mysql)', { skip: await mysqlSkipReason() }, () => {
  it('makes a later writer wait for an earlier one, so a reader never sees a seq before a smaller one', async () => {
    const config: DatabaseConfig = { engine: 'mysql', serverUrl: TEST_MYSQL_URL, database: `t${randomBytes(4).toString('hex')}_outbox` };
    const db = await openDatabase(config);
    try {
      await migrate(db, courts.migrations);
      const row = (i: number) => ({
        id: `r${i}`,
        subject_id: legalPersonId(i),
        category: 'DISHONEST_JUDGMENT_DEBTOR',
        list_type: 'BLACK' as const,
        decision_no: `D${i}`,
        decided_on: today(),
        valid_until: null,
        status: 'ACTIVE' as const,
        summary: 's',
      });
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      // The first writer takes seq 1 and stays open; the second takes seq 2 and wants to commit.
      const first = db.transaction(async (trx) => {
        await writeVersion(trx, 'courts', null, row(1), 'PUBLISHED');
        await held;
      });
      await sleep(50);
      const second = db.transaction((trx) => writeVersion(trx, 'courts', null, row(2), 'PUBLISHED'));
      await sleep(200);
      const visible = await eventsAfter(db, 0, 10);
      release();
      await Promise.all([first, second]);
      assert.deepEqual(visible, [], 'seq 2 is not visible while seq 1 is open');
      assert.deepEqual((await eventsAfter(db, 0, 10)).map((e) => [Number(e.seq), e.record_id]), [[1, 'r1'], [2, 'r2']]);
    } finally {
      await db.destroy();
      await dropDatabase(config);
    }
  });
});

for (const { engine, skip } of await engines()) {
  describe(`information push through the gateway: subscribe, pull, acknowledge (${engine})`, { skip }, () => {
    let stack: TestStack;
    let relay: Relay;
    let c: ReturnType<typeof client>;
    const logs = captureLog();

    before(async () => {
      stack = await TestStack.start({ engine });
      relay = await Relay.open(platformDatabase(stack), relayConfig(stack.gatewayUrl), logs);
      c = client(stack, 7000);
    });
    after(async () => {
      await relay?.stop();
      await stack?.close();
    });

    it('delivers what matches each filter, in order, again until acknowledged, and never after', async () => {
      const black = await c.subscribe({ listTypes: ['BLACK'], departments: ['courts', 'tax'] });
      assert.match(black.secret, /^pushsec_/);
      const everything = await c.subscribe({}, 'demo-finance-key');
      const published = [
        await c.publish('courts'),
        await c.publish('tax', 'other'),
        await c.publish('market'),
        await c.publish('tax'),
        await c.publish('finance', 'other'),
        await c.publish('courts', 'other'),
      ];
      assert.equal(await relay.relayOnce(), 6);
      assert.equal(await relay.relayOnce(), 0, 'nothing is copied twice');

      const page = await c.feed(black.id);
      // Each department's entries come in the order it made them; departments interleave as relayed.
      assert.deepEqual(ids(page.entries), ids([published[0]!, published[3]!]));
      assert.deepEqual(page.entries.map((e) => [e.department, e.kind, e.record.listType]).sort(), [['courts', 'PUBLISHED', 'BLACK'], ['tax', 'PUBLISHED', 'BLACK']]);
      assert.equal(page.hasMore, false);
      assert.ok(page.cursor >= page.entries[1]!.seq);
      // Not acknowledged: the same entries again.
      assert.deepEqual((await c.feed(black.id)).entries, page.entries);
      const acked = await c.ack(black.id, page.cursor);
      assert.equal(acked.ackedSeq, page.cursor);
      assert.deepEqual((await c.feed(black.id)).entries, []);
      // Idempotent, never backwards, never beyond what was handed out.
      assert.equal((await c.ack(black.id, page.cursor)).ackedSeq, page.cursor);
      assert.equal((await c.ack(black.id, 0)).ackedSeq, page.cursor);
      const beyond = await stack.query(ACK, { s: black.id, q: page.cursor + 1 }, 'demo-approval-key');
      assert.equal(beyond.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
      assert.match(beyond.errors![0]!.message, /beyond what was handed out/);

      const all = await c.drain(everything.id, 4, 'demo-finance-key');
      assert.deepEqual(ids(all), ids(published));
      assertOrdered(all, await outboxes(stack));
      assert.deepEqual((await c.feed(everything.id, 10, 'demo-finance-key')).entries, []);

      // New entries come after the acknowledged ones, and only those.
      const later = await c.publish('tax');
      await relay.relayOnce();
      assert.deepEqual((await c.drain(black.id)).map((e) => e.record.id), [later.id]);
      assert.deepEqual((await c.drain(everything.id, 100, 'demo-finance-key')).map((e) => e.record.id), [later.id]);
    });

    it('starts a subscription from now, or from the beginning of the feed when asked', async () => {
      await c.publish('market');
      await relay.relayOnce();
      const fromNow = await c.subscribe({ departments: ['market'] });
      const fromStart = await c.subscribe({ departments: ['market'], fromBeginning: true });
      assert.deepEqual((await c.feed(fromNow.id)).entries, []);
      const old = await c.drain(fromStart.id);
      assert.ok(old.length >= 2 && old.every((e) => e.department === 'market'));
    });

    it('brings objections, upholding, corrections, revocations, repairs and expiries, each once and in order', async () => {
      const sub = await c.subscribe({ departments: ['courts', 'tax'] }, 'demo-courts-key');
      const rec = await c.publish('courts');
      const filed = await stack.query(`mutation($id: ID!) { courts { fileObjection(input: { recordId: $id, reason: "已履行" }) { id } } }`, { id: rec.id }, 'demo-platform-key');
      const objectionId = filed.data!.courts.fileObjection.id;
      await stack.query(`mutation($o: ID!) { courts { resolveObjection(objectionId: $o, outcome: UPHELD, note: "记录无误") { status } } }`, { o: objectionId }, 'demo-courts-key');
      await stack.query(`mutation($id: ID!) { courts { correctRecord(id: $id, input: { summary: "更正" }) { version } } }`, { id: rec.id }, 'demo-courts-key');
      await stack.query(`mutation($id: ID!) { courts { revokeRecord(id: $id, reason: "错误列入") { version } } }`, { id: rec.id }, 'demo-courts-key');

      const old = await c.publish('courts', 'BLACK', { decidedOn: addDays(addYears(today(), -1), -5) });
      const app = await stack.query(`mutation($id: ID!) { courts { applyForRepair(input: { recordId: $id, statement: "已全部履行" }) { id } } }`, { id: old.id }, 'demo-platform-key');
      const decided = await stack.query(`mutation($a: ID!) { courts { decideRepair(applicationId: $a, approve: true, note: "同意修复") { status } } }`, { a: app.data!.courts.applyForRepair.id }, 'demo-courts-key');
      assert.equal(decided.data!.courts.decideRepair.status, 'APPROVED');

      const lapsed = await c.publish('tax', 'BLACK', { decidedOn: addDays(today(), -400), validUntil: addDays(today(), -1) });
      assert.equal(await sweepExpired(stack.db('tax'), 'tax'), 1);
      assert.equal(await sweepExpired(stack.db('tax'), 'tax'), 0, 'an expired record is expired once');

      await relay.relayOnce();
      const got = await c.drain(sub.id, 3, 'demo-courts-key');
      const of = (id: string) => got.filter((e) => e.record.id === id).map((e) => [e.kind, e.record.version, e.record.status]);
      assert.deepEqual(of(rec.id), [
        ['PUBLISHED', 1, 'ACTIVE'],
        ['OBJECTED', 2, 'IN_OBJECTION'],
        ['OBJECTION_UPHELD', 3, 'ACTIVE'],
        ['CORRECTED', 4, 'ACTIVE'],
        ['REVOKED', 5, 'REVOKED'],
      ]);
      assert.deepEqual(of(old.id), [['PUBLISHED', 1, 'ACTIVE'], ['REPAIRED', 2, 'REPAIRED']]);
      assert.deepEqual(of(lapsed.id), [['PUBLISHED', 1, 'EXPIRED'], ['EXPIRED', 2, 'EXPIRED']]);
      assert.equal(got.length, 9);
      assertOrdered(got, await outboxes(stack));
      const history = await stack.query(`query($id: ID!) { tax { recordHistory(id: $id) { version status } } }`, { id: lapsed.id });
      assert.deepEqual(history.data!.tax.recordHistory, [{ version: 1, status: 'EXPIRED' }, { version: 2, status: 'EXPIRED' }]);
    });

    it('lets only the client that owns a subscription read, acknowledge or end it', async () => {
      const sub = await c.subscribe({});
      const page = await c.feed(sub.id);
      for (const key of ['demo-tax-key', 'demo-platform-key']) {
        for (const [query, vars] of [
          [FEED, { s: sub.id, n: 10 }],
          [ACK, { s: sub.id, q: page.cursor }],
          [`mutation($s: ID!) { platform { unsubscribe(subscriptionId: $s) { active } } }`, { s: sub.id }],
        ] as const) {
          const r = await stack.query(query, vars, key);
          assert.equal(r.errors?.[0]?.extensions?.code, 'FORBIDDEN', `${key}: ${JSON.stringify(r.errors)}`);
          assert.match(r.errors![0]!.message, /belongs to another client/);
        }
      }
      const analyst = await stack.query(FEED, { s: sub.id, n: 10 }, 'demo-analyst-key');
      assert.equal(analyst.errors?.[0]?.extensions?.code, 'FORBIDDEN');
      const mine = await stack.query(`{ platform { subscriptions { id } } }`, {}, 'demo-approval-key');
      assert.ok(mine.data!.platform.subscriptions.some((s: { id: string }) => s.id === sub.id));
      const theirs = await stack.query(`{ platform { subscriptions { id } } }`, {}, 'demo-tax-key');
      assert.ok(!theirs.data!.platform.subscriptions.some((s: { id: string }) => s.id === sub.id));
      const missing = await stack.query(FEED, { s: 'psub-nope', n: 10 }, 'demo-approval-key');
      assert.equal(missing.errors?.[0]?.extensions?.code, 'NOT_FOUND');

      const ended = await stack.query(`mutation($s: ID!) { platform { unsubscribe(subscriptionId: $s) { active secret } } }`, { s: sub.id }, 'demo-approval-key');
      assert.deepEqual(ended.data!.platform.unsubscribe, { active: false, secret: null });
      const after = await stack.query(FEED, { s: sub.id, n: 10 }, 'demo-approval-key');
      assert.equal(after.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
    });

    it('refuses bad subscriptions, naming the value', async () => {
      const cases: [Record<string, unknown>, RegExp][] = [
        [{ departments: ['Courts'] }, /departments value "Courts" is not valid: expected a department name such as tax, market, courts, finance/],
        [{ categories: ['dishonest'] }, /categories value "dishonest" is not valid/],
        [{ webhookUrl: 'ftp://example.org/x' }, /webhookUrl uses 'ftp:'/],
        [{ webhookUrl: 'not a url' }, /webhookUrl "not a url" is not a URL/],
      ];
      for (const [input, message] of cases) {
        const r = await stack.query(SUBSCRIBE, { input }, 'demo-approval-key');
        assert.equal(r.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT', JSON.stringify(input));
        assert.match(r.errors![0]!.message, message);
      }
      const analyst = await stack.query(SUBSCRIBE, { input: {} }, 'demo-analyst-key');
      assert.equal(analyst.errors?.[0]?.extensions?.code, 'FORBIDDEN');
    });

    it("lets only the credit office read a department's outbox", async () => {
      for (const key of ['demo-courts-key', 'demo-approval-key', 'demo-analyst-key']) {
        const r = await stack.query(`{ courts { events(after: 0, limit: 5) { seq } } }`, {}, key);
        assert.equal(r.errors?.[0]?.extensions?.code, 'FORBIDDEN', key);
      }
      const office = await stack.query(`{ courts { events(after: 0, limit: 2) { seq kind occurredAt record { id version } } } }`, {}, 'demo-platform-key');
      assert.equal(office.errors, undefined, JSON.stringify(office.errors));
      assert.deepEqual(office.data!.courts.events.map((e: { seq: number }) => e.seq), [1, 2]);
      const bad = await stack.query(`{ courts { events(after: -1) { seq } } }`, {}, 'demo-platform-key');
      assert.equal(bad.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
    });

    it('catches up a subscriber that was away, page by page, and a department that was down', async () => {
      const sub = await c.subscribe({ listTypes: ['BLACK', 'WATCH', 'RED'] });
      const published: string[] = [];
      for (let i = 0; i < 30; i++) for (const d of DEPARTMENTS) published.push((await c.publish(d, i % 3 === 0 ? 'other' : 'BLACK')).id);
      await relay.relayOnce();

      // The courts subgraph goes down with a record the relay has not copied yet.
      const courtsRecord = await c.publish('courts');
      const entry = stack.subgraphs.get('courts')!;
      const port = Number(new URL(entry.running!.url).port);
      await stack.stopSubgraph('courts');
      const taxRecord = await c.publish('tax');
      await relay.relayOnce();
      assert.ok(logs.lines.some((l) => /courts cannot be read now/.test(l)), logs.lines.join('\n'));
      entry.running = await entry.subgraph.listen(port);
      await relay.relayOnce();
      assert.ok(logs.lines.some((l) => /courts is read again/.test(l)));

      const pages: number[] = [];
      const got: Entry[] = [];
      for (;;) {
        const page = await c.feed(sub.id, 50);
        pages.push(page.entries.length);
        got.push(...page.entries);
        await c.ack(sub.id, page.cursor);
        if (!page.hasMore) break;
      }
      assert.deepEqual(pages, [50, 50, 22]);
      assert.deepEqual(new Set(got.map((e) => e.record.id)), new Set([...published, courtsRecord.id, taxRecord.id]));
      assertOrdered(got, await outboxes(stack));
    });
  });
}

describe('webhook delivery: signed, retried with back-off, every entry once and in order (sqlite)', () => {
  let stack: TestStack;
  let relay: Relay;
  let c: ReturnType<typeof client>;
  let receiver: Awaited<ReturnType<typeof webhookReceiver>>;
  const logs = captureLog();

  before(async () => {
    stack = await TestStack.start();
    relay = await Relay.open(platformDatabase(stack), relayConfig(stack.gatewayUrl, { webhookBatch: 10, retryBaseMs: 80, retryMaxMs: 400 }), logs);
    c = client(stack, 8000);
    receiver = await webhookReceiver();
    relay.start();
  });
  after(async () => {
    await relay?.stop();
    await receiver?.close();
    await stack?.close();
  });

  it('retries a failing receiver with growing delays, then delivers everything once, in order, in signed batches', async () => {
    const sub = await c.subscribe({ listTypes: ['BLACK'], departments: ['tax'], webhookUrl: receiver.url }, 'demo-market-key');
    receiver.secrets.set(sub.id, sub.secret);
    receiver.state.failNext = 4;
    const published: string[] = [];
    for (let i = 0; i < 25; i++) published.push((await c.publish('tax')).id);
    await c.publish('tax', 'other'); // RED: not for this subscription
    await c.publish('courts'); // courts: not for it either
    await until('every entry at the receiver', async () => receiver.entries(sub.id).length >= 25);
    await sleep(200); // anything more would be a duplicate
    const got = receiver.entries(sub.id);
    assert.deepEqual(got.map((e) => e.record.id), published, 'one department: exactly the order of publication');
    assert.equal(new Set(got.map((e) => e.seq)).size, 25);
    assertOrdered(got, await outboxes(stack));
    assert.deepEqual(receiver.batches.filter((b) => b.subscription === sub.id).map((b) => b.entries.length), [10, 10, 5]);
    assert.equal(receiver.state.badSignatures, 0);

    const tries = receiver.attempts;
    assert.deepEqual(tries.slice(0, 5).map((a) => a.status), [503, 503, 503, 503, 204]);
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
    await until('several failed attempts', async () => receiver.attempts.filter((a) => a.status === 503).length >= failedBefore + 6, 10_000);
    const row = await stack.db('platform')('subscriptions').where({ id: sub.id }).first();
    assert.ok(row.attempts >= 6);
    assert.match(row.last_error, /HTTP 503/);
    assert.ok(new Date(row.next_attempt_at).getTime() - Date.now() <= 400, 'the delay never exceeds the cap');
    receiver.state.failNext = 0;
    await until('the backlog at the receiver', async () => receiver.entries(sub.id).length >= 12, 10_000);
    await sleep(100);
    assert.deepEqual(receiver.entries(sub.id).map((e) => e.record.id), published);
  });
});

/**
 * The kill test: the relay runs as a child process and is killed with SIGKILL again and again
 * while the departments publish and revoke records; pull subscribers read and acknowledge all
 * along, and a webhook receives. Afterwards every subscriber has every matching outbox event:
 * pull subscribers exactly once, the webhook in order with at most redeliveries of a batch the
 * relay was killed before recording.
 */
for (const { engine, skip } of await engines()) {
  describe(`information push survives kill -9 of the relay (${engine})`, { skip }, () => {
    let stack: TestStack;
    let receiver: Awaited<ReturnType<typeof webhookReceiver>>;
    let child: ChildProcess | undefined;
    let output = '';

    before(async () => {
      stack = await TestStack.start({ engine });
      receiver = await webhookReceiver();
    });
    after(async () => {
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

    it('delivers every event to every subscriber exactly once after acknowledgement, whatever moment the relay dies', { timeout: 180_000 }, async () => {
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
      }, 60_000, 50);
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
    });
  });
}
