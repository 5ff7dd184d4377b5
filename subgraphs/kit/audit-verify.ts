import type { Knex } from 'knex';
import { entryHash, GENESIS_HASH, type AuditRow } from './audit.js';
import { ConfigError } from './env.js';
import { auditLog } from './migrations/20261201000000_audit_log.js';

/** Something the verifier found wrong: an entry (or row) changed, or one that should exist and does not. */
export interface AuditProblem {
  kind: 'altered' | 'missing';
  /** The entry concerned; null when there is none (a stored row without its entry). */
  seq: number | null;
  action: string | null;
  entity: string | null;
  detail: string;
}

/** What walking one chain found. */
export interface ChainReport {
  /** Entries read, up to the head as it was when the walk began. */
  entries: number;
  /** Entries whose hash matches their content and that link to the entry before. */
  verified: number;
  /** The head the walk checked the chain against; null when it is lost. */
  head: { seq: number; hash: string } | null;
  /** The first problem in chain order, null when the chain is intact. */
  first: AuditProblem | null;
  problems: number;
}

export interface ChainWalkOptions {
  /** Entries read per statement (default 1000): memory stays bounded whatever the chain's length. */
  pageSize?: number;
  /** Called with each page of entries once it is checked, in seq order, e.g. to cross-check them with the rows they record. */
  onPage?(rows: readonly AuditRow[]): Promise<void>;
  /**
   * A head published earlier (kept outside the database): the entry at its seq must still have
   * its hash. This is what reveals a chain rewritten from some point on with every hash, head
   * included, recomputed.
   */
  anchor?: { seq: number; hash: string };
}

/** Collects problems: the first in full, the rest counted. */
export class ProblemLog {
  first: AuditProblem | null = null;
  count = 0;

  add(problem: AuditProblem): void {
    this.first ??= problem;
    this.count++;
  }
}

const describe = (row: Pick<AuditRow, 'seq' | 'action' | 'entity_id'>) => ({ seq: Number(row.seq), action: row.action, entity: row.entity_id });

function range(from: number, to: number): string {
  return from === to ? `entry ${from} is` : `entries ${from} to ${to} are`;
}

/**
 * Throws a ConfigError when the database has never been migrated to the audit chain (the service
 * has not run since it was added): that is a setup to fix, not a chain to report on.
 */
async function requireAuditMigration(db: Knex): Promise<void> {
  const done = (await db.schema.hasTable('knex_migrations')) && (await db('knex_migrations').where('name', auditLog.name).first());
  if (!done) throw new ConfigError(`migration ${auditLog.name} has not run on this database: start its service once so it creates the audit chain`);
}

/**
 * Walks the audit chain of one database in seq order, page by page, and checks that every entry's
 * hash matches its content, links to the entry before, that seq has no gap, and that the chain
 * ends at its head. Entries appended while it walks (beyond the head read first) are left for
 * the next run.
 */
export async function verifyChain(db: Knex, options: ChainWalkOptions = {}): Promise<ChainReport> {
  const pageSize = options.pageSize ?? 1000;
  await requireAuditMigration(db);
  const log = new ProblemLog();
  const report = (entries: number, verified: number, head: ChainReport['head']): ChainReport => ({ entries, verified, head, first: log.first, problems: log.count });
  if (!(await db.schema.hasTable('audit_log'))) {
    log.add({ kind: 'missing', seq: 1, action: null, entity: null, detail: 'the audit_log table is gone: every entry is missing' });
    return report(0, 0, null);
  }
  const headRow = (await db.schema.hasTable('audit_head')) ? ((await db('audit_head').where({ id: 1 }).first('seq', 'hash')) as { seq: number | string; hash: string } | undefined) : undefined;
  const head = headRow ? { seq: Number(headRow.seq), hash: headRow.hash } : null;

  let entries = 0;
  let verified = 0;
  let expected = 1;
  let previous: AuditRow | null = null;
  for (;;) {
    const query = db<AuditRow>('audit_log').where('seq', '>', expected - 1).orderBy('seq').limit(pageSize);
    if (head) query.andWhere('seq', '<=', head.seq);
    const page = await query;
    if (page.length === 0) break;
    for (const row of page) {
      const seq = Number(row.seq);
      entries++;
      const afterGap = seq !== expected;
      if (afterGap) log.add({ kind: 'missing', seq: expected, action: null, entity: null, detail: `${range(expected, seq - 1)} missing: the chain jumps from ${expected - 1} to ${seq}` });
      const prevHash = previous && !afterGap ? previous.hash : seq === 1 ? GENESIS_HASH : null;
      if (entryHash(row) !== row.hash) {
        log.add({ kind: 'altered', ...describe(row), detail: `entry ${seq} no longer matches its hash: its content or prev_hash was changed` });
      } else if (prevHash !== null && row.prev_hash !== prevHash) {
        // The entry itself is consistent, so the one before was rewritten with a recomputed hash
        // (or this one's link and hash were both rewritten).
        const culprit = previous && !afterGap ? describe(previous) : { seq: seq - 1, action: null, entity: null };
        log.add({ kind: 'altered', ...culprit, detail: `entry ${seq - 1} is not the entry ${seq} was chained to: it was rewritten and its hash recomputed` });
      } else {
        verified++;
      }
      if (options.anchor && seq === options.anchor.seq && row.hash !== options.anchor.hash) {
        log.add({ kind: 'altered', ...describe(row), detail: `entry ${seq} does not have the hash published for it (${options.anchor.hash}): the chain was rewritten at or before entry ${seq}` });
      }
      previous = row;
      expected = seq + 1;
    }
    await options.onPage?.(page);
    if (page.length < pageSize) break;
  }

  const last = expected - 1;
  if (options.anchor && options.anchor.seq > last) {
    log.add({ kind: 'missing', seq: options.anchor.seq, action: null, entity: null, detail: `entry ${options.anchor.seq}, published as a head, is not in the chain: it ends at ${last}` });
  }
  if (!head) {
    log.add({ kind: 'missing', seq: last + 1, action: null, entity: null, detail: 'the head of the chain (audit_head) is lost: a deleted tail could not be told' });
  } else if (head.seq > last) {
    log.add({ kind: 'missing', seq: last + 1, action: null, entity: null, detail: `${range(last + 1, head.seq)} missing: the chain ends at ${last} but its head is at ${head.seq}` });
  } else if (head.hash !== (previous?.hash ?? GENESIS_HASH)) {
    const at = previous ? describe(previous) : { seq: 0, action: null, entity: null };
    log.add({ kind: 'altered', ...at, detail: `the last entry (${last}) does not have the hash the head recorded: it was rewritten` });
  }
  return report(entries, verified, head);
}
