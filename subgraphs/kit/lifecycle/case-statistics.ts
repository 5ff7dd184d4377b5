import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/index.js';
import type { Knex } from 'knex';
import { today } from '../clock.js';
import { checkPeriod, periodBounds } from '../period.js';
import type { SubgraphContext } from '../subgraph-server.js';
import { requireRule } from '../policy.js';

/** SDL of `<Prefix>Query.caseStatistics`: objections and repairs of a period (跟踪问效). */
export function caseStatisticsSdl(typePrefix: string): string {
  return `extend type ${typePrefix}Query {
  "异议与修复统计 Objections and repair applications filed from \`from\` to \`to\` (YYYY-MM-DD), and those open now (department, credit office and analysts)."
  caseStatistics(from: String!, to: String!): CaseStatistics!
}`;
}

export const CASE_STATISTICS_TYPES = `"""
异议与修复统计 Objections and repairs of one department for a period.
"""
type CaseStatistics @shareable {
  "部门 The department."
  department: String!
  "异议提出数 Objections filed in the period."
  objectionsFiled: Int!
  "维持数 Of those, upheld."
  objectionsUpheld: Int!
  "更正数 Of those, corrected."
  objectionsCorrected: Int!
  "撤销数 Of those, revoked."
  objectionsRevoked: Int!
  "待核查数 Objections pending now, whenever filed."
  objectionsOpen: Int!
  "逾期数 Objections pending now past their 20-day deadline."
  objectionsOverdue: Int!
  "修复申请数 Repair applications filed in the period."
  repairsApplied: Int!
  "已修复数 Of those, approved."
  repairsApproved: Int!
  "不予修复数 Of those, rejected."
  repairsRejected: Int!
  "待审核数 Repair applications pending now."
  repairsPending: Int!
}`;

async function countBy(db: Knex, table: string, dateColumn: string, from: string, to: string): Promise<Map<string, number>> {
  const rows = await db(table)
    .select('status')
    .count({ n: '*' })
    .where(dateColumn, '>=', periodBounds(from, to).start)
    .andWhere(dateColumn, '<', periodBounds(from, to).end)
    .groupBy('status');
  return new Map((rows as { status: string; n: number | string }[]).map((r) => [String(r.status), Number(r.n)]));
}

export function caseStatisticsResolvers(name: string, typePrefix: string): GraphQLResolverMap<SubgraphContext<unknown>> {
  return {
    [`${typePrefix}Query`]: {
      caseStatistics: async (_root: unknown, args: { from: string; to: string }, ctx: SubgraphContext<unknown>) => {
        // Counts only, no personal data: analysts may read them too (跟踪问效).
        requireRule(ctx.caller, 'DepartmentQuery.caseStatistics', {}, name);
        checkPeriod(args.from, args.to);
        const objections = await countBy(ctx.db, 'objections', 'filed_at', args.from, args.to);
        const repairs = await countBy(ctx.db, 'repair_applications', 'applied_at', args.from, args.to);
        const open = await ctx.db('objections').where('status', 'PENDING').count({ n: '*' }).first();
        const overdue = await ctx.db('objections').where('status', 'PENDING').andWhere('due_on', '<', today()).count({ n: '*' }).first();
        const pendingRepairs = await ctx.db('repair_applications').where('status', 'PENDING').count({ n: '*' }).first();
        const sum = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
        return {
          department: name,
          objectionsFiled: sum(objections),
          objectionsUpheld: objections.get('UPHELD') ?? 0,
          objectionsCorrected: objections.get('CORRECTED') ?? 0,
          objectionsRevoked: objections.get('REVOKED') ?? 0,
          objectionsOpen: Number(open?.n ?? 0),
          objectionsOverdue: Number(overdue?.n ?? 0),
          repairsApplied: sum(repairs),
          repairsApproved: repairs.get('APPROVED') ?? 0,
          repairsRejected: repairs.get('REJECTED') ?? 0,
          repairsPending: Number(pendingRepairs?.n ?? 0),
        };
      },
    },
  };
}
