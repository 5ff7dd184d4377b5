import { randomBytes, randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { appendAudit, sha256Hex, systemActor, type AuditActor } from '../../kit/audit.js';
import type { CreditRecord, ListType } from '../../kit/credit-records.js';
import type { RecordEventKind } from '../../kit/lifecycle/versions.js';

/** What a subscription wants; an empty list matches everything. */
export interface PushFilter {
  listTypes: ListType[];
  categories: string[];
  departments: string[];
}

export interface SubscriptionRow {
  id: string;
  client_id: string;
  filter: string;
  webhook_url: string | null;
  secret: string;
  acked_seq: number;
  delivered_seq: number;
  created_at: string;
  cancelled_at: string | null;
  attempts: number;
  next_attempt_at: string | null;
  last_error: string | null;
  last_delivered_at: string | null;
  claimed_until: string | null;
}

export interface FeedRow {
  seq: number;
  department: string;
  source_seq: number;
  record_id: string;
  version: number;
  kind: RecordEventKind;
  occurred_at: string;
  list_type: ListType;
  category: string;
  subject_id: string;
  record: string;
  relayed_at: string;
}

/** An entry as subscribers receive it, in GraphQL and in webhook bodies. */
export interface PushEntry {
  seq: number;
  department: string;
  kind: RecordEventKind;
  occurredAt: string;
  record: CreditRecord;
}

/** An outbox event as the relay reads it from a department (`RecordEvent`). */
export interface SourceEvent {
  seq: number;
  kind: RecordEventKind;
  occurredAt: string;
  record: CreditRecord;
}

export interface FeedPage {
  entries: FeedRow[];
  /** What to acknowledge after processing the page. */
  cursor: number;
  hasMore: boolean;
}

export function toEntry(row: FeedRow): PushEntry {
  return { seq: Number(row.seq), department: row.department, kind: row.kind, occurredAt: row.occurred_at, record: JSON.parse(row.record) as CreditRecord };
}

export function filterOf(row: SubscriptionRow): PushFilter {
  return JSON.parse(row.filter) as PushFilter;
}

function normalise(row: SubscriptionRow): SubscriptionRow {
  return { ...row, acked_seq: Number(row.acked_seq), delivered_seq: Number(row.delivered_seq), attempts: Number(row.attempts) };
}

/** The last seq of the feed. Entries commit in seq order (see `appendToFeed`), so every seq up to it is final. */
export async function feedHorizon(db: Knex): Promise<number> {
  const row = (await db('feed').max({ m: 'seq' }).first()) as { m: number | string | null } | undefined;
  return Number(row?.m ?? 0);
}

/** Entries in (after, upTo] matching the filter, in seq order. */
export function matchingEntries(db: Knex, filter: PushFilter, after: number, upTo: number, limit: number): Promise<FeedRow[]> {
  const q = db<FeedRow>('feed').where('seq', '>', after).andWhere('seq', '<=', upTo);
  if (filter.listTypes.length > 0) q.whereIn('list_type', filter.listTypes);
  if (filter.categories.length > 0) q.whereIn('category', filter.categories);
  if (filter.departments.length > 0) q.whereIn('department', filter.departments);
  return q.orderBy('seq').limit(limit);
}

/** The next page of a subscription after its acknowledged position (nothing is written). */
export async function nextPage(db: Knex, sub: SubscriptionRow, limit: number): Promise<FeedPage> {
  const horizon = await feedHorizon(db);
  const rows = await matchingEntries(db, filterOf(sub), Number(sub.acked_seq), horizon, limit + 1);
  const hasMore = rows.length > limit;
  const entries = hasMore ? rows.slice(0, limit) : rows;
  const cursor = hasMore ? Number(entries[entries.length - 1]!.seq) : Math.max(horizon, Number(sub.acked_seq));
  return { entries, cursor, hasMore };
}

/** `SET column = the larger of it and value`, portable between SQLite and MySQL. */
function atLeast(db: Knex, column: string, value: number): Knex.Raw {
  return db.raw('CASE WHEN ?? < ? THEN ? ELSE ?? END', [column, value, value, column]);
}

/** Who a subscription change is attributed to when the caller passes no actor: a direct call, e.g. from a tool. */
const DIRECT = systemActor('platform');

/**
 * Records that entries up to `cursor` were handed out, so they may be acknowledged. Never moves
 * back. Not in the audit chain: it follows from reading the feed, and the acknowledgement that
 * matters is recorded.
 */
export async function markHandedOut(db: Knex, id: string, cursor: number): Promise<void> {
  await db('subscriptions').where({ id }).andWhere('delivered_seq', '<', cursor).update({ delivered_seq: cursor });
}

/** Creates a subscription and its audit entry, which carries the SHA-256 of the secret, never the secret. */
export async function createSubscription(
  db: Knex,
  clientId: string,
  filter: PushFilter,
  webhookUrl: string | null,
  fromBeginning: boolean,
  actor: AuditActor = DIRECT,
): Promise<SubscriptionRow> {
  // From now on: entries already in the feed count as acknowledged (a few relayed meanwhile may come too).
  const start = fromBeginning ? 0 : await feedHorizon(db);
  const row: SubscriptionRow = {
    id: `psub-${randomUUID()}`,
    client_id: clientId,
    filter: JSON.stringify(filter),
    webhook_url: webhookUrl,
    secret: `pushsec_${randomBytes(32).toString('base64url')}`,
    acked_seq: start,
    delivered_seq: start,
    created_at: new Date().toISOString(),
    cancelled_at: null,
    attempts: 0,
    next_attempt_at: null,
    last_error: null,
    last_delivered_at: null,
    claimed_until: null,
  };
  const { secret, ...open } = row;
  await db.transaction(async (trx) => {
    await trx('subscriptions').insert(row);
    await appendAudit(trx, { actor, action: 'platform.subscribe', entityId: row.id, payload: { subscription: { ...open, secret_sha256: sha256Hex(secret) } } });
  });
  return row;
}

export async function findSubscription(db: Knex, id: string): Promise<SubscriptionRow | undefined> {
  const row = await db<SubscriptionRow>('subscriptions').where({ id }).first();
  return row && normalise(row);
}

export async function subscriptionsOf(db: Knex, clientId: string): Promise<SubscriptionRow[]> {
  return (await db<SubscriptionRow>('subscriptions').where({ client_id: clientId }).whereNull('cancelled_at').orderBy('created_at')).map(normalise);
}

/** Ends a subscription; ending it again changes nothing and records nothing. */
export async function cancelSubscription(db: Knex, id: string, actor: AuditActor = DIRECT): Promise<void> {
  await db.transaction(async (trx) => {
    const cancelledAt = new Date().toISOString();
    const changed = await trx('subscriptions').where({ id }).whereNull('cancelled_at').update({ cancelled_at: cancelledAt });
    if (changed === 1) await appendAudit(trx, { actor, action: 'platform.unsubscribe', entityId: id, payload: { subscriptionId: id, cancelledAt } });
  });
}

/** Moves the acknowledged position forward to `upToSeq`; a smaller one changes nothing and records nothing. */
export async function acknowledgeUpTo(db: Knex, id: string, upToSeq: number, actor: AuditActor = DIRECT): Promise<void> {
  await db.transaction(async (trx) => {
    const changed = await trx('subscriptions').where({ id }).andWhere('acked_seq', '<', upToSeq).update({ acked_seq: upToSeq });
    if (changed === 1) await appendAudit(trx, { actor, action: 'platform.acknowledge', entityId: id, payload: { subscriptionId: id, ackedSeq: upToSeq } });
  });
}

// ---- the relay's side ----
// Nothing here goes into the audit chain: the feed is a copy of the departments' outboxes, whose
// every change is chained in the department's own database, and the cursors, claims and delivery
// positions are bookkeeping derived from that copy and from webhook answers.

export async function relayCursor(db: Knex, department: string): Promise<number> {
  const row = await db('relay_cursors').where({ department }).first();
  return Number(row?.last_seq ?? 0);
}

export async function relayCursors(db: Knex): Promise<Record<string, number>> {
  return Object.fromEntries((await db('relay_cursors').select('department', 'last_seq')).map((r: { department: string; last_seq: number }) => [r.department, Number(r.last_seq)]));
}

/**
 * Appends a department's outbox events to the feed and advances its cursor, in one transaction:
 * after a crash either both happened or neither did, so an event is copied exactly once.
 * The transaction first updates `feed_lock`: on MySQL that row lock makes feed writers commit
 * one after the other, hence in seq order (a reader that has seen seq N never finds a smaller
 * seq appear later); on SQLite it takes the write lock before any read, so a concurrent writer
 * waits instead of failing. Events at or below the cursor (another relay was faster) are
 * skipped, and the unique (department, source_seq) ignores any duplicate. Returns how many
 * entries were added.
 */
export async function appendToFeed(db: Knex, department: string, events: readonly SourceEvent[]): Promise<number> {
  if (events.length === 0) return 0;
  return db.transaction(async (trx) => {
    const now = new Date().toISOString();
    await trx('feed_lock').where({ id: 1 }).update({ locked_at: now });
    const cursor = await relayCursor(trx, department);
    const fresh = events.filter((e) => e.seq > cursor).sort((a, b) => a.seq - b.seq);
    if (fresh.length === 0) return 0;
    const rows = fresh.map((e) => ({
      department,
      source_seq: e.seq,
      record_id: e.record.id,
      version: e.record.version,
      kind: e.kind,
      occurred_at: e.occurredAt,
      list_type: e.record.listType,
      category: e.record.category,
      subject_id: e.record.subjectId,
      record: JSON.stringify(e.record),
      relayed_at: now,
    }));
    for (let i = 0; i < rows.length; i += 100) {
      await trx('feed').insert(rows.slice(i, i + 100)).onConflict(['department', 'source_seq']).ignore();
    }
    const last = fresh[fresh.length - 1]!.seq;
    await trx('relay_cursors').insert({ department, last_seq: last, updated_at: now }).onConflict('department').merge(['last_seq', 'updated_at']);
    return rows.length;
  });
}

/** Webhook subscriptions with entries past their position that are due and not being delivered. */
export async function dueWebhooks(db: Knex, now: string, horizon: number, exclude: readonly string[]): Promise<SubscriptionRow[]> {
  const q = db<SubscriptionRow>('subscriptions')
    .whereNull('cancelled_at')
    .whereNotNull('webhook_url')
    .andWhere('acked_seq', '<', horizon)
    .andWhere((w) => w.whereNull('next_attempt_at').orWhere('next_attempt_at', '<=', now))
    .andWhere((w) => w.whereNull('claimed_until').orWhere('claimed_until', '<', now));
  if (exclude.length > 0) q.whereNotIn('id', exclude);
  return (await q.orderBy('next_attempt_at').limit(1000)).map(normalise);
}

/** Claims a subscription's delivery until `until`; false when another relay holds it or it was cancelled. */
export async function claimDelivery(db: Knex, id: string, now: string, until: string): Promise<boolean> {
  const n = await db('subscriptions')
    .where({ id })
    .whereNull('cancelled_at')
    .andWhere((w) => w.whereNull('claimed_until').orWhere('claimed_until', '<', now))
    .update({ claimed_until: until });
  return n === 1;
}

export async function releaseClaim(db: Knex, id: string): Promise<void> {
  await db('subscriptions').where({ id }).update({ claimed_until: null });
}

/** The webhook answered 2xx: entries up to `cursor` are acknowledged; the back-off is reset. */
export async function recordDelivered(db: Knex, id: string, cursor: number): Promise<void> {
  await db('subscriptions')
    .where({ id })
    .update({
      acked_seq: atLeast(db, 'acked_seq', cursor),
      delivered_seq: atLeast(db, 'delivered_seq', cursor),
      attempts: 0,
      next_attempt_at: null,
      last_error: null,
      last_delivered_at: new Date().toISOString(),
      claimed_until: null,
    });
}

/** Nothing matched up to `cursor`: the position moves there without a delivery. */
export async function skipTo(db: Knex, id: string, cursor: number): Promise<void> {
  await db('subscriptions')
    .where({ id })
    .update({ acked_seq: atLeast(db, 'acked_seq', cursor), delivered_seq: atLeast(db, 'delivered_seq', cursor), claimed_until: null });
}

/** The webhook failed: try again not before `nextAttemptAt`. */
export async function recordFailure(db: Knex, id: string, attempts: number, nextAttemptAt: string, error: string): Promise<void> {
  await db('subscriptions')
    .where({ id })
    .update({ attempts, next_attempt_at: nextAttemptAt, last_error: error.slice(0, 2000), claimed_until: null });
}
