import { findBreakingChanges } from 'graphql';
import { actorOf } from '../kit/audit.js';
import type { Caller } from '../kit/caller.js';
import { badInput, forbidden } from '../kit/errors.js';
import { apiSchema, breakingChanges, compose, operationProblems, parseProblem, type CheckProblem } from './checks.js';
import { withCreditSources } from './credit-sources.js';
import { StaleVersion, type Member, type ObservedOperationRow, type RegistryStore, type SupergraphVersionRow } from './store.js';

/** Subgraphs only the credit office may publish, and nobody may remove. */
export const PROTECTED = ['platform', 'registry'];

export type ChangeRequest =
  | { kind: 'PUBLISH'; name: string; url: string; sdl: string | null }
  | { kind: 'REMOVE'; name: string }
  | { kind: 'ROLLBACK'; version: number };

export interface ChangeOptions {
  force: boolean;
  dryRun: boolean;
  /** Operations seen within this many days must keep validating. */
  operationWindowDays: number;
  /** Reads a subgraph's SDL from its URL (`_service { sdl }`) when none is given. */
  fetchSdl(url: string): Promise<string>;
}

export interface ChangeResult {
  accepted: boolean;
  dryRun: boolean;
  forced: boolean;
  version: SupergraphVersionRow | null;
  problems: CheckProblem[];
}

const NAME = /^[a-z][a-z0-9_]{1,31}$/;

function authorise(caller: Caller, request: ChangeRequest, force: boolean): void {
  if (force && caller.role !== 'CREDIT_OFFICE') throw forbidden('registry.force: only the credit office may force a change past breaking-change and operation checks', { rule: 'registry.force' });
  if (caller.role === 'CREDIT_OFFICE') return;
  if (request.kind === 'ROLLBACK') throw forbidden('registry.rollback: only the credit office may roll back', { rule: 'registry.rollback' });
  if (caller.role !== 'DEPARTMENT' || caller.department !== request.name || PROTECTED.includes(request.name)) {
    throw forbidden(`registry.publish: a department publishes only under its own name; ${caller.clientId} may not change ${request.name}`, { rule: 'registry.publish' });
  }
}

async function proposedMembers(request: ChangeRequest, current: Member[], store: RegistryStore, options: ChangeOptions): Promise<{ members: Member[]; problems: CheckProblem[] }> {
  switch (request.kind) {
    case 'PUBLISH': {
      if (!NAME.test(request.name)) throw badInput(`subgraph name ${JSON.stringify(request.name)} is not valid: expected 2 to 32 lower-case letters, digits and underscores, starting with a letter`);
      if (!/^https?:\/\/[^\s]+$/.test(request.url)) throw badInput(`url ${JSON.stringify(request.url)} is not valid: expected http(s)://host:port/path`);
      const sdl = request.sdl ?? (await options.fetchSdl(request.url));
      const parsing = parseProblem(request.name, sdl);
      const members = [...current.filter((m) => m.name !== request.name), { name: request.name, url: request.url, sdl }];
      return { members, problems: parsing ? [parsing] : [] };
    }
    case 'REMOVE': {
      if (PROTECTED.includes(request.name)) throw badInput(`subgraph ${request.name} cannot be removed: the platform needs it`);
      if (!current.some((m) => m.name === request.name)) throw badInput(`subgraph ${JSON.stringify(request.name)} is not registered: registered are ${current.map((m) => m.name).join(', ')}`);
      return { members: current.filter((m) => m.name !== request.name), problems: [] };
    }
    case 'ROLLBACK': {
      const target = await store.version(request.version);
      if (!target) throw badInput(`version ${request.version} does not exist`);
      return { members: (await store.members(target)).map(({ name, url, sdl }) => ({ name, url, sdl })), problems: [] };
    }
  }
}

function changeProblems(request: ChangeRequest, current: Member[], members: Member[], latest: SupergraphVersionRow, supergraphSdl: string): CheckProblem[] {
  if (request.kind === 'PUBLISH') {
    const previous = current.find((m) => m.name === request.name);
    return previous ? breakingChanges(request.name, previous.sdl, members.find((m) => m.name === request.name)!.sdl) : [];
  }
  // Withdrawing a subgraph removes its fields by definition: what decides is whether a client
  // still uses them, which the operation check answers (so a department can withdraw its own).
  if (request.kind === 'REMOVE') return [];
  // Rollback: what clients lose, judged on the schema they see.
  return findBreakingChanges(apiSchema(latest.supergraph_sdl), apiSchema(supergraphSdl)).map((c) => ({
    check: 'BREAKING_CHANGE' as const,
    subgraph: null,
    message: `${c.type}: ${c.description}`,
    locations: [],
    operations: [],
  }));
}

/**
 * Whether an operation goes with a withdrawn subgraph and does not hold its withdrawal back: the
 * withdrawing department's own (its record publications, say) and the push relay's outbox reads.
 */
function ownOperation(caller: Caller, request: ChangeRequest, op: { client_id: string; operation_name: string | null }): boolean {
  if (request.kind !== 'REMOVE') return false;
  // The push relay reads every registered department's outbox and stops by itself once one is withdrawn.
  if (op.operation_name === RELAY_OPERATION) return true;
  return caller.role === 'DEPARTMENT' && caller.department === request.name && op.client_id === caller.clientId;
}

/**
 * The operations seen since `since` that a change could break: those that still validate against
 * the version served now. One that no longer does (it used a subgraph withdrawn since, say) is
 * broken already, whatever the change, and must not block every later publication for days.
 */
async function operationsThatValidateNow(
  store: RegistryStore,
  since: string,
  latest: SupergraphVersionRow,
  keep: (op: ObservedOperationRow) => boolean,
): Promise<ObservedOperationRow[]> {
  const seen = (await store.operationsSince(since)).filter(keep);
  const brokenNow = new Set(operationProblems(latest.supergraph_sdl, seen).flatMap((p) => p.operations.map((o) => o.signature)));
  return seen.filter((op) => !brokenNow.has(op.signature));
}

/** The operation name the push relay reads outboxes with (subgraphs/platform/push/relay.ts). */
const RELAY_OPERATION = 'RelayEvents';

/**
 * Checks a change to the set of subgraphs and, if it passes (or the credit office forces it past
 * breaking-change and operation checks) and it is not a dry run, appends it as a new supergraph
 * version. Parse and composition failures can never be forced.
 */
export async function proposeChange(store: RegistryStore, caller: Caller, request: ChangeRequest, options: ChangeOptions): Promise<ChangeResult> {
  authorise(caller, request, options.force);
  for (let attempt = 0; ; attempt++) {
    const latest = await store.latest();
    if (!latest) throw new Error('the registry is empty: it is bootstrapped when the registry or a gateway starts');
    const current = (await store.members(latest)).map(({ name, url, sdl }) => ({ name, url, sdl }));
    const { members, problems } = await proposedMembers(request, current, store, options);
    if (problems.length > 0) return { accepted: false, dryRun: options.dryRun, forced: false, version: null, problems };
    if (request.kind === 'PUBLISH') {
      const same = current.find((m) => m.name === request.name);
      const next = members.find((m) => m.name === request.name)!;
      if (same && same.sdl === next.sdl && same.url === next.url) return { accepted: true, dryRun: options.dryRun, forced: false, version: latest, problems: [] };
    }
    const composed = compose(withCreditSources(members));
    if ('problems' in composed) return { accepted: false, dryRun: options.dryRun, forced: false, version: null, problems: composed.problems };
    const since = new Date(Date.now() - options.operationWindowDays * 86_400_000).toISOString();
    const found = [
      ...changeProblems(request, current, members, latest, composed.supergraphSdl),
      ...operationProblems(composed.supergraphSdl, await operationsThatValidateNow(store, since, latest, (op) => !ownOperation(caller, request, op))),
    ];
    const forced = found.length > 0 && options.force;
    if (found.length > 0 && !forced) return { accepted: false, dryRun: options.dryRun, forced: false, version: null, problems: found };
    if (options.dryRun) return { accepted: true, dryRun: true, forced, version: null, problems: found };
    try {
      const version = await store.append(latest.version, members, composed.supergraphSdl, {
        action: request.kind,
        subgraph: request.kind === 'ROLLBACK' ? null : request.name,
        rollbackOf: request.kind === 'ROLLBACK' ? request.version : null,
        forced,
        by: caller.clientId,
        actor: actorOf(caller),
      });
      return { accepted: true, dryRun: false, forced, version, problems: found };
    } catch (err) {
      if (err instanceof StaleVersion && attempt < 3) continue;
      throw err;
    }
  }
}
