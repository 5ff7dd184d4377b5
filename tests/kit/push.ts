import assert from './assert.js';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { legalPersonId } from '../../scripts/demo-data/identities.js';
import { addDays, today } from '../../subgraphs/kit/clock.js';
import type { DatabaseConfig } from '../../subgraphs/kit/database.js';
import type { RelayConfig } from '../../subgraphs/platform/push/relay.js';
import { PushHeader, verifySignature } from '../../subgraphs/platform/push/signature.js';
import { DEPARTMENTS } from '../../subgraphs/services.js';
import type { TestStack } from './stack.js';

/** Helpers of the information-push suites: publishing, subscribing, reading feeds, a webhook receiver, the outboxes as ground truth. */

/** A category of each list type per department, as the records of these tests use them. */
export const CATEGORIES: Record<string, { BLACK: string; other: string; otherList: 'RED' | 'WATCH' }> = {
  tax: { BLACK: 'MAJOR_TAX_VIOLATION', other: 'TAX_CREDIT_A', otherList: 'RED' },
  market: { BLACK: 'SERIOUS_ILLEGAL_UNTRUSTWORTHY', other: 'ABNORMAL_OPERATION', otherList: 'WATCH' },
  courts: { BLACK: 'DISHONEST_JUDGMENT_DEBTOR', other: 'CONSUMPTION_RESTRICTION', otherList: 'WATCH' },
  finance: { BLACK: 'PROCUREMENT_SERIOUS_VIOLATION', other: 'CREDIT_LOAN_GOOD_STANDING', otherList: 'RED' },
};

export const FEED = `query($s: ID!, $n: Int) { platform { feed(subscriptionId: $s, limit: $n) { cursor hasMore entries { seq department kind occurredAt record { id version subjectId department category listType status decisionNo } } } } }`;
export const SUBSCRIBE = `mutation($input: PushSubscriptionInput!) { platform { subscribe(input: $input) { id secret ackedSeq deliveredSeq listTypes categories departments active webhook { url attempts } } } }`;
export const ACK = `mutation($s: ID!, $q: Int!) { platform { acknowledge(subscriptionId: $s, upToSeq: $q) { id ackedSeq deliveredSeq } } }`;

export interface Entry {
  seq: number;
  department: string;
  kind: string;
  occurredAt: string;
  record: { id: string; version: number; subjectId: string; department: string; category: string; listType: string; status: string; decisionNo: string };
}

/** A quiet logger that keeps what the relay says, for assertions and for failures. */
export function captureLog() {
  const lines: string[] = [];
  return { lines, log: (m: string) => void lines.push(m), error: (m: string) => void lines.push(`ERROR ${m}`) };
}

export function relayConfig(gatewayUrl: string, extra: Partial<RelayConfig> = {}): RelayConfig {
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

export function platformDatabase(stack: TestStack): DatabaseConfig {
  return stack.subgraphs.get('platform')!.database;
}

/** The environment a relay child process needs to reach the stack's gateway and platform database. */
export function relayEnv(stack: TestStack, extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, RELAY_GATEWAY_URL: stack.gatewayUrl, ...extra };
  // An SQLite stack: no DATABASE_URL of the parent's may send the relay to MySQL.
  if (platformDatabase(stack).engine === 'sqlite') delete env.DATABASE_URL;
  return { ...env, ...stack.databaseEnv() };
}

/** Helpers over one stack: publishing in any department, subscribing and reading the feed. */
export function client(stack: TestStack, firstSubject: number) {
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
export async function outboxes(stack: TestStack): Promise<{ department: string; seq: number; key: string; kind: string; listType: string }[]> {
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

export const keyOf = (e: Entry) => `${e.record.id}@${e.record.version}`;
/** Record ids, sorted: for comparing sets of entries whose departments interleave. */
export const ids = (list: { id?: string; record?: { id: string } }[]) => list.map((x) => x.record?.id ?? x.id!).sort();

/** Entries in strictly increasing seq, each record's versions in increasing order, and each department's in outbox order. */
export function assertOrdered(entries: Entry[], truth: Awaited<ReturnType<typeof outboxes>>): void {
  for (let i = 1; i < entries.length; i++) assert.ok(entries[i]!.seq > entries[i - 1]!.seq, `seq ${entries[i]!.seq} after ${entries[i - 1]!.seq}`);
  const sourceSeq = new Map(truth.map((t) => [t.key, t.seq]));
  for (const department of DEPARTMENTS) {
    const seqs = entries.filter((e) => e.department === department).map((e) => sourceSeq.get(keyOf(e))!);
    assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b), `${department} entries in outbox order`);
  }
}

/** A local webhook receiver that checks signatures, can fail on purpose, and keeps every batch. */
export async function webhookReceiver() {
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

