import { findBreakingChanges, findDangerousChanges } from 'graphql';
import { requireRule } from '../kit/policy.js';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/index.js';
import { envInt } from '../kit/env.js';
import { badInput } from '../kit/errors.js';
import { checkLimit } from '../kit/input-checks.js';
import type { SubgraphContext } from '../kit/subgraph-server.js';
import { catalogueOf } from './catalogue.js';
import { apiSchema } from './checks.js';
import { proposeChange, type ChangeRequest } from './propose.js';
import { fetchSdl } from './sdl-fetch.js';
import { RegistryStore, type SupergraphVersionRow } from './store.js';

type Ctx = SubgraphContext<unknown>;

function version(store: RegistryStore, row: SupergraphVersionRow | null) {
  if (!row) return null;
  return {
    version: row.version,
    composedAt: row.composed_at,
    publishedBy: row.published_by,
    action: row.action,
    subgraph: row.subgraph,
    rollbackOf: row.rollback_of,
    forced: Boolean(row.forced),
    supergraphHash: row.supergraph_hash,
    supergraphSdl: row.supergraph_sdl,
    subgraphs: () => store.members(row),
  };
}


export function registryResolvers(): GraphQLResolverMap<Ctx> {
  const windowDays = () => envInt('OPERATION_CHECK_DAYS', 7, { min: 0, max: 365 });
  const change = async (ctx: Ctx, req: ChangeRequest, force: boolean | null | undefined, dryRun: boolean | null | undefined) => {
    const caller = requireRule(ctx.caller, 'RegistryMutation.publishSubgraph');
    const store = new RegistryStore(ctx.db);
    const result = await proposeChange(store, caller, req, { force: Boolean(force), dryRun: Boolean(dryRun), operationWindowDays: windowDays(), fetchSdl });
    return { ...result, version: version(store, result.version) };
  };
  return {
    Query: { registry: () => ({}) },
    Mutation: { registry: () => ({}) },
    RegistryQuery: {
      current: async (_r: unknown, _a: unknown, ctx: Ctx) => {
        requireRule(ctx.caller, 'RegistryQuery.current');
        const store = new RegistryStore(ctx.db);
        return version(store, await store.latest());
      },
      history: async (_r: unknown, args: { limit?: number | null }, ctx: Ctx) => {
        requireRule(ctx.caller, 'RegistryQuery.current');
        const store = new RegistryStore(ctx.db);
        return (await store.history(checkLimit(args.limit, 50, 1000))).map((row) => version(store, row));
      },
      version: async (_r: unknown, args: { version: number }, ctx: Ctx) => {
        requireRule(ctx.caller, 'RegistryQuery.current');
        const store = new RegistryStore(ctx.db);
        return version(store, await store.version(args.version));
      },
      diff: async (_r: unknown, args: { from: number; to: number }, ctx: Ctx) => {
        requireRule(ctx.caller, 'RegistryQuery.current');
        const store = new RegistryStore(ctx.db);
        const [a, b] = await Promise.all([store.version(args.from), store.version(args.to)]);
        if (!a) throw badInput(`version ${args.from} does not exist`);
        if (!b) throw badInput(`version ${args.to} does not exist`);
        const [ma, mb] = await Promise.all([store.members(a), store.members(b)]);
        const out: string[] = [];
        for (const m of mb) {
          const before = ma.find((x) => x.name === m.name);
          if (!before) out.push(`subgraph ${m.name} added at ${m.url}`);
          else {
            if (before.url !== m.url) out.push(`subgraph ${m.name} moved from ${before.url} to ${m.url}`);
            if (before.sdlHash !== m.sdlHash) out.push(`subgraph ${m.name} SDL changed (${before.sdlHash.slice(0, 12)} → ${m.sdlHash.slice(0, 12)})`);
          }
        }
        for (const m of ma) if (!mb.some((x) => x.name === m.name)) out.push(`subgraph ${m.name} removed`);
        const [sa, sb] = [apiSchema(a.supergraph_sdl), apiSchema(b.supergraph_sdl)];
        for (const c of findBreakingChanges(sa, sb)) out.push(`breaking: ${c.description}`);
        for (const c of findDangerousChanges(sa, sb)) out.push(`dangerous: ${c.description}`);
        return out;
      },
      catalogue: async (_r: unknown, _a: unknown, ctx: Ctx) => {
        requireRule(ctx.caller, 'RegistryQuery.current');
        const store = new RegistryStore(ctx.db);
        const latest = await store.latest();
        if (!latest) return [];
        const members = await store.members(latest);
        const counts = new Map<string, number>();
        for (const row of (await ctx.db('subgraph_versions').select('name').count({ n: '*' }).groupBy('name')) as { name: string; n: number }[]) counts.set(row.name, Number(row.n));
        return members.filter((m) => m.name !== 'registry').map((m) => ({ ...catalogueOf(m), sdlHash: m.sdlHash, publishedAt: m.publishedAt, versions: counts.get(m.name) ?? 1 }));
      },
      operations: async (_r: unknown, args: { days?: number | null }, ctx: Ctx) => {
        requireRule(ctx.caller, 'RegistryQuery.operations');
        const days = args.days ?? 7;
        if (!Number.isInteger(days) || days < 0 || days > 365) throw badInput(`days ${days} is not valid: expected 0 to 365`);
        const rows = await new RegistryStore(ctx.db).operationsSince(new Date(Date.now() - days * 86_400_000).toISOString());
        return rows.map((r) => ({ clientId: r.client_id, operationName: r.operation_name, signature: r.signature, lastSeen: r.last_seen }));
      },
    },
    RegistryMutation: {
      publishSubgraph: (_r: unknown, args: { input: { name: string; url: string; sdl?: string | null; force?: boolean | null; dryRun?: boolean | null } }, ctx: Ctx) =>
        change(ctx, { kind: 'PUBLISH', name: args.input.name, url: args.input.url, sdl: args.input.sdl ?? null }, args.input.force, args.input.dryRun),
      removeSubgraph: (_r: unknown, args: { name: string; force?: boolean | null; dryRun?: boolean | null }, ctx: Ctx) =>
        change(ctx, { kind: 'REMOVE', name: args.name }, args.force, args.dryRun),
      rollback: (_r: unknown, args: { version: number; force?: boolean | null; dryRun?: boolean | null }, ctx: Ctx) =>
        change(ctx, { kind: 'ROLLBACK', version: args.version }, args.force, args.dryRun),
    },
  };
}
