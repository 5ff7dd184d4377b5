import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/index.js';
import { actorOf } from '../audit.js';
import type { CategoryDefinition } from '../categories.js';
import { toCreditRecord, type CreditRecordRow } from '../credit-records.js';
import { checkLimit } from '../input-checks.js';
import type { SubgraphContext } from '../subgraph-server.js';
import { requireRule, seesFullIdentity } from '../policy.js';
import { recordIdFromClient } from '../record-ids.js';
import { checkEventsArgs, eventsAfter, toRecordEvent } from './events.js';
import { fileObjection, listObjections, resolveObjection, toObjection, type ObjectionStatus } from './objections.js';
import { correctRecord, publishRecord, revokeRecord, type CorrectInput, type PublishInput } from './publish.js';
import { applyForRepair, decideRepair, earliestRepairOn, type RepairPolicy, type RepairRow, type RepairStatus } from './repair.js';

type Ctx = SubgraphContext<unknown>;


/** Resolvers of `<Prefix>Mutation` and the case queries of `<Prefix>Query`. */
export function lifecycleResolvers(
  name: string,
  typePrefix: string,
  categories: readonly CategoryDefinition[],
  policy: () => RepairPolicy,
): GraphQLResolverMap<Ctx> {
  const record = (row: CreditRecordRow) => toCreditRecord(name, row);
  const repair = (row: RepairRow) => ({
    id: row.id,
    recordId: row.record_id,
    subjectId: row.subject_id,
    statement: row.statement,
    appliedAt: row.applied_at,
    status: row.status,
    decidedAt: row.decided_at,
    decisionNote: row.decision_note,
  });
  return {
    Mutation: { [name]: () => ({}) },
    [`${typePrefix}Mutation`]: {
      publishRecord: async (_r: unknown, args: { input: PublishInput }, ctx: Ctx) => {
        const caller = requireRule(ctx.caller, 'DepartmentMutation.publishRecord', {}, name);
        return record(await publishRecord(ctx.db, name, categories, args.input, actorOf(caller)));
      },
      correctRecord: async (_r: unknown, args: { id: string; input: CorrectInput }, ctx: Ctx) => {
        const caller = requireRule(ctx.caller, 'DepartmentMutation.correctRecord', {}, name);
        return record(await correctRecord(ctx.db, name, categories, args.id, args.input, actorOf(caller)));
      },
      revokeRecord: async (_r: unknown, args: { id: string; reason: string }, ctx: Ctx) => {
        const caller = requireRule(ctx.caller, 'DepartmentMutation.revokeRecord', {}, name);
        return record(await revokeRecord(ctx.db, name, args.id, args.reason, actorOf(caller)));
      },
      fileObjection: async (_r: unknown, args: { input: { recordId: string; reason: string; idempotencyKey?: string | null } }, ctx: Ctx) => {
        const caller = requireRule(ctx.caller, 'DepartmentMutation.fileObjection', {}, name);
        return toObjection(await fileObjection(ctx.db, name, caller.clientId, args.input, actorOf(caller)));
      },
      resolveObjection: async (
        _r: unknown,
        args: { objectionId: string; outcome: Exclude<ObjectionStatus, 'PENDING'>; note: string; correction?: CorrectInput | null },
        ctx: Ctx,
      ) => {
        const caller = requireRule(ctx.caller, 'DepartmentMutation.resolveObjection', {}, name);
        return toObjection(await resolveObjection(ctx.db, name, categories, caller.clientId, args, actorOf(caller)));
      },
      applyForRepair: async (_r: unknown, args: { input: { recordId: string; statement: string; idempotencyKey?: string | null } }, ctx: Ctx) => {
        const caller = requireRule(ctx.caller, 'DepartmentMutation.applyForRepair', {}, name);
        return repair(await applyForRepair(ctx.db, name, caller.clientId, args.input, actorOf(caller)));
      },
      decideRepair: async (_r: unknown, args: { applicationId: string; approve: boolean; note: string }, ctx: Ctx) => {
        const caller = requireRule(ctx.caller, 'DepartmentMutation.decideRepair', {}, name);
        return repair(await decideRepair(ctx.db, name, categories, policy(), caller.clientId, args, actorOf(caller)));
      },
    },
    [`${typePrefix}Query`]: {
      record: async (_r: unknown, args: { id: string }, ctx: Ctx) => {
        const id = recordIdFromClient(args.id, seesFullIdentity(ctx.caller));
        const row = id === null ? undefined : await ctx.db<CreditRecordRow>('credit_records').where({ id }).whereNull('valid_to').first();
        return row ? record(row) : null;
      },
      recordHistory: async (_r: unknown, args: { id: string }, ctx: Ctx) => {
        const id = recordIdFromClient(args.id, seesFullIdentity(ctx.caller));
        return id === null ? [] : (await ctx.db<CreditRecordRow>('credit_records').where({ id }).orderBy('version')).map(record);
      },
      objections: async (_r: unknown, args: { status?: ObjectionStatus | null; overdueOnly?: boolean | null; limit?: number | null }, ctx: Ctx) => {
        requireRule(ctx.caller, 'DepartmentQuery.objections', {}, name);
        return (await listObjections(ctx.db, { ...args, limit: checkLimit(args.limit) })).map(toObjection);
      },
      repairApplications: async (_r: unknown, args: { status?: RepairStatus | null; limit?: number | null }, ctx: Ctx) => {
        requireRule(ctx.caller, 'DepartmentQuery.repairApplications', {}, name);
        const q = ctx.db<RepairRow>('repair_applications');
        if (args.status) q.where('status', args.status);
        return (await q.orderBy('applied_at').limit(checkLimit(args.limit))).map(repair);
      },
      events: async (_r: unknown, args: { after: number; limit?: number | null }, ctx: Ctx) => {
        requireRule(ctx.caller, 'DepartmentQuery.events', {}, name);
        const { after, limit } = checkEventsArgs(args.after, args.limit);
        return (await eventsAfter(ctx.db, after, limit)).map(toRecordEvent);
      },
    },
    RepairApplication: {
      earliestRepairOn: async (app: ReturnType<typeof repair>, _args: unknown, ctx: Ctx) => {
        const row = await ctx.db<CreditRecordRow>('credit_records').where({ id: app.recordId }).whereNull('valid_to').first();
        return row ? earliestRepairOn(row, categories, policy()) : '';
      },
    },
  };
}
