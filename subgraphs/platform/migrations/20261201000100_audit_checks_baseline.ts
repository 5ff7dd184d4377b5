import { appendAudit, systemActor } from '../../kit/audit.js';
import type { Migration } from '../../kit/database.js';

/** The audit action of the baseline entry. */
export const CHECKS_BASELINE_ACTION = 'platform.auditBaseline';

/** What the baseline entry records about the checks stored before the audit chain began. */
export interface ChecksBaseline {
  checks: number;
  lastCheckedAt: string | null;
}

/**
 * Checks stored before the audit chain existed have no entry of their own. When there are any,
 * this records how many and the last `checked_at` among them as the first entry of the chain, so
 * the verifier can tell those rows from rows added later without an entry, and notices when one
 * of them disappears. A fresh database records nothing.
 */
export const auditChecksBaseline: Migration = {
  name: '20261201000100_audit_checks_baseline',
  async up(db) {
    const found = (await db('checks').count({ n: '*' }).max({ last: 'checked_at' }).first()) as { n: number | string; last: string | null } | undefined;
    const baseline: ChecksBaseline = { checks: Number(found?.n ?? 0), lastCheckedAt: found?.last ?? null };
    if (baseline.checks === 0) return;
    await db.transaction((trx) =>
      appendAudit(trx, { actor: systemActor('migration'), action: CHECKS_BASELINE_ACTION, entityId: 'checks', payload: baseline }),
    );
  },
  async down() {
    // The entry stays: the chain is append-only, and the audit_log migration drops it anyway.
  },
};
