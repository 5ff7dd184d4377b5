import { randomUUID } from 'node:crypto';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/index.js';
import { actorOf, appendAudit, sha256Hex } from '../audit.js';
import { badInput } from '../errors.js';
import { requireRule } from '../policy.js';
import { checkLimit, requireText } from '../input-checks.js';
import { checkSubjectId } from '../identifiers.js';
import type { SubgraphContext } from '../subgraph-server.js';
import { lifecycleEntry } from './audit-entries.js';
import { activeListQuery, checkOffset, publicEntry } from './public-list-page.js';
import { reportSealerFromEnv, type Sealer } from './sealing.js';

/**
 * The public side of a department: its published red and black lists (红黑名单), open to anyone
 * through the gateway's public endpoint, and reports of untrustworthy conduct (举报) from anyone,
 * whose reporter only the department itself can read.
 */
export function publicSdl(typePrefix: string): string {
  return `extend type ${typePrefix}Query {
  "公示名单 Active red or black list entries (public; identity numbers masked), newest decision first."
  publicList(listType: ListType!, category: String, limit: Int = 100, offset: Int = 0): [PublicListEntry!]!
  "举报 Reports of untrustworthy conduct addressed to this department, with the reporter (this department only)."
  reports(status: ReportStatus, limit: Int = 100): [ConductReport!]!
}

extend type ${typePrefix}Mutation {
  "举报 Reports untrustworthy conduct of a subject to this department (anyone); the reporter's identity is kept secret."
  submitReport(input: ConductReportInput!): ReportReceipt!
}`;
}

export const PUBLIC_TYPES = `"""
公示名单条目 An entry of a published red or black list, with public fields only.
"""
type PublicListEntry @shareable {
  "部门 Publishing department."
  department: String!
  "主体标识 Credit code, or a masked identity number for a person."
  subjectId: String!
  "类别 Category code."
  category: String!
  "类别名称 What the category means, in Chinese and English."
  categoryName: String!
  "名单类型 RED or BLACK."
  listType: ListType!
  "决定文书号 Decision document number."
  decisionNo: String!
  "决定日期 Decision date."
  decidedOn: String!
  "有效期至 End of the publicity period."
  validUntil: String
}

"""
举报状态 Where a report stands.
"""
enum ReportStatus {
  "已受理 Received."
  RECEIVED
  "核查中 Being verified."
  VERIFYING
  "属实 Substantiated."
  SUBSTANTIATED
  "不属实 Not substantiated."
  UNSUBSTANTIATED
}

"""
举报 A report of untrustworthy conduct, as the public submits it.
"""
input ConductReportInput {
  "被举报主体 The subject's credit code or identity number."
  subjectId: ID!
  "举报内容 The conduct reported."
  conduct: String!
  "举报人姓名 The reporter's name (kept secret)."
  reporterName: String!
  "联系方式 How to reach the reporter (kept secret)."
  reporterContact: String!
}

"""
举报回执 Receipt of a report.
"""
type ReportReceipt @shareable {
  "举报编号 Report id, for follow-up."
  id: ID!
  "受理时间 When it was received."
  submittedAt: String!
}

"""
举报 A report of untrustworthy conduct, as the receiving department sees it.
"""
type ConductReport @shareable {
  "举报编号 Report id."
  id: ID!
  "被举报主体 The subject reported."
  subjectId: ID!
  "举报内容 The conduct reported."
  conduct: String!
  "受理时间 When it was received."
  submittedAt: String!
  "状态 Where it stands."
  status: ReportStatus!
  "举报人姓名 The reporter's name."
  reporterName: String!
  "联系方式 The reporter's contact."
  reporterContact: String!
}`;

interface ReportRow {
  id: string;
  subject_id: string;
  conduct: string;
  reporter_sealed: string;
  submitted_at: string;
  status: string;
}

export function publicResolvers(name: string, typePrefix: string): GraphQLResolverMap<SubgraphContext<unknown>> {
  let sealer: Sealer | undefined;
  const seal = () => (sealer ??= reportSealerFromEnv());
  return {
    [`${typePrefix}Query`]: {
      publicList: async (
        _root: unknown,
        args: { listType: string; category?: string | null; limit?: number | null; offset?: number | null },
        ctx: SubgraphContext<unknown>,
      ) => {
        const offset = checkOffset(args.offset);
        const rows = await activeListQuery(ctx.db, args.listType, args.category, typePrefix)
          .orderBy([{ column: 'decided_on', order: 'desc' }, { column: 'row_id', order: 'desc' }])
          .limit(checkLimit(args.limit))
          .offset(offset);
        return rows.map((r) => publicEntry(name, r));
      },
      reports: async (_root: unknown, args: { status?: string | null; limit?: number | null }, ctx: SubgraphContext<unknown>) => {
        requireRule(ctx.caller, 'DepartmentQuery.reports', {}, name);
        const q = ctx.db<ReportRow>('reports');
        if (args.status) q.where('status', args.status);
        const rows = await q.orderBy('submitted_at').limit(checkLimit(args.limit));
        return rows.map((r) => {
          const reporter = JSON.parse(seal().open(r.reporter_sealed)) as { name: string; contact: string };
          return { id: r.id, subjectId: r.subject_id, conduct: r.conduct, submittedAt: r.submitted_at, status: r.status, reporterName: reporter.name, reporterContact: reporter.contact };
        });
      },
    },
    [`${typePrefix}Mutation`]: {
      submitReport: async (
        _root: unknown,
        args: { input: { subjectId: string; conduct: string; reporterName: string; reporterContact: string } },
        ctx: SubgraphContext<unknown>,
      ) => {
        const { input } = args;
        const subject = checkSubjectId(input.subjectId);
        if (!subject.valid) throw badInput(`subjectId ${JSON.stringify(input.subjectId)} is not valid: ${subject.reason}`);
        const row: ReportRow = {
          id: `rpt-${randomUUID()}`,
          subject_id: input.subjectId,
          conduct: requireText('conduct', input.conduct, 5000),
          reporter_sealed: seal().seal(JSON.stringify({ name: requireText('reporterName', input.reporterName, 100), contact: requireText('reporterContact', input.reporterContact, 200) })),
          submitted_at: new Date().toISOString(),
          status: 'RECEIVED',
        };
        // The audit entry carries the SHA-256 of the sealed reporter, never the reporter: it ties
        // the entry to the stored row without revealing who reported (the IV makes it unguessable).
        const { reporter_sealed: sealed, ...open } = row;
        await ctx.db.transaction(async (trx) => {
          await trx('reports').insert(row);
          await appendAudit(trx, lifecycleEntry(name, 'submitReport', actorOf(ctx.caller), row.id, { report: { ...open, reporter_sealed_sha256: sha256Hex(sealed) } }));
        });
        return { id: row.id, submittedAt: row.submitted_at };
      },
    },
  };
}
