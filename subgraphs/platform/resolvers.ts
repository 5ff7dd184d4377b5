import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/index.js';
import { requireRule } from '../kit/policy.js';
import { GraphQLError, type GraphQLResolveInfo } from 'graphql';
import { actorOf } from '../kit/audit.js';
import { badInput, ErrorCode, forbidden, notFound } from '../kit/errors.js';
import type { SubgraphContext } from '../kit/subgraph-server.js';
import { compareWithStored } from './check/compare.js';
import type { StoredCheck } from './check/repository.js';
import { checkCaseRef, evaluate, storedCheckOf } from './check/run-check.js';
import type { PlatformLoaders } from './loaders.js';
import { addMeasure, measureHistory, MeasureConflict, newMeasureVersion } from './measures/repository.js';
import type { Matter, MeasureKind } from './measures/types.js';
import { checkMeasureCode, checkMeasureInput, checkNote, type MeasureInput } from './measures/validate.js';
import { resolveSubjectIds, type SubjectRef } from './subjects.js';
import { checkSubjectId } from '../kit/identifiers.js';
import { lookupPurpose } from './lookups/purpose.js';
import { lookupRows, type PersonLookupRow } from './lookups/repository.js';

type Ctx = SubgraphContext<PlatformLoaders>;
type Entity = Record<string, unknown> & { id: string };

const CHECK_READERS = ['CREDIT_OFFICE', 'ANALYST'] as const;

/** A stored check, to the client that made it, the credit office and analysts. */
async function readableCheck(ctx: Ctx, checkId: string): Promise<StoredCheck> {
  const caller = requireRule(ctx.caller, 'PlatformQuery.check');
  const check = await ctx.loaders.checks.load(checkId);
  if (!check) throw notFound(`no check with checkId ${JSON.stringify(checkId)}`);
  if (check.clientId !== caller.clientId && !(CHECK_READERS as readonly string[]).includes(caller.role)) {
    throw forbidden(`check ${checkId} belongs to another client: only that client, the credit office and analysts may read it`, { rule: 'check retrieval' });
  }
  return check;
}

/**
 * Subjects looked up by id, for a caller the access policy lets look them up (natural persons: only
 * roles that see identity numbers whole). Every natural person among them is recorded with who,
 * when and why before anything is answered; a lookup that cannot be recorded is not answered.
 */
async function lookedUp(ctx: Ctx, info: GraphQLResolveInfo, ids: readonly string[], coordinate: string, args: Record<string, unknown>): Promise<SubjectRef[]> {
  const caller = requireRule(ctx.caller, coordinate, args);
  const refs = resolveSubjectIds(ids);
  const persons = refs.filter((r) => r.kind === 'NATURAL_PERSON').map((r) => r.id);
  await recordLookups(ctx, lookupRows(caller, ctx.requestId, persons, lookupPurpose(info)));
  return refs;
}

/** Records lookups through the request's loader, so a batch's are written together. */
async function recordLookups(ctx: Ctx, rows: readonly PersonLookupRow[]): Promise<void> {
  await Promise.all(rows.map((row) => ctx.loaders.personLookups.load(row)));
}

/** The natural persons among valid subject ids. */
function personIds(ids: readonly string[]): string[] {
  return ids.filter((id) => {
    const check = checkSubjectId(id);
    return check.valid && check.kind === 'NATURAL_PERSON';
  });
}

function conflict(err: unknown): never {
  if (err instanceof MeasureConflict) throw new GraphQLError(err.message, { extensions: { code: ErrorCode.Conflict } });
  throw err;
}

export const platformResolvers: GraphQLResolverMap<Ctx> = {
  Query: {
    subject: async (_root: unknown, args: { id: string }, ctx: Ctx, info: GraphQLResolveInfo): Promise<SubjectRef> =>
      (await lookedUp(ctx, info, [args.id], 'Query.subject', args))[0]!,
    subjects: (_root: unknown, args: { ids: string[] }, ctx: Ctx, info: GraphQLResolveInfo): Promise<SubjectRef[]> =>
      lookedUp(ctx, info, args.ids, 'Query.subjects', args),
    viewer: (_root: unknown, _args: unknown, ctx: Ctx) => ctx.caller,
    platform: () => ({}),
  },
  Mutation: {
    platform: () => ({}),
  },
  Subject: {
    // The representation also carries the sources' data that `creditCheck` requires: keep it.
    __resolveReference: (ref: { id: string }): SubjectRef => ({ ...ref, ...resolveSubjectIds([ref.id])[0]! }),
    creditCheck: async (entity: Entity, args: { matter: Matter; caseRef: string }, ctx: Ctx) => {
      const caller = requireRule(ctx.caller, 'Subject.creditCheck', args);
      const caseRef = checkCaseRef(args.caseRef);
      const catalogue = await ctx.loaders.currentMeasures.load('current');
      const { input, evaluation } = evaluate(entity, args.matter, new Date().toISOString(), catalogue, 'enterprise');
      const stored = await ctx.loaders.checkWriter.load({ check: storedCheckOf(caller, input, caseRef, evaluation), actor: actorOf(caller) });
      // Recorded once the batch is stored, so every check of a batch records its lookups in one statement.
      await recordLookups(ctx, lookupRows(caller, ctx.requestId, personIds([entity.id]), `creditCheck ${args.matter} for case ${caseRef}`));
      return stored;
    },
    creditPreview: async (entity: Entity, args: { matter: Matter }, ctx: Ctx) => {
      const caller = requireRule(ctx.caller, 'Subject.creditPreview');
      const catalogue = await ctx.loaders.currentMeasures.load('current');
      const { input, evaluation } = evaluate(entity, args.matter, new Date().toISOString(), catalogue, 'enterprise');
      await recordLookups(ctx, lookupRows(caller, ctx.requestId, personIds([entity.id]), `creditPreview ${args.matter}`));
      return { evaluatedAt: input.asOf, matter: input.matter, subjectId: input.subjectId, ...evaluation };
    },
  },
  SubjectAsOf: {
    __resolveReference: (ref: { id: string; asOf: string }) => ref,
    reevaluation: async (entity: Entity & { asOf: string }, args: { checkId: string }, ctx: Ctx) => {
      const stored = await readableCheck(ctx, args.checkId);
      if (stored.subjectId !== entity.id || stored.checkedAt !== entity.asOf) {
        throw badInput(`check ${args.checkId} is of subject ${stored.subjectId} at ${stored.checkedAt}, not of ${entity.id} at ${entity.asOf}`);
      }
      const catalogue = await ctx.loaders.measuresAsOf.load(stored.checkedAt);
      const { evaluation } = evaluate(entity, stored.matter, stored.checkedAt, catalogue, 'enterpriseAsOf');
      const differences = compareWithStored(stored, evaluation);
      return {
        checkId: stored.checkId,
        asOf: stored.checkedAt,
        verdict: evaluation.verdict,
        measures: evaluation.measures,
        missingSources: evaluation.missingSources,
        matchesOriginal: differences.length === 0,
        differences,
      };
    },
  },
  PlatformQuery: {
    measures: async (_root: unknown, args: { matter?: Matter | null; kind?: MeasureKind | null; includeRetired?: boolean | null }, ctx: Ctx) => {
      requireRule(ctx.caller, 'PlatformQuery.measures');
      const all = await ctx.loaders.currentMeasures.load('current');
      return all.filter(
        (m) => (args.includeRetired || !m.retired) && (!args.matter || m.matters.includes(args.matter)) && (!args.kind || m.kind === args.kind),
      );
    },
    measureHistory: async (_root: unknown, args: { code: string }, ctx: Ctx) => {
      requireRule(ctx.caller, 'PlatformQuery.measures');
      const history = await measureHistory(ctx.db, args.code);
      if (history.length === 0) throw notFound(`no measure with code ${JSON.stringify(args.code)}`);
      return history;
    },
    check: (_root: unknown, args: { checkId: string }, ctx: Ctx) => readableCheck(ctx, args.checkId),
    replayCheck: async (_root: unknown, args: { checkId: string }, ctx: Ctx) => {
      const check = await readableCheck(ctx, args.checkId);
      return { original: check, subject: { id: check.subjectId, asOf: check.checkedAt } };
    },
  },
  PlatformMutation: {
    addMeasure: async (_root: unknown, args: { code: string; input: MeasureInput; note: string }, ctx: Ctx) => {
      const caller = requireRule(ctx.caller, 'PlatformMutation.changeMeasure');
      const content = checkMeasureInput(args.input);
      return addMeasure(ctx.db, checkMeasureCode(args.code), content, caller.clientId, checkNote(args.note), actorOf(caller)).catch(conflict);
    },
    changeMeasure: async (_root: unknown, args: { code: string; input: MeasureInput; note: string }, ctx: Ctx) => {
      const caller = requireRule(ctx.caller, 'PlatformMutation.changeMeasure');
      const content = checkMeasureInput(args.input);
      const next = await newMeasureVersion(ctx.db, checkMeasureCode(args.code), () => ({ content, retired: false }), caller.clientId, checkNote(args.note), actorOf(caller)).catch(conflict);
      if (!next) throw notFound(`no measure with code ${JSON.stringify(args.code)}: use addMeasure for a new one`);
      return next;
    },
    retireMeasure: async (_root: unknown, args: { code: string; note: string }, ctx: Ctx) => {
      const caller = requireRule(ctx.caller, 'PlatformMutation.changeMeasure');
      const next = await newMeasureVersion(ctx.db, checkMeasureCode(args.code), (current) => ({ content: current, retired: true }), caller.clientId, checkNote(args.note), actorOf(caller)).catch(conflict);
      if (!next) throw notFound(`no measure with code ${JSON.stringify(args.code)}`);
      return next;
    },
  },
};
