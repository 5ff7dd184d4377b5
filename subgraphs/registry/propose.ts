import { findBreakingChanges } from 'graphql';
import { actorOf } from '../kit/audit.js';
import type { Caller } from '../kit/caller.js';
import { badInput, forbidden } from '../kit/errors.js';
import { apiSchema, breakingChanges, compose, operationProblems, parseProblem, policyProblems, type CheckProblem } from './checks.js';
import { withCreditSources } from './credit-sources.js';
import { StaleVersion, type Member, type RegistryStore, type SupergraphVersionRow } from './store.js';
import { checkRoutingUrl, routingUrlPolicyFromEnv } from './routing-urls.js';

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
  /** Reads subgraph `name`'s SDL from its URL (`_service { sdl }`) when none is given; the URL is allowed by then. */
  fetchSdl(name: string, url: string): Promise<string>;
}

export interface ChangeResult {
  accepted: boolean;
  dryRun: boolean;
  forced: boolean;
  /** The change composes into the supergraph already served: nothing to do, no new version. */
  unchanged: boolean;
  version: SupergraphVersionRow | null;
  problems: CheckProblem[];
}

const NAME = /^[a-z][a-z0-9_]{1,31}$/;

function authorise(caller: Caller, request: ChangeRequest, force: boolean): void {
  if (force && caller.role !== 'CREDIT_OFFICE') throw forbidden('registry.force: only the credit office may force a change past breaking-change, operation and access-policy checks', { rule: 'registry.force' });
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
      checkRoutingUrl(request.name, request.url, routingUrlPolicyFromEnv());
      const sdl = request.sdl ?? (await options.fetchSdl(request.name, request.url));
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

/** The operation name the push relay reads outboxes with (subgraphs/platform/push/relay.ts). */
const RELAY_OPERATION = 'RelayEvents';

/**
 * Checks a change to the set of subgraphs and, if it passes (or the credit office forces it past
 * breaking-change, operation and access-policy checks) and it is not a dry run, appends it as a new supergraph
 * version. Parse and composition failures can never be forced.
 */
export async function proposeChange(store: RegistryStore, caller: Caller, request: ChangeRequest, options: ChangeOptions): Promise<ChangeResult> {
  authorise(caller, request, options.force);
  for (let attempt = 0; ; attempt++) {
    const latest = await store.latest();
    if (!latest) throw new Error('the registry is empty: it is bootstrapped when the registry or a gateway starts');
    const current = (await store.members(latest)).map(({ name, url, sdl }) => ({ name, url, sdl }));
    const { members, problems } = await proposedMembers(request, current, store, options);
    if (problems.length > 0) return { accepted: false, dryRun: options.dryRun, forced: false, unchanged: false, version: null, problems };
    if (request.kind === 'PUBLISH') {
      const same = current.find((m) => m.name === request.name);
      const next = members.find((m) => m.name === request.name)!;
      if (same && same.sdl === next.sdl && same.url === next.url) return { accepted: true, dryRun: options.dryRun, forced: false, unchanged: true, version: latest, problems: [] };
    }
    const composed = compose(withCreditSources(members));
    if ('problems' in composed) return { accepted: false, dryRun: options.dryRun, forced: false, unchanged: false, version: null, problems: composed.problems };
    // The same supergraph (an SDL read from _service prints differently from the one stored, but
    // composes the same): nothing changes, so there is nothing to check and no new version.
    if (request.kind === 'PUBLISH' && composed.supergraphSdl === latest.supergraph_sdl) return { accepted: true, dryRun: options.dryRun, forced: false, unchanged: true, version: latest, problems: [] };
    const since = new Date(Date.now() - options.operationWindowDays * 86_400_000).toISOString();
    const found = [
      ...changeProblems(request, current, members, latest, composed.supergraphSdl),
      // Operations broken already by the version served now (they used a subgraph withdrawn since,
      // say) are not this change's doing and do not stop it (operationProblems' third argument).
      ...operationProblems(composed.supergraphSdl, (await store.operationsSince(since)).filter((op) => !ownOperation(caller, request, op)), latest.supergraph_sdl),
      ...policyProblems(request.kind === 'ROLLBACK' ? null : request.name, apiSchema(latest.supergraph_sdl), apiSchema(composed.supergraphSdl)),
    ];
    const forced = found.length > 0 && options.force;
    if (found.length > 0 && !forced) return { accepted: false, dryRun: options.dryRun, forced: false, unchanged: false, version: null, problems: found };
    if (options.dryRun) return { accepted: true, dryRun: true, forced, unchanged: false, version: null, problems: found };
    try {
      const version = await store.append(latest.version, members, composed.supergraphSdl, {
        action: request.kind,
        subgraph: request.kind === 'ROLLBACK' ? null : request.name,
        rollbackOf: request.kind === 'ROLLBACK' ? request.version : null,
        forced,
        by: caller.clientId,
        actor: actorOf(caller),
      });
      return { accepted: true, dryRun: false, forced, unchanged: false, version, problems: found };
    } catch (err) {
      if (err instanceof StaleVersion && attempt < 3) continue;
      throw err;
    }
  }
}
