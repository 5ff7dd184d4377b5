import type { Knex } from 'knex';

export type FeedbackOutcome = 'APPLIED' | 'NOT_APPLIED';

export interface FeedbackRow {
  check_id: string;
  measure_code: string;
  outcome: FeedbackOutcome;
  reason: string | null;
  reported_by: string;
  reported_at: string;
}

export function feedbackOf(db: Knex, checkIds: readonly string[]): Promise<FeedbackRow[]> {
  return db<FeedbackRow>('feedback').whereIn('check_id', checkIds).orderBy(['check_id', 'measure_code']);
}

export function toFeedback(row: FeedbackRow) {
  return {
    checkId: row.check_id,
    measureCode: row.measure_code,
    outcome: row.outcome,
    reason: row.reason,
    reportedAt: row.reported_at,
    reportedBy: row.reported_by,
  };
}
