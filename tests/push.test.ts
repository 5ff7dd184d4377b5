import assert from './kit/assert.js';
import { afterAll, beforeAll, it } from '@jest/globals';
import { legalPersonId } from '../scripts/demo-data/identities.js';
import { addDays, addYears, today } from '../subgraphs/kit/clock.js';
import { randomBytes } from 'node:crypto';
import { courts } from '../subgraphs/courts/server.js';
import { dropDatabase, migrate, openDatabase, type DatabaseConfig } from '../subgraphs/kit/database.js';
import { eventsAfter } from '../subgraphs/kit/lifecycle/events.js';
import { sweepExpired } from '../subgraphs/kit/lifecycle/expiry.js';
import { writeVersion } from '../subgraphs/kit/lifecycle/versions.js';
import { Relay } from '../subgraphs/platform/push/relay.js';
import { DEPARTMENTS } from '../subgraphs/services.js';
import { engines } from './kit/engines.js';
import { TEST_MYSQL_URL } from './kit/mysql.js';
import { TestStack } from './kit/stack.js';
import { ACK, assertOrdered, captureLog, client, FEED, ids, outboxes, platformDatabase, relayConfig, SUBSCRIBE, type Entry } from './kit/push.js';
import { suite } from './kit/suite.js';
import { until as until } from './kit/wait.js';

for (const { skip } of (await engines()).filter((e) => e.engine === 'mysql')) suite('the outbox commits in seq order (mysql)', skip, () => {
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
      let wrote!: () => void;
      const firstWrote = new Promise<void>((r) => (wrote = r));
      let first: Promise<void> | undefined;
      let second: Promise<void> | undefined;
      try {
        // The first writer takes seq 1 and stays open; the second takes seq 2 and wants to commit.
        first = db.transaction(async (trx) => {
          await writeVersion(trx, 'courts', null, row(1), 'PUBLISHED');
          wrote();
          await held;
        });
        await firstWrote;
        let started!: (threadId: number) => void;
        const secondThread = new Promise<number>((r) => (started = r));
        second = db.transaction(async (trx) => {
          // A loaded machine must not turn the wait into a lock-wait timeout before the reader looks.
          await trx.raw('set session innodb_lock_wait_timeout = 600');
          const [rows] = await trx.raw('select connection_id() as id');
          started(Number(rows[0].id));
          await writeVersion(trx, 'courts', null, row(2), 'PUBLISHED');
        });
        const thread = await secondThread;
        // Read only once the server reports that very connection waiting for a lock.
        await until('the second writer waiting for the first', async () => {
          const [rows] = await db.raw(`select trx_state from information_schema.innodb_trx where trx_mysql_thread_id = ?`, [thread]);
          return rows[0]?.trx_state === 'LOCK WAIT';
        });
        const visible = await eventsAfter(db, 0, 10);
        release();
        await Promise.all([first, second]);
        assert.deepEqual(visible, [], 'seq 2 is not visible while seq 1 is open');
        assert.deepEqual((await eventsAfter(db, 0, 10)).map((e) => [Number(e.seq), e.record_id]), [[1, 'r1'], [2, 'r2']]);
      } finally {
        // Whatever failed above, let both transactions end so the pool can close.
        release();
        await Promise.allSettled([first, second]);
      }
    } finally {
      await db.destroy();
      await dropDatabase(config);
    }
  });
});

for (const { engine, skip } of await engines()) {
  suite(`information push through the gateway: subscribe, pull, acknowledge (${engine})`, skip, () => {
    let stack: TestStack;
    let relay: Relay;
    let c: ReturnType<typeof client>;
    const logs = captureLog();

    beforeAll(async () => {
      stack = await TestStack.start({ engine });
      relay = await Relay.open(platformDatabase(stack), relayConfig(stack.gatewayUrl), logs);
      c = client(stack, 7000);
    });
    afterAll(async () => {
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
      // Three rounds while it is down: one line for the outage, one for the recovery with the count.
      const from = logs.lines.length;
      for (let round = 0; round < 3; round++) await relay.relayOnce();
      assert.equal(logs.lines.slice(from).filter((l) => /courts cannot be read now/.test(l)).length, 1, logs.lines.join('\n'));
      entry.running = await entry.subgraph.listen(port);
      await relay.relayOnce();
      assert.equal(logs.lines.slice(from).filter((l) => /courts is read again after 3 failed rounds over [\d.]+ s/.test(l)).length, 1, logs.lines.join('\n'));
      assert.equal(logs.lines.slice(from).filter((l) => /courts/.test(l)).length, 2, logs.lines.join('\n'));

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
