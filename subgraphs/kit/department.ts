import { readFileSync } from 'node:fs';
import type { GraphQLResolverMap } from '@apollo/subgraph';
import type { Knex } from 'knex';
import type { CategoryDefinition } from './categories.js';
import {
  findRecords,
  LIST_TYPES,
  RECORD_STATUSES,
  recordsLoader,
  toCreditRecord,
  type ListType,
  type RecordStatus,
} from './credit-records.js';
import type { Migration } from './database.js';
import { badInput } from './errors.js';
import { creditRecords } from './migrations/20261127000000_credit_records.js';
import type { SubgraphContext, SubgraphDefinition } from './subgraph-server.js';

const CREDIT_RECORD_SDL = readFileSync(new URL('./credit-record.graphql', import.meta.url), 'utf8');

/** The loaders every department has, next to its own. */
export interface DepartmentLoaders {
  records: ReturnType<typeof recordsLoader>;
}

/** The object behind `Subject.<department>`: the department's view of one subject. */
export interface DepartmentView {
  subjectId: string;
}

export type DepartmentContext<L> = SubgraphContext<L & DepartmentLoaders>;

/** What makes one department different from the others. */
export interface DepartmentParts<L> {
  /** Lower-case name: the subgraph name, the `Subject` field and the root namespace. */
  name: string;
  /** Prefix of the department's GraphQL types, e.g. `Courts` for `CourtsView` and `CourtsQuery`. */
  typePrefix: string;
  /** URL of the department's own `schema.graphql`. */
  schemaFile: URL;
  categories: readonly CategoryDefinition[];
  /** The department's own tables; the shared `credit_records` table comes first automatically. */
  migrations: readonly Migration[];
  createLoaders(db: Knex): L;
  /** Whether the department holds anything on the subject besides credit records. */
  holdsData(subjectId: string, loaders: L): Promise<boolean>;
  /** Resolvers of the department's own types, including the fields of `<Prefix>View`. */
  resolvers: GraphQLResolverMap<DepartmentContext<L>>;
}

const MAX_LIMIT = 1000;

function checkEnum<T extends string>(name: string, value: unknown, allowed: readonly T[]): T | null {
  if (value === undefined || value === null) return null;
  if (!allowed.includes(value as T)) throw badInput(`${name} ${JSON.stringify(value)} is not valid: expected one of ${allowed.join(', ')}`);
  return value as T;
}

/** The full SDL of a department subgraph: its own schema plus the shared credit-record types. */
export function departmentSdl(schemaFile: URL): string {
  return `${readFileSync(schemaFile, 'utf8').trimEnd()}\n\n${CREDIT_RECORD_SDL}`;
}

/** Builds a department subgraph: the shared entity, record and namespace resolvers plus its own. */
/** A department subgraph definition, with the record categories the department owns. */
export interface DepartmentDefinition<L> extends SubgraphDefinition<L & DepartmentLoaders> {
  categories: readonly CategoryDefinition[];
}

export function defineDepartment<L>(parts: DepartmentParts<L>): DepartmentDefinition<L> {
  type Ctx = DepartmentContext<L>;
  const { name, typePrefix } = parts;
  const own = parts.resolvers;
  const viewType = `${typePrefix}View`;
  const queryType = `${typePrefix}Query`;

  const resolvers: GraphQLResolverMap<Ctx> = {
    ...own,
    Subject: {
      __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
      [name]: (subject: { id: string }): DepartmentView => ({ subjectId: subject.id }),
      ...(own.Subject as object),
    },
    [viewType]: {
      records: async (view: DepartmentView, _args: unknown, ctx: Ctx) =>
        (await ctx.loaders.records.load(view.subjectId)).map((row) => toCreditRecord(name, row)),
      known: async (view: DepartmentView, _args: unknown, ctx: Ctx) =>
        (await ctx.loaders.records.load(view.subjectId)).length > 0 || (await parts.holdsData(view.subjectId, ctx.loaders)),
      ...(own[viewType] as object),
    },
    Query: {
      [name]: () => ({}),
      ...(own.Query as object),
    },
    [queryType]: {
      records: async (
        _root: unknown,
        args: { listType?: ListType | null; category?: string | null; status?: RecordStatus | null; limit?: number | null },
        ctx: Ctx,
      ) => {
        const limit = args.limit ?? 100;
        if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
          throw badInput(`limit ${limit} is not valid: expected 1 to ${MAX_LIMIT}`);
        }
        const rows = await findRecords(ctx.db, {
          listType: checkEnum('listType', args.listType, LIST_TYPES),
          category: args.category ?? null,
          status: checkEnum('status', args.status, RECORD_STATUSES),
          limit,
        });
        return rows.map((row) => toCreditRecord(name, row));
      },
      ...(own[queryType] as object),
    },
  };

  return {
    name,
    categories: parts.categories,
    sdl: departmentSdl(parts.schemaFile),
    resolvers,
    migrations: [creditRecords, ...parts.migrations],
    createLoaders: (db) => ({ ...parts.createLoaders(db), records: recordsLoader(db) }),
  };
}
