import type { GraphQLResolverMap } from '@apollo/subgraph';
import type { CategoryDefinition } from '../categories.js';
import { toCreditRecord, type CreditRecordRow } from '../credit-records.js';
import { checkLimit } from '../input-checks.js';
import type { SubgraphContext } from '../subgraph-server.js';
import { requireCaseReader, requireFiler, requireOwner, requireWriter } from './access.js';
import { checkEventsArgs, eventsAfter, requireRelay, toRecordEvent } from './events.js';
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
        requireWriter(ctx.caller, name, 'publish records');
        return record(await publishRecord(ctx.db, name, categories, args.input));
      },
      correctRecord: async (_r: unknown, args: { id: string; input: CorrectInput }, ctx: Ctx) => {
        requireWriter(ctx.caller, name, 'correct records');
        return record(await correctRecord(ctx.db, name, categories, args.id, args.input));
      },
      revokeRecord: async (_r: unknown, args: { id: string; reason: string }, ctx: Ctx) => {
        requireWriter(ctx.caller, name, 'revoke records');
        return record(await revokeRecord(ctx.db, name, args.id, args.reason));
      },
      fileObjection: async (_r: unknown, args: { input: { recordId: string; reason: string; idempotencyKey?: string | null } }, ctx: Ctx) => {
        const caller = requireFiler(ctx.caller, name, 'file objections');
        return toObjection(await fileObjection(ctx.db, name, caller.clientId, args.input));
      },
      resolveObjection: async (
        _r: unknown,
        args: { objectionId: string; outcome: Exclude<ObjectionStatus, 'PENDING'>; note: string; correction?: CorrectInput | null },
        ctx: Ctx,
      ) => {
        const caller = requireOwner(ctx.caller, name, 'resolve objections');
        return toObjection(await resolveObjection(ctx.db, name, categories, caller.clientId, args));
      },
      applyForRepair: async (_r: unknown, args: { input: { recordId: string; statement: string; idempotencyKey?: string | null } }, ctx: Ctx) => {
        const caller = requireFiler(ctx.caller, name, 'file repair applications');
        return repair(await applyForRepair(ctx.db, name, caller.clientId, args.input));
      },
      decideRepair: async (_r: unknown, args: { applicationId: string; approve: boolean; note: string }, ctx: Ctx) => {
        const caller = requireOwner(ctx.caller, name, 'decide repair applications');
        return repair(await decideRepair(ctx.db, name, categories, policy(), caller.clientId, args));
      },
    },
    [`${typePrefix}Query`]: {
      record: async (_r: unknown, args: { id: string }, ctx: Ctx) => {
        const row = await ctx.db<CreditRecordRow>('credit_records').where({ id: args.id }).whereNull('valid_to').first();
        return row ? record(row) : null;
      },
      recordHistory: async (_r: unknown, args: { id: string }, ctx: Ctx) =>
        (await ctx.db<CreditRecordRow>('credit_records').where({ id: args.id }).orderBy('version')).map(record),
      objections: async (_r: unknown, args: { status?: ObjectionStatus | null; overdueOnly?: boolean | null; limit?: number | null }, ctx: Ctx) => {
        requireCaseReader(ctx.caller, name);
        return (await listObjections(ctx.db, { ...args, limit: checkLimit(args.limit) })).map(toObjection);
      },
      repairApplications: async (_r: unknown, args: { status?: RepairStatus | null; limit?: number | null }, ctx: Ctx) => {
        requireCaseReader(ctx.caller, name);
        const q = ctx.db<RepairRow>('repair_applications');
        if (args.status) q.where('status', args.status);
        return (await q.orderBy('applied_at').limit(checkLimit(args.limit))).map(repair);
      },
      events: async (_r: unknown, args: { after: number; limit?: number | null }, ctx: Ctx) => {
        requireRelay(ctx.caller, name);
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
