import type { Knex } from 'knex';
import { today } from '../kit/clock.js';
import { checkPeriod } from '../kit/period.js';
import type { WorkingCalendar } from '../kit/working-days.js';
import type { AdministrativeDecisionKind, AdministrativeDecisionRow } from './repository.js';

/** Working days within which a licence or penalty must be published (7天双公示). */
export const PUBLICITY_WORKING_DAYS = 7;

export interface PublicityDelay {
  subjectId: string;
  decision: AdministrativeDecisionRow;
  dueBy: string;
  workingDays: number;
}

/** Decisions of a period published late or not at all, by the working-day calendar. */
export async function doublePublicityReport(
  db: Knex,
  calendar: WorkingCalendar,
  args: { from: string; to: string; kind?: AdministrativeDecisionKind | null; limit: number },
) {
  checkPeriod(args.from, args.to);
  const q = db<AdministrativeDecisionRow>('administrative_decisions').whereBetween('decided_on', [args.from, args.to]);
  if (args.kind) q.where('kind', args.kind);
  const rows = await q.orderBy([{ column: 'decided_on' }, { column: 'decision_no' }]);
  const now = today();
  const late: PublicityDelay[] = [];
  const unpublished: PublicityDelay[] = [];
  for (const row of rows) {
    const dueBy = calendar.addWorkingDays(row.decided_on, PUBLICITY_WORKING_DAYS);
    if (row.published_on === null) {
      unpublished.push({ subjectId: row.subject_id, decision: row, dueBy, workingDays: calendar.workingDaysBetween(row.decided_on, now) });
    } else if (row.published_on > dueBy) {
      late.push({ subjectId: row.subject_id, decision: row, dueBy, workingDays: calendar.workingDaysBetween(row.decided_on, row.published_on) });
    }
  }
  return {
    from: args.from,
    to: args.to,
    decided: rows.length,
    onTime: rows.length - late.length - unpublished.length,
    late: late.slice(0, args.limit),
    lateCount: late.length,
    unpublished: unpublished.slice(0, args.limit),
    unpublishedCount: unpublished.length,
  };
}
