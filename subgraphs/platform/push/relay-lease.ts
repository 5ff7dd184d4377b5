import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Knex } from 'knex';

const LEASE = 'push-relay';

interface LeaseRow {
  name: string;
  holder: string | null;
  term: number | string;
  expires_at: number | string;
}

/** Who holds the lease now, as the table says. */
export interface LeaseState {
  holder: string | null;
  term: number;
  expiresAt: number;
}

/**
 * The push relay's lease: one row in the platform database that says which relay is active. The
 * holder renews it every quarter of `leaseMs`; any other relay takes it over once it has not been
 * renewed for `leaseMs`. Taking it is a compare-and-set on `term` (an UPDATE … WHERE term = the
 * term read), which the database serialises on the row, so two standbys never both win.
 *
 * A lease row rather than MySQL's GET_LOCK: it works the same on SQLite and MySQL, survives a
 * failover of the MySQL connection (a session lock is lost silently with its connection, and a
 * pooled connection makes "which session holds it" hard to follow), and shows who is active and
 * since when with one SELECT.
 *
 * The holder counts itself active only until three quarters of `leaseMs` after it started its last
 * successful renewal, by its own monotonic clock, so a holder that stalls (a long GC pause, a
 * stopped process) stops working before anyone may take over. That margin also absorbs clock
 * differences between hosts up to a quarter of `leaseMs`.
 */
export class RelayLease {
  readonly holder = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  private term = 0;
  private activeUntil = 0;
  private pending: Promise<boolean> | null = null;

  constructor(
    private readonly db: Knex,
    readonly leaseMs: number,
  ) {}

  /** Whether this relay may do a relay's work now. */
  holds(): boolean {
    return this.term > 0 && performance.now() < this.activeUntil;
  }

  /** The term this relay holds, 0 when it holds none. */
  get currentTerm(): number {
    return this.holds() ? this.term : 0;
  }

  /** Renews the lease if this relay holds it, takes it if it has expired; resolves whether it is held now. */
  hold(): Promise<boolean> {
    this.pending ??= this.tryHold().finally(() => (this.pending = null));
    return this.pending;
  }

  private async tryHold(): Promise<boolean> {
    const started = performance.now();
    const now = Date.now();
    const expiresAt = now + this.leaseMs;
    try {
      if (this.term > 0) {
        const renewed = await this.db('relay_lease').where({ name: LEASE, holder: this.holder, term: this.term }).update({ expires_at: expiresAt });
        if (renewed === 1) return this.grant(this.term, started);
        this.term = 0;
      }
      await this.db('relay_lease').insert({ name: LEASE, holder: null, term: 0, expires_at: 0, acquired_at: null }).onConflict('name').ignore();
      const row = (await this.db('relay_lease').where({ name: LEASE }).first()) as LeaseRow;
      if (row.holder !== null && Number(row.expires_at) >= now) return this.lose();
      const term = Number(row.term) + 1;
      const taken = await this.db('relay_lease')
        .where({ name: LEASE, term: row.term })
        .update({ holder: this.holder, term, expires_at: expiresAt, acquired_at: new Date(now).toISOString() });
      return taken === 1 ? this.grant(term, started) : this.lose();
    } catch (err) {
      // The database does not answer: the relay cannot know whether another took over, so it stops
      // when its current lease runs out locally (activeUntil is left as it was).
      if (!this.holds()) this.term = 0;
      throw err;
    }
  }

  private grant(term: number, started: number): boolean {
    this.term = term;
    this.activeUntil = started + (this.leaseMs * 3) / 4;
    return true;
  }

  private lose(): boolean {
    this.term = 0;
    this.activeUntil = 0;
    return false;
  }

  /** Gives the lease up (on a clean stop), so a standby takes over at its next attempt. */
  async release(): Promise<void> {
    await this.pending?.catch(() => false);
    if (this.term === 0) return;
    const term = this.term;
    this.lose();
    await this.db('relay_lease').where({ name: LEASE, holder: this.holder, term }).update({ holder: null, expires_at: 0 });
  }

  /** The lease as the table says now. */
  static async state(db: Knex): Promise<LeaseState | null> {
    const row = (await db('relay_lease').where({ name: LEASE }).first()) as LeaseRow | undefined;
    return row ? { holder: row.holder, term: Number(row.term), expiresAt: Number(row.expires_at) } : null;
  }
}
