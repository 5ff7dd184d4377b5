import type { Knex } from 'knex';
import type { AuditRow } from '../../kit/audit.js';
import { ProblemLog, type AuditProblem } from '../../kit/audit-verify.js';
import { CHECKS_BASELINE_ACTION, type ChecksBaseline } from '../migrations/20261201000100_audit_checks_baseline.js';
import { CHECK_ACTION, checkRowSha256, type CheckRow } from './repository.js';

/** What cross-checking the `checks` table with the audit chain found. */
export interface ChecksReport {
  /** Rows in `checks`. */
  rows: number;
  /** Rows that match the entry they were stored with. */
  matched: number;
  /** Rows stored before the audit chain began (see the baseline migration), which have no entry. */
  preChain: number;
  first: AuditProblem | null;
  problems: number;
}

interface CheckPayload {
  checkId: string;
  verdict: string;
  rowSha256: string;
}

/**
 * Cross-checks stored checks with their audit entries, in two streaming passes: while the chain is
 * walked, each page's `platform.creditCheck` entries are compared with their rows (one statement
 * per page); then, only if some rows were not matched, the table is read page by page for rows
 * without an entry. Memory stays bounded by the page size.
 *
 * @example
 * const checks = new ChecksCrossCheck(db);
 * const chain = await verifyChain(db, { onPage: (rows) => checks.onPage(rows) });
 * const report = await checks.finish();
 */
export class ChecksCrossCheck {
  private readonly log = new ProblemLog();
  private matched = 0;
  private baseline: ChecksBaseline | null = null;

  constructor(
    private readonly db: Knex,
    private readonly pageSize = 1000,
  ) {}

  /** Compares the checks entries of one page of the chain with their rows. */
  async onPage(entries: readonly AuditRow[]): Promise<void> {
    const wanted: { entry: AuditRow; payload: CheckPayload }[] = [];
    for (const entry of entries) {
      if (entry.action !== CHECK_ACTION && entry.action !== CHECKS_BASELINE_ACTION) continue;
      try {
        if (entry.action === CHECKS_BASELINE_ACTION) this.baseline ??= JSON.parse(entry.payload) as ChecksBaseline;
        else wanted.push({ entry, payload: JSON.parse(entry.payload) as CheckPayload });
      } catch {
        this.log.add({ kind: 'altered', seq: Number(entry.seq), action: entry.action, entity: entry.entity_id, detail: 'the payload of the entry is not JSON' });
      }
    }
    if (wanted.length === 0) return;
    const rows = await this.db<CheckRow>('checks').whereIn('check_id', wanted.map((w) => w.entry.entity_id));
    const byId = new Map(rows.map((r) => [r.check_id, r]));
    for (const { entry, payload } of wanted) {
      const at = { seq: Number(entry.seq), action: entry.action, entity: entry.entity_id };
      const row = byId.get(entry.entity_id);
      if (!row) {
        this.log.add({ kind: 'missing', ...at, detail: `check ${entry.entity_id} has an audit entry but no row in checks: the stored check was deleted` });
      } else if (checkRowSha256(row) !== payload.rowSha256) {
        const verdict = row.verdict !== payload.verdict ? `: its verdict is ${row.verdict} in the table, ${payload.verdict} when it was stored` : '';
        this.log.add({ kind: 'altered', ...at, detail: `check ${row.check_id} in the checks table no longer matches its audit entry${verdict}` });
      } else {
        this.matched++;
      }
    }
  }

  /** Looks for rows without an entry (only when some rows were not matched) and reports. */
  async finish(): Promise<ChecksReport> {
    const counted = (await this.db('checks').count({ n: '*' }).first()) as { n: number | string } | undefined;
    const rows = Number(counted?.n ?? 0);
    let preChain = 0;
    if (rows > this.matched) preChain = await this.findRowsWithoutEntry();
    if (this.baseline && preChain !== this.baseline.checks) {
      const gone = this.baseline.checks - preChain;
      this.log.add({
        kind: 'missing',
        seq: null,
        action: CHECKS_BASELINE_ACTION,
        entity: 'checks',
        detail:
          gone > 0
            ? `${gone} of the ${this.baseline.checks} checks stored before the audit chain began are gone`
            : `${-gone} checks without an entry are dated before the audit chain began, beyond the ${this.baseline.checks} it recorded`,
      });
    }
    return { rows, matched: this.matched, preChain, first: this.log.first, problems: this.log.count };
  }

  /** Reads the table in (checked_at, check_id) order and reports rows without an entry; returns how many predate the chain. */
  private async findRowsWithoutEntry(): Promise<number> {
    let preChain = 0;
    let after: { checkedAt: string; checkId: string } | null = null;
    for (;;) {
      const query = this.db<CheckRow>('checks').select('check_id', 'checked_at').orderBy([{ column: 'checked_at' }, { column: 'check_id' }]).limit(this.pageSize);
      if (after) {
        const { checkedAt, checkId } = after;
        query.where((w) => w.where('checked_at', '>', checkedAt).orWhere((same) => same.where('checked_at', checkedAt).andWhere('check_id', '>', checkId)));
      }
      const page = await query;
      if (page.length === 0) return preChain;
      const audited = new Set(
        (await this.db('audit_log').where('action', CHECK_ACTION).whereIn('entity_id', page.map((r) => r.check_id)).select('entity_id')).map((r: { entity_id: string }) => r.entity_id),
      );
      for (const row of page) {
        if (audited.has(row.check_id)) continue;
        if (this.baseline?.lastCheckedAt && row.checked_at <= this.baseline.lastCheckedAt) {
          preChain++;
          continue;
        }
        this.log.add({ kind: 'missing', seq: null, action: CHECK_ACTION, entity: row.check_id, detail: `check ${row.check_id} (checked at ${row.checked_at}) is in the checks table without an audit entry` });
      }
      const last = page[page.length - 1]!;
      after = { checkedAt: last.checked_at, checkId: last.check_id };
      if (page.length < this.pageSize) return preChain;
    }
  }
}
