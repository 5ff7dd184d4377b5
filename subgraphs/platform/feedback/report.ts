import { GraphQLError } from 'graphql';
import type { Knex } from 'knex';
import { actorOf, appendAudit } from '../../kit/audit.js';
import { lockForWrite } from '../../kit/database.js';
import type { Caller } from '../../kit/caller.js';
import { badInput, ErrorCode, forbidden, notFound } from '../../kit/errors.js';
import type { StoredCheck } from '../check/repository.js';
import type { FeedbackOutcome, FeedbackRow } from './repository.js';

export interface FeedbackItem {
  measureCode: string;
  outcome: FeedbackOutcome;
  reason?: string | null;
}

/**
 * Records what the approval system did with each measure of its check, all items or none.
 * Identical repeats are no-ops; a measure already reported with another outcome is a conflict.
 */
export async function reportFeedback(db: Knex, caller: Caller, check: StoredCheck | null, checkId: string, items: FeedbackItem[]): Promise<FeedbackRow[]> {
  if (!check) throw notFound(`no check with checkId ${JSON.stringify(checkId)}`);
  if (check.clientId !== caller.clientId) {
    throw forbidden(`check ${checkId} was made by another client: only the client that made a check reports on it`, { rule: 'feedback.own-check' });
  }
  if (items.length === 0) throw badInput('items is empty: expected at least one measure with its outcome');
  const codes = check.measures.map((m) => m.code);
  const seen = new Set<string>();
  const rows: FeedbackRow[] = items.map((item) => {
    if (!codes.includes(item.measureCode)) {
      throw badInput(`measure ${JSON.stringify(item.measureCode)} is not in check ${checkId}: expected one of ${codes.length > 0 ? codes.join(', ') : '(the check has no measures)'}`);
    }
    if (seen.has(item.measureCode)) throw badInput(`measure ${item.measureCode} is reported twice in one request`);
    seen.add(item.measureCode);
    const reason = item.reason?.trim() || null;
    if (item.outcome === 'NOT_APPLIED' && !reason) throw badInput(`measure ${item.measureCode} is NOT_APPLIED without a reason: say why it was not applied`);
    if (reason && reason.length > 2000) throw badInput(`reason for ${item.measureCode} is ${reason.length} characters long: expected at most 2000`);
    return { check_id: checkId, measure_code: item.measureCode, outcome: item.outcome, reason, reported_by: caller.clientId, reported_at: new Date().toISOString() };
  });
  return db.transaction(async (trx) => {
    await lockForWrite(trx, 'feedback');
    const existing = new Map((await trx<FeedbackRow>('feedback').where('check_id', checkId)).map((r) => [r.measure_code, r]));
    const result: FeedbackRow[] = [];
    const fresh: FeedbackRow[] = [];
    for (const row of rows) {
      const before = existing.get(row.measure_code);
      if (!before) {
        fresh.push(row);
        result.push(row);
      } else if (before.outcome === row.outcome && (before.reason ?? null) === row.reason) {
        result.push(before);
      } else {
        throw new GraphQLError(`measure ${row.measure_code} of check ${checkId} was reported already as ${before.outcome}`, { extensions: { code: ErrorCode.Conflict } });
      }
    }
    // Identical repeats insert nothing, and so record nothing in the audit chain.
    if (fresh.length > 0) {
      await trx('feedback').insert(fresh);
      await appendAudit(trx, { actor: actorOf(caller), action: 'platform.reportFeedback', entityId: checkId, payload: { checkId, items: fresh } });
    }
    return result;
  });
}
