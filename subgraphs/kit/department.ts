import { readFileSync } from 'node:fs';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/index.js';
import type { Knex } from 'knex';
import type { CategoryDefinition } from './categories.js';
import {
  asOfKey,
  findRecords,
  LIST_TYPES,
  RECORD_STATUSES,
  recordsAsOfLoader,
  recordsLoader,
  toCreditRecord,
  type ListType,
  type RecordStatus,
} from './credit-records.js';
import type { Migration } from './database.js';
import { badInput } from './errors.js';
import { checkLimit } from './input-checks.js';
import { CASE_STATISTICS_TYPES, caseStatisticsResolvers, caseStatisticsSdl } from './lifecycle/case-statistics.js';
import { PUBLIC_TYPES, publicResolvers, publicSdl } from './lifecycle/public-and-reports.js';
import { PUBLIC_LIST_PAGE_TYPES, publicListPageResolvers, publicListPageSdl } from './lifecycle/public-list-page.js';
import { LIST_STATISTICS_TYPES, listStatisticsResolvers, listStatisticsSdl } from './lifecycle/list-statistics.js';
import { lifecycleResolvers } from './lifecycle/resolvers.js';
import { repairPolicyFromEnv, type RepairPolicy } from './lifecycle/repair.js';
import { lifecycleSdl } from './lifecycle/sdl.js';
import { creditRecords } from './migrations/20261127000000_credit_records.js';
import { recordLifecycle } from './migrations/20261127000500_record_lifecycle.js';
import { reportsTable } from './migrations/20261127000700_reports.js';
import { auditLog } from './migrations/20261201000000_audit_log.js';
import { auditRowSeals } from './migrations/20261204000000_audit_row_seals.js';
import { recordEventsLock } from './migrations/20261127000600_record_events_lock.js';
import { mergeResolvers } from './resolver-maps.js';
import type { SubgraphContext, SubgraphDefinition } from './subgraph-server.js';

const CREDIT_RECORD_SDL = readFileSync(new URL('./credit-record.graphql', import.meta.url), 'utf8');
const LIFECYCLE_SDL = readFileSync(new URL('./record-lifecycle.graphql', import.meta.url), 'utf8');

/** The loaders every department has, next to its own. */
export interface DepartmentLoaders {
  records: ReturnType<typeof recordsLoader>;
  recordsAsOf: ReturnType<typeof recordsAsOfLoader>;
}

/**
 * The object behind `Subject.<department>`: the department's view of one subject, now
 * (`asOf` null) or as it was at a moment (`SubjectAsOf.<department>`, for replaying checks).
 */
export interface DepartmentView {
  subjectId: string;
  asOf: string | null;
}

export type DepartmentContext<L> = SubgraphContext<L & DepartmentLoaders>;

/** What makes one department different from the others. */
export interface DepartmentParts<L> {
  /** Lower-case name: the subgraph name, the `Subject` field and the root namespace. */
  name: string;
  /** Prefix of the department's GraphQL types, e.g. `Courts` for `CourtsView` and `CourtsQuery`. */
  typePrefix: string;
  /** Description of the `Subject.<name>` field: Chinese term and English. */
  title: string;
  /** URL of the department's own `schema.graphql` (its view, query and domain types). */
  schemaFile: URL;
  categories: readonly CategoryDefinition[];
  /** The department's own tables; the shared `credit_records` table comes first automatically. */
  migrations: readonly Migration[];
  createLoaders(db: Knex): L;
  /**
   * Loads of what the department holds on a subject besides credit records (one per table); the
   * subject is known when any of them finds something. All of them always run, so a batch costs
   * the same statements whatever its data.
   */
  holdings(subjectId: string, loaders: L): Promise<unknown>[];
  /** Resolvers of the department's own types, including the fields of `<Prefix>View`. */
  resolvers: GraphQLResolverMap<DepartmentContext<L>>;
}

/** A department subgraph definition, with the record categories the department owns. */
export interface DepartmentDefinition<L> extends SubgraphDefinition<L & DepartmentLoaders> {
  categories: readonly CategoryDefinition[];
}

const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;

function checkEnum<T extends string>(name: string, value: unknown, allowed: readonly T[]): T | null {
  if (value === undefined || value === null) return null;
  if (!allowed.includes(value as T)) throw badInput(`${name} ${JSON.stringify(value)} is not valid: expected one of ${allowed.join(', ')}`);
  return value as T;
}

/**
 * The entity part every department shares (the credit-record contract): `Subject.<name>` and
 * `SubjectAsOf.<name>`, both of type `<Prefix>View` with `records: [CreditRecord!]`.
 */
export function departmentEntitySdl(name: string, typePrefix: string, title: string): string {
  const field = `  ${JSON.stringify(title)}\n  ${name}: ${typePrefix}View`;
  return `extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@shareable"])

"""
信用主体 Credit subject: an enterprise or organisation (unified social credit code) or a person
(resident identity number).
"""
type Subject @key(fields: "id") {
  "主体标识 Unified social credit code or resident identity number."
  id: ID!
${field}
}

"""
历史时点的信用主体 A credit subject as the departments recorded it at a past moment; used to
replay a check exactly as it was made.
"""
type SubjectAsOf @key(fields: "id asOf") {
  "主体标识 Unified social credit code or resident identity number."
  id: ID!
  "时点 The moment (ISO 8601, UTC) whose record versions are shown."
  asOf: String!
${field}
}
`;
}

/** The department's record categories as an enum, so the SDL (and the registry's catalogue) documents them. */
export function categoriesSdl(typePrefix: string, categories: readonly CategoryDefinition[]): string {
  const values = categories.map((c) => `  ${JSON.stringify(`${c.description} (${c.listType})`)}\n  ${c.code}`).join('\n');
  return `"""\n记录类别 The record categories of this department; CreditRecord.category takes these codes.\n"""\nenum ${typePrefix}Category {\n${values}\n}`;
}

/** The full SDL of a department subgraph: shared entities, its own schema, the credit-record types. */
export function departmentSdl(parts: Pick<DepartmentParts<unknown>, 'name' | 'typePrefix' | 'title' | 'schemaFile' | 'categories'>): string {
  return [
    departmentEntitySdl(parts.name, parts.typePrefix, parts.title).trimEnd(),
    categoriesSdl(parts.typePrefix, parts.categories),
    readFileSync(parts.schemaFile, 'utf8').trimEnd(),
    lifecycleSdl(parts.name, parts.typePrefix, parts.title).trimEnd(),
    caseStatisticsSdl(parts.typePrefix),
    listStatisticsSdl(parts.typePrefix),
    publicSdl(parts.typePrefix),
    publicListPageSdl(parts.typePrefix),
    CREDIT_RECORD_SDL.trimEnd(),
    LIFECYCLE_SDL.trimEnd(),
    CASE_STATISTICS_TYPES,
    LIST_STATISTICS_TYPES,
    PUBLIC_TYPES,
    PUBLIC_LIST_PAGE_TYPES,
  ].join('\n\n') + '\n';
}

/** Builds a department subgraph: the shared entity, record and namespace resolvers plus its own. */
export function defineDepartment<L>(parts: DepartmentParts<L>): DepartmentDefinition<L> {
  type Ctx = DepartmentContext<L>;
  const { name, typePrefix } = parts;
  const own = parts.resolvers;
  const viewType = `${typePrefix}View`;
  const queryType = `${typePrefix}Query`;

  let policy: RepairPolicy | undefined;
  const shared: GraphQLResolverMap<Ctx> = {
    Subject: {
      __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
      [name]: (subject: { id: string }): DepartmentView => ({ subjectId: subject.id, asOf: null }),
    },
    SubjectAsOf: {
      __resolveReference: (ref: { id: string; asOf: string }) => {
        if (!ISO_TIMESTAMP.test(ref.asOf)) throw badInput(`asOf ${JSON.stringify(ref.asOf)} is not valid: expected an ISO 8601 UTC timestamp`);
        return { id: ref.id, asOf: ref.asOf };
      },
      [name]: (subject: { id: string; asOf: string }): DepartmentView => ({ subjectId: subject.id, asOf: subject.asOf }),
    },
    [viewType]: {
      records: async (view: DepartmentView, _args: unknown, ctx: Ctx) => {
        if (view.asOf === null) return (await ctx.loaders.records.load(view.subjectId)).map((row) => toCreditRecord(name, row));
        const rows = await ctx.loaders.recordsAsOf.load(asOfKey(view.asOf, view.subjectId));
        return rows.map((row) => toCreditRecord(name, row, view.asOf!.slice(0, 10)));
      },
      // Both lookups always run, so a batch costs the same statements whatever its records are.
      known: async (view: DepartmentView, _args: unknown, ctx: Ctx) => {
        const found = await Promise.all([ctx.loaders.records.load(view.subjectId), ...parts.holdings(view.subjectId, ctx.loaders)]);
        return found.some((value) => (Array.isArray(value) ? value.length > 0 : value !== null && value !== undefined));
      },
    },
    Query: {
      [name]: () => ({}),
    },
    [queryType]: {
      records: async (
        _root: unknown,
        args: { listType?: ListType | null; category?: string | null; status?: RecordStatus | null; limit?: number | null },
        ctx: Ctx,
      ) => {
        const limit = checkLimit(args.limit);
        const rows = await findRecords(ctx.db, {
          listType: checkEnum('listType', args.listType, LIST_TYPES),
          category: checkEnum('category', args.category, parts.categories.map((c) => c.code)),
          status: checkEnum('status', args.status, RECORD_STATUSES),
          limit,
        });
        return rows.map((row) => toCreditRecord(name, row));
      },
    },
  };
  const resolvers = mergeResolvers<Ctx>(
    shared,
    lifecycleResolvers(name, typePrefix, parts.categories, () => (policy ??= repairPolicyFromEnv())) as GraphQLResolverMap<Ctx>,
    caseStatisticsResolvers(name, typePrefix) as GraphQLResolverMap<Ctx>,
    listStatisticsResolvers(name, typePrefix) as GraphQLResolverMap<Ctx>,
    publicResolvers(name, typePrefix) as GraphQLResolverMap<Ctx>,
    publicListPageResolvers(name, typePrefix, parts.categories) as GraphQLResolverMap<Ctx>,
    own,
  );

  return {
    name,
    categories: parts.categories,
    sdl: departmentSdl(parts),
    resolvers,
    migrations: [creditRecords, recordLifecycle, recordEventsLock, reportsTable, auditLog, ...parts.migrations, auditRowSeals],
    createLoaders: (db) => ({ ...parts.createLoaders(db), records: recordsLoader(db), recordsAsOf: recordsAsOfLoader(db) }),
  };
}
