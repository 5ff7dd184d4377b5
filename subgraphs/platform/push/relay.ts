import type { Knex } from 'knex';
import { migrate, openDatabase, type DatabaseConfig } from '../../kit/database.js';
import { ConfigError, envInt, envOptional, envSecretOrDemo, envString } from '../../kit/env.js';
import { createLogger } from '../../kit/logger.js';
import { DEPARTMENTS, GATEWAY_PORT } from '../../services.js';
import { platform } from '../server.js';
import {
  appendToFeed,
  claimDelivery,
  dueWebhooks,
  feedHorizon,
  findSubscription,
  nextPage,
  recordDelivered,
  recordFailure,
  relayCursor,
  releaseClaim,
  skipTo,
  toEntry,
  type SourceEvent,
} from './repository.js';
import { RelayLease } from './relay-lease.js';
import { signedHeaders } from './signature.js';

/** Where the relay reports what it does: the shared JSON logger unless a test passes its own. */
export type RelayLog = Pick<Console, 'log' | 'error'>;

const relayLogger = createLogger('relay');
const defaultLog: RelayLog = { log: (message: string) => relayLogger.info(message), error: (message: string) => relayLogger.error(message) };

/** Everything the relay needs, read once at start-up (see README, Configuration). */
export interface RelayConfig {
  /** The gateway's GraphQL endpoint; the relay reads the departments' outboxes through it. */
  gatewayUrl: string;
  /** The credit office's API key (only CREDIT_OFFICE may read the outboxes). */
  key: string;
  /**
   * Departments whose outboxes are copied (their `Query.<name>.events`); null to follow the
   * registry's catalogue, so a department registered at runtime is pushed too.
   */
  departments: readonly string[] | null;
  /** Pause between rounds when there is nothing to do. */
  pollMs: number;
  /** Outbox events asked for per request. */
  eventsLimit: number;
  /** Entries per webhook POST. */
  webhookBatch: number;
  /** A webhook that has not answered by then counts as failed. */
  webhookTimeoutMs: number;
  /** First retry delay after a failed webhook; doubles with each failure, with jitter. */
  retryBaseMs: number;
  /** Longest retry delay: a subscriber that is down for a day is tried at least this often. */
  retryMaxMs: number;
  /** Webhook subscriptions delivered to at the same time. */
  concurrency: number;
  /**
   * How long the lease of the active relay lasts (RELAY_LEASE_MS): with several relays running,
   * only the holder works and another takes over within about this time of its death. Absent:
   * this relay works without a lease (a relay alone, as some tests run it).
   */
  leaseMs?: number;
}

const DEPARTMENT_NAME = /^[a-z][a-z0-9_]{0,31}$/;

export function relayConfigFromEnv(env: NodeJS.ProcessEnv = process.env): RelayConfig {
  const listed = envOptional('RELAY_DEPARTMENTS', env);
  const departments = listed === undefined ? null : listed.split(',').map((d) => d.trim()).filter(Boolean);
  for (const d of departments ?? []) {
    if (!DEPARTMENT_NAME.test(d)) throw new ConfigError(`RELAY_DEPARTMENTS: ${JSON.stringify(d)} is not a department name (lower-case letters, digits, _)`);
  }
  const gatewayUrl = envString('RELAY_GATEWAY_URL', `http://127.0.0.1:${GATEWAY_PORT}/graphql`, env);
  if (!/^https?:\/\//.test(gatewayUrl)) throw new ConfigError(`RELAY_GATEWAY_URL=${JSON.stringify(gatewayUrl)} is not valid: expected http(s)://host:port/graphql`);
  const retryBaseMs = envInt('RELAY_RETRY_BASE_MS', 1000, { min: 1, max: 3_600_000 }, env);
  const retryMaxMs = envInt('RELAY_RETRY_MAX_MS', 300_000, { min: 1, max: 86_400_000 }, env);
  if (retryMaxMs < retryBaseMs) throw new ConfigError(`RELAY_RETRY_MAX_MS=${retryMaxMs} is below RELAY_RETRY_BASE_MS=${retryBaseMs}`);
  return {
    gatewayUrl,
    key: envSecretOrDemo('RELAY_KEY', 'demo-platform-key', env),
    departments,
    pollMs: envInt('RELAY_POLL_MS', 1000, { min: 10, max: 3_600_000 }, env),
    eventsLimit: 500,
    webhookBatch: envInt('RELAY_WEBHOOK_BATCH', 100, { min: 1, max: 1000 }, env),
    webhookTimeoutMs: envInt('RELAY_WEBHOOK_TIMEOUT_MS', 10_000, { min: 100, max: 600_000 }, env),
    retryBaseMs,
    retryMaxMs,
    concurrency: 8,
    leaseMs: envInt('RELAY_LEASE_MS', 10_000, { min: 200, max: 600_000 }, env),
  };
}

/** Exponential back-off with jitter: base·2^(n-1), capped, then a random half to the full of it. */
export function backoffMs(attempts: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const full = Math.min(maxMs, baseMs * 2 ** Math.min(attempts - 1, 40));
  return Math.round(full / 2 + (random() * full) / 2);
}

const RECORD_FIELDS = 'id version subjectId department category listType decisionNo decidedOn validUntil status summary recordedAt';
const GATEWAY_TIMEOUT_MS = 30_000;
/** Outbox pages copied per department per round, so webhooks get their turn during a long catch-up. */
const PAGES_PER_ROUND = 20;

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * The push relay (信息推送): copies every department's outbox into the platform's feed, and
 * delivers the feed to webhook subscriptions.
 *
 * Copying: for each department, read the cursor, fetch `events(after: cursor)` through the
 * gateway, then in one transaction append them to the feed and advance the cursor. A relay that
 * dies anywhere in between copies the same events again on restart and the transaction keeps
 * only the new ones, so each event is in the feed exactly once.
 *
 * Delivering: a webhook subscription with entries past its position gets them POSTed in order,
 * in batches, signed; a 2xx answer moves its position (acknowledges them). A failure is retried
 * after an exponential back-off with jitter, capped, forever. A relay that dies after the
 * receiver answered 2xx but before it recorded so delivers that batch again: receivers drop
 * entries with a seq they have already processed.
 */
export class Relay {
  private stopping = false;
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<void> = Promise.resolve();
  private readonly inFlight = new Map<string, Promise<number>>();
  private readonly abort = new AbortController();
  /** Departments that cannot be read now: since when, failed rounds, the last error. */
  private readonly outages = new Map<string, { since: number; failures: number; lastError: string }>();
  /** Decides which of several relays works; null when this one works alone. */
  readonly lease: RelayLease | null;
  private leaseTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly db: Knex,
    readonly config: RelayConfig,
    private readonly ownsDb = false,
    private readonly log: RelayLog = defaultLog,
  ) {
    this.lease = config.leaseMs ? new RelayLease(db, config.leaseMs) : null;
  }

  /** Whether this relay may copy and deliver now: it holds the lease, or works without one. */
  active(): boolean {
    return !this.stopping && (this.lease === null || this.lease.holds());
  }

  /** Renews or takes the lease; says so when this relay becomes active or stands by. */
  private async holdLease(): Promise<void> {
    if (!this.lease || this.stopping) return;
    const held = await this.lease.hold().catch((err: unknown) => {
      this.log.error(`push relay: the lease cannot be read or renewed: ${(err as Error).message}`);
      return this.lease!.holds();
    });
    const role = held ? 'active' : 'standby';
    if (role === this.role) return;
    this.role = role;
    if (held) {
      this.log.log(`push relay: active (lease term ${this.lease.currentTerm}, ${this.lease.holder})`);
      // Start now rather than at the end of a standby's pause.
      clearTimeout(this.timer);
      if (!this.stopping) this.timer = setTimeout(() => this.loop(), 0);
    } else {
      this.log.log(`push relay: standing by while another relay holds the lease (${this.lease.holder})`);
    }
  }

  private role: 'active' | 'standby' | null = null;
  private loop: () => void = () => {};

  /** Opens the platform database (creating the push tables if the platform has not yet) and builds a relay. */
  static async open(database: DatabaseConfig, config: RelayConfig, log: RelayLog = defaultLog): Promise<Relay> {
    const db = await openDatabase(database);
    try {
      for (let attempt = 1; ; attempt++) {
        try {
          await migrate(db, platform.migrations);
          break;
        } catch (err) {
          // The platform subgraph migrating at the same moment holds the migration lock, or (SQLite)
          // wrote between the migrator's read and write: try again shortly.
          if (attempt >= 40) throw err;
          await new Promise((r) => setTimeout(r, 250));
        }
      }
    } catch (err) {
      await db.destroy();
      throw err;
    }
    return new Relay(db, config, true, log);
  }

  /** Runs rounds every `pollMs` until stopped: copy the outboxes, then start webhook deliveries. */
  start(): void {
    let running = false;
    const loop = (): void => {
      if (this.stopping || running) return;
      running = true;
      this.round = (async () => {
        if (!this.active()) return;
        await this.relayOnce();
        await this.startDeliveries();
      })().catch((err: unknown) => this.log.error(`push relay: round failed: ${(err as Error).message}`));
      void this.round.then(() => {
        running = false;
        if (!this.stopping) this.timer = setTimeout(loop, this.config.pollMs);
      });
    };
    this.loop = loop;
    if (this.lease) {
      const every = Math.max(50, Math.floor(this.lease.leaseMs / 4));
      this.leaseTimer = setInterval(() => void this.holdLease(), every);
      void this.holdLease().then(loop);
    } else loop();
  }

  /** Stops the rounds, cancels webhook requests under way (not counted as failures) and waits for everything. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.timer);
    clearInterval(this.leaseTimer);
    this.abort.abort(new Error('relay stopping'));
    await this.round;
    await Promise.allSettled([...this.inFlight.values()]);
    await this.lease?.release().catch((err: unknown) => this.log.error(`push relay: the lease could not be released: ${(err as Error).message}`));
    if (this.ownsDb) await this.db.destroy();
  }

  /** Copies what every department's outbox holds past its cursor; returns the entries added. */
  async relayOnce(): Promise<number> {
    const departments = this.config.departments ?? (await this.registeredDepartments());
    const counts = await Promise.all(departments.map((d) => this.relayDepartment(d)));
    return counts.reduce((a, b) => a + b, 0);
  }

  /** The credit sources of the registry's current version; the default four if it cannot be read. */
  private async registeredDepartments(): Promise<readonly string[]> {
    try {
      const res = await fetch(this.config.gatewayUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${this.config.key}` },
        body: JSON.stringify({ query: '{ registry { catalogue { name creditSource } } }' }),
        signal: AbortSignal.any([this.abort.signal, AbortSignal.timeout(GATEWAY_TIMEOUT_MS)]),
      });
      const json = (await res.json()) as { data?: { registry?: { catalogue?: { name: string; creditSource: boolean }[] } } };
      const names = json.data?.registry?.catalogue?.filter((c) => c.creditSource).map((c) => c.name);
      if (names && names.length > 0) return names;
    } catch {
      /* the registry is unreachable: fall back to the default departments */
    }
    return DEPARTMENTS;
  }

  private async relayDepartment(department: string): Promise<number> {
    let added = 0;
    try {
      for (let page = 0; page < PAGES_PER_ROUND && this.active(); page++) {
        const cursor = await relayCursor(this.db, department);
        const events = await this.fetchEvents(department, cursor);
        added += await appendToFeed(this.db, department, events);
        if (events.length < this.config.eventsLimit) break;
      }
      const outage = this.outages.get(department);
      if (outage) {
        this.outages.delete(department);
        this.log.log(
          `push relay: ${department} is read again after ${outage.failures} failed ${outage.failures === 1 ? 'round' : 'rounds'} over ${((Date.now() - outage.since) / 1000).toFixed(1)} s (last error: ${outage.lastError})`,
        );
      }
    } catch (err) {
      if (this.stopping) return added;
      const message = (err as Error).message;
      // One line when an outage begins and one when it ends (with the count), not one per round:
      // a department down for an hour is one problem, whatever its errors say meanwhile.
      const outage = this.outages.get(department);
      if (outage) {
        outage.failures += 1;
        outage.lastError = message;
      } else {
        this.outages.set(department, { since: Date.now(), failures: 1, lastError: message });
        this.log.error(`push relay: ${department} cannot be read now (${message}); retrying every ${this.config.pollMs} ms, and saying so once it is read again`);
      }
    }
    return added;
  }

  private async fetchEvents(department: string, after: number): Promise<SourceEvent[]> {
    const query = `query RelayEvents($after: Int!, $limit: Int!) { ${department} { events(after: $after, limit: $limit) { seq kind occurredAt record { ${RECORD_FIELDS} } } } }`;
    const res = await fetch(this.config.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${this.config.key}` },
      body: JSON.stringify({ query, variables: { after, limit: this.config.eventsLimit } }),
      signal: AbortSignal.any([this.abort.signal, AbortSignal.timeout(GATEWAY_TIMEOUT_MS)]),
    });
    const text = await res.text();
    let json: { data?: Record<string, { events?: SourceEvent[] } | null> | null; errors?: { message: string }[] };
    try {
      json = JSON.parse(text);
    } catch {
      throw new Error(`gateway answered HTTP ${res.status}, not JSON: ${text.slice(0, 200)}`);
    }
    const events = json.data?.[department]?.events;
    if (json.errors?.length || !Array.isArray(events)) {
      throw new Error(`gateway answered HTTP ${res.status}: ${json.errors?.map((e) => e.message).join('; ') ?? 'no events'}`);
    }
    let previous = after;
    for (const e of events) {
      if (!(e.seq > previous)) throw new Error(`${department} returned events out of order (seq ${e.seq} after ${previous})`);
      previous = e.seq;
    }
    return events;
  }

  /** Starts deliveries to due webhook subscriptions that are not being delivered already, up to the concurrency. */
  private async startDeliveries(): Promise<void> {
    const free = this.config.concurrency - this.inFlight.size;
    if (free <= 0 || !this.active()) return;
    const due = await dueWebhooks(this.db, new Date().toISOString(), await feedHorizon(this.db), [...this.inFlight.keys()]);
    for (const sub of due.slice(0, free)) {
      const task = this.deliver(sub.id)
        .catch((err: unknown) => {
          this.log.error(`push relay: delivery to ${sub.id} failed: ${(err as Error).message}`);
          return 0;
        })
        .finally(() => this.inFlight.delete(sub.id));
      this.inFlight.set(sub.id, task);
    }
  }

  /**
   * Delivers to the due webhook subscriptions, round after round, until a round delivers nothing
   * (each is caught up, failing or backing off); returns the entries delivered. For tests and tools.
   */
  async deliverOnce(): Promise<number> {
    let total = 0;
    for (;;) {
      await this.startDeliveries();
      if (this.inFlight.size === 0) return total;
      const delivered = (await Promise.all([...this.inFlight.values()])).reduce((a, b) => a + b, 0);
      if (delivered === 0) return total;
      total += delivered;
    }
  }

  /** Delivers batch after batch to one subscription while they succeed; returns the entries delivered. */
  private async deliver(id: string): Promise<number> {
    let delivered = 0;
    while (this.active()) {
      const now = Date.now();
      if (!(await claimDelivery(this.db, id, iso(now), iso(now + this.config.webhookTimeoutMs + 5000)))) return delivered;
      const sub = await findSubscription(this.db, id);
      if (!sub || sub.cancelled_at !== null || !sub.webhook_url || (sub.next_attempt_at !== null && sub.next_attempt_at > iso(now))) {
        await releaseClaim(this.db, id);
        return delivered;
      }
      const page = await nextPage(this.db, sub, this.config.webhookBatch);
      if (page.entries.length === 0) {
        await skipTo(this.db, id, page.cursor);
        return delivered;
      }
      const body = JSON.stringify({ subscriptionId: id, cursor: page.cursor, entries: page.entries.map(toEntry) });
      let failure: string | null = null;
      try {
        const res = await fetch(sub.webhook_url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...signedHeaders(id, sub.secret, body) },
          body,
          redirect: 'manual',
          signal: AbortSignal.any([this.abort.signal, AbortSignal.timeout(this.config.webhookTimeoutMs)]),
        });
        await res.body?.cancel();
        if (res.status < 200 || res.status > 299) failure = `HTTP ${res.status}`;
      } catch (err) {
        failure = (err as Error).cause ? `${(err as Error).message}: ${((err as Error).cause as Error).message}` : (err as Error).message;
      }
      if (failure === null) {
        await recordDelivered(this.db, id, page.cursor);
        delivered += page.entries.length;
        if (!page.hasMore) return delivered;
        continue;
      }
      if (this.stopping) {
        await releaseClaim(this.db, id);
        return delivered;
      }
      const attempts = sub.attempts + 1;
      const delay = backoffMs(attempts, this.config.retryBaseMs, this.config.retryMaxMs);
      await recordFailure(this.db, id, attempts, iso(Date.now() + delay), failure);
      if (attempts === 1 || attempts % 10 === 0) {
        this.log.error(`push relay: webhook of ${id} failed (${failure}), attempt ${attempts}; next in ${delay} ms`);
      }
      return delivered;
    }
    return delivered;
  }
}
