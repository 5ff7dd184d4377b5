import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/index.js';
import type { Knex } from 'knex';
import type { CreditRecordRow, ListType } from '../credit-records.js';
import { checkPeriod, periodBounds } from '../period.js';
import { requireRule } from '../policy.js';
import type { SubgraphContext } from '../subgraph-server.js';
import { workingCalendarFromEnv, type WorkingCalendar } from '../working-days.js';

/**
 * Working days after the decision within which a list entry is due on the credit portal: the same
 * 7 working days as the double publicity of licences and penalties (7天双公示, 湘政发〔2017〕5号 二(一)4).
 */
export const LIST_PUBLICITY_WORKING_DAYS = 7;

/** SDL of `<Prefix>Query.listStatistics`: list entries published per month, and how many late. */
export function listStatisticsSdl(typePrefix: string): string {
  return `extend type ${typePrefix}Query {
  """
  名单发布统计 List entries this department first published from \`from\` to \`to\` (YYYY-MM-DD, both
  included, at most 366 days), per month of publication and list type, with those published more
  than 7 working days after their decision (counts only: analysts, departments and the credit office).
  """
  listStatistics(from: String!, to: String!): [ListPublicationCount!]!
}`;
}

export const LIST_STATISTICS_TYPES = `"""
名单发布计数 List entries a department published in one month, of one list type.
"""
type ListPublicationCount @shareable {
  "部门 The publishing department."
  department: String!
  "月份 Month of publication (YYYY-MM)."
  month: String!
  "名单类型 List type."
  listType: ListType!
  "发布数 Entries first published that month."
  published: Int!
  "逾期发布数 Of those, published more than 7 working days after the decision (working days exclude weekends and PUBLIC_HOLIDAYS)."
  late: Int!
}`;

type FirstVersion = Pick<CreditRecordRow, 'list_type' | 'decided_on' | 'valid_from'>;

/** Counts the first versions (publications) of a period by month and list type, late ones apart. */
export async function listStatistics(db: Knex, department: string, calendar: WorkingCalendar, from: string, to: string) {
  checkPeriod(from, to);
  const { start, end } = periodBounds(from, to);
  const rows = await db<CreditRecordRow>('credit_records')
    .select('list_type', 'decided_on', 'valid_from')
    .where('version', 1)
    .andWhere('valid_from', '>=', start)
    .andWhere('valid_from', '<', end);
  const counts = new Map<string, { month: string; listType: ListType; published: number; late: number }>();
  for (const row of rows as FirstVersion[]) {
    const month = row.valid_from.slice(0, 7);
    const key = `${month}/${row.list_type}`;
    let entry = counts.get(key);
    if (!entry) counts.set(key, (entry = { month, listType: row.list_type, published: 0, late: 0 }));
    entry.published += 1;
    if (calendar.workingDaysBetween(row.decided_on, row.valid_from.slice(0, 10)) > LIST_PUBLICITY_WORKING_DAYS) entry.late += 1;
  }
  return [...counts.values()]
    .sort((a, b) => a.month.localeCompare(b.month) || a.listType.localeCompare(b.listType))
    .map((c) => ({ department, ...c }));
}

export function listStatisticsResolvers(name: string, typePrefix: string): GraphQLResolverMap<SubgraphContext<unknown>> {
  let calendar: WorkingCalendar | undefined;
  return {
    [`${typePrefix}Query`]: {
      listStatistics: (_root: unknown, args: { from: string; to: string }, ctx: SubgraphContext<unknown>) => {
        requireRule(ctx.caller, 'DepartmentQuery.listStatistics', {}, name);
        return listStatistics(ctx.db, name, (calendar ??= workingCalendarFromEnv()), args.from, args.to);
      },
    },
  };
}
