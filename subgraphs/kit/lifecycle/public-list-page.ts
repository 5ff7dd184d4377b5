import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/index.js';
import type { Knex } from 'knex';
import type { CategoryDefinition } from '../categories.js';
import { today } from '../clock.js';
import type { CreditRecordRow } from '../credit-records.js';
import { badInput } from '../errors.js';
import { checkSubjectId, maskSubjectId } from '../identifiers.js';
import { checkLimit } from '../input-checks.js';
import type { SubgraphContext } from '../subgraph-server.js';

/** Most credit codes one search names (the enterprises a name search found). */
export const MAX_SEARCHED_CODES = 100;
const MAX_OFFSET = 100_000;
const PAGE_DEFAULT = 20;
const PAGE_MAX = 100;
/** How record category codes look (the `<Prefix>Category` enums). */
const CATEGORY_CODE = /^[A-Z][A-Z0-9_]{0,63}$/;

/** SDL of `<Prefix>Query.publicListPage`: the published lists a page at a time, with their total. */
export function publicListPageSdl(typePrefix: string): string {
  return `extend type ${typePrefix}Query {
  """
  公示名单分页 Active red or black list entries (public; identity numbers masked), newest decision
  first, \`limit\` (1 to 100) from \`offset\`, with the total count. \`subjectIds\` narrows to
  enterprises by unified social credit code (at most 100; resident identity numbers are refused:
  the lists are searched by enterprise only).
  """
  publicListPage(listType: ListType!, subjectIds: [ID!], category: String, offset: Int = 0, limit: Int = 20): PublicListPage!
}`;
}

export const PUBLIC_LIST_PAGE_TYPES = `"""
公示名单页 One page of a published list, and how many entries the list holds in all.
"""
type PublicListPage @shareable {
  "总数 Entries in the list (with the search applied)."
  total: Int!
  "起始位置 Position of the first entry of this page."
  offset: Int!
  "每页条数 Entries asked for."
  limit: Int!
  "条目 The entries of this page."
  entries: [PublicListEntry!]!
}`;

/** The active, published entries of one list type (and category), as of today. */
export function activeListQuery(db: Knex, listType: string, category: string | null | undefined, typePrefix: string) {
  if (listType !== 'RED' && listType !== 'BLACK') throw badInput(`listType ${listType} is not published: expected RED or BLACK`);
  const day = today();
  const q = db<CreditRecordRow>('credit_records')
    .whereNull('valid_to')
    .where({ list_type: listType, status: 'ACTIVE' })
    .where('decided_on', '<=', day)
    .andWhere((w) => w.whereNull('valid_until').orWhere('valid_until', '>=', day));
  if (category) {
    if (!CATEGORY_CODE.test(category)) throw badInput(`category ${JSON.stringify(category)} is not a category code: expected upper-case letters, digits and _ (see the ${typePrefix}Category enum)`);
    q.where('category', category);
  }
  return q;
}

export function checkOffset(offset: number | null | undefined): number {
  const value = offset ?? 0;
  if (!Number.isInteger(value) || value < 0 || value > MAX_OFFSET) throw badInput(`offset ${value} is not valid: expected 0 to ${MAX_OFFSET}`);
  return value;
}

/**
 * Credit codes a public search may name. Resident identity numbers are refused whatever their
 * form: the public lists are searched by enterprise, so nobody can learn from a search whether a
 * person's number is on a list.
 */
export function checkSearchedCodes(field: string, ids: readonly string[]): string[] {
  if (ids.length > MAX_SEARCHED_CODES) throw badInput(`${field} has ${ids.length} codes: expected at most ${MAX_SEARCHED_CODES}`);
  return [...new Set(ids)].map((id, i) => {
    const check = checkSubjectId(id);
    if (check.valid && check.kind === 'LEGAL_PERSON') return id;
    if (check.valid || /^[0-9]{15,17}[0-9Xx]?$/.test(id)) {
      throw badInput(`${field}[${i}] is not a unified social credit code: the public lists are searched by enterprise name or credit code only, never by a person's identity number`);
    }
    throw badInput(`${field}[${i}] ${JSON.stringify(id.slice(0, 40))} is not a unified social credit code: ${check.valid ? 'expected an enterprise' : check.reason}`);
  });
}

/** One entry of a published list as the public sees it. */
export function publicEntry(department: string, row: CreditRecordRow) {
  return {
    department,
    subjectId: maskSubjectId(row.subject_id),
    category: row.category,
    listType: row.list_type,
    decisionNo: row.decision_no,
    decidedOn: row.decided_on,
    validUntil: row.valid_until,
  };
}

export function publicListPageResolvers(name: string, typePrefix: string, categories: readonly CategoryDefinition[]): GraphQLResolverMap<SubgraphContext<unknown>> {
  const labels = new Map(categories.map((c) => [c.code, c.description]));
  return {
    [`${typePrefix}Query`]: {
      publicListPage: async (
        _root: unknown,
        args: { listType: string; subjectIds?: string[] | null; category?: string | null; offset?: number | null; limit?: number | null },
        ctx: SubgraphContext<unknown>,
      ) => {
        const offset = checkOffset(args.offset);
        const limit = checkLimit(args.limit, PAGE_DEFAULT, PAGE_MAX);
        const query = () => {
          const q = activeListQuery(ctx.db, args.listType, args.category, typePrefix);
          if (args.subjectIds) q.whereIn('subject_id', checkSearchedCodes('subjectIds', args.subjectIds));
          return q;
        };
        const [counted, rows] = await Promise.all([
          query().count({ n: '*' }).first(),
          query().orderBy([{ column: 'decided_on', order: 'desc' }, { column: 'row_id', order: 'desc' }]).limit(limit).offset(offset),
        ]);
        return { total: Number((counted as { n?: number | string } | undefined)?.n ?? 0), offset, limit, entries: rows.map((r) => publicEntry(name, r)) };
      },
    },
    PublicListEntry: {
      categoryName: (entry: { category: string }) => labels.get(entry.category) ?? entry.category,
    },
  };
}
