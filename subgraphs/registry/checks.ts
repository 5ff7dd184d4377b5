import { Supergraph } from '@apollo/federation-internals';
import { buildSubgraphSchema } from '@apollo/subgraph';
import {
  findBreakingChanges,
  GraphQLError,
  Kind,
  parse,
  specifiedRules,
  validate,
  ValuesOfCorrectTypeRule,
  type DocumentNode,
  type GraphQLSchema,
} from 'graphql';
import { composeSupergraph, CompositionError } from '../../gateway/compose.js';
import { uncoveredFields } from '../kit/policy.js';
import type { Member, ObservedOperationRow } from './store.js';

export type CheckKind = 'PARSE' | 'COMPOSITION' | 'BREAKING_CHANGE' | 'OPERATION' | 'POLICY';

export interface AffectedOperation {
  clientId: string;
  operationName: string | null;
  signature: string;
  lastSeen: string;
}

/** Something that stops a change, said so that the department can act on it. */
export interface CheckProblem {
  check: CheckKind;
  subgraph: string | null;
  message: string;
  locations: string[];
  operations: AffectedOperation[];
}

export function parseProblem(name: string, sdl: string): CheckProblem | null {
  try {
    parse(sdl);
    return null;
  } catch (err) {
    const e = err as GraphQLError;
    return {
      check: 'PARSE',
      subgraph: name,
      message: `the SDL of ${name} does not parse: ${e.message}`,
      locations: (e.locations ?? []).map((l) => `${l.line}:${l.column}`),
      operations: [],
    };
  }
}

/** Composes the members, or returns the composition errors as problems. */
export function compose(members: readonly Member[]): { supergraphSdl: string } | { problems: CheckProblem[] } {
  try {
    return { supergraphSdl: composeSupergraph(members) };
  } catch (err) {
    if (!(err instanceof CompositionError)) throw err;
    return {
      problems: err.messages.map((message) => ({
        check: 'COMPOSITION' as const,
        subgraph: null,
        message,
        locations: [...message.matchAll(/(\d+:\d+)/g)].map((m) => m[1]!),
        operations: [],
      })),
    };
  }
}

const FEDERATION_FIELDS = new Set(['_entities', '_service']);
const FEDERATION_TYPES = new Set(['_Service', '_Entity', '_Any']);

/**
 * A subgraph's schema for comparison. An SDL read from `_service { sdl }` already carries the
 * federation root fields and types that buildSubgraphSchema adds again, so they are dropped first.
 */
function subgraphSchema(sdl: string): GraphQLSchema {
  const doc = parse(sdl);
  const definitions = doc.definitions
    .filter((d) => !('name' in d && d.name && FEDERATION_TYPES.has(d.name.value)))
    .map((d) =>
      (d.kind === Kind.OBJECT_TYPE_DEFINITION || d.kind === Kind.OBJECT_TYPE_EXTENSION) && d.name.value === 'Query'
        ? { ...d, fields: d.fields?.filter((f) => !FEDERATION_FIELDS.has(f.name.value)) }
        : d,
    );
  return buildSubgraphSchema({ ...doc, definitions });
}

/** Removed or retyped fields and arguments, removed enum values…: graphql-js's own list. */
export function breakingChanges(name: string, previousSdl: string, nextSdl: string): CheckProblem[] {
  return findBreakingChanges(subgraphSchema(previousSdl), subgraphSchema(nextSdl)).map((change) => ({
    check: 'BREAKING_CHANGE' as const,
    subgraph: name,
    message: `${name}: ${change.type}: ${change.description}`,
    locations: [],
    operations: [],
  }));
}

/** The schema clients see, from a supergraph. */
export function apiSchema(supergraphSdl: string): GraphQLSchema {
  return Supergraph.build(supergraphSdl).apiSchema().toGraphQLJSSchema();
}

// Operations are stored with their literal values normalised ("", 0, []), so value checks would only report noise.
const OPERATION_RULES = specifiedRules.filter((rule) => rule !== ValuesOfCorrectTypeRule);

/**
 * Operations seen recently, as their clients sent them (aliases, fragments and variables kept),
 * that would no longer validate against the new supergraph. An operation that does not validate
 * against the supergraph served now either is not this change's doing and does not stop it.
 */
export function operationProblems(supergraphSdl: string, operations: readonly ObservedOperationRow[], currentSupergraphSdl?: string): CheckProblem[] {
  if (operations.length === 0) return [];
  const schema = apiSchema(supergraphSdl);
  let current: GraphQLSchema | undefined;
  const brokenAlready = (doc: DocumentNode): boolean => {
    if (currentSupergraphSdl === undefined) return false;
    current ??= apiSchema(currentSupergraphSdl);
    return validate(current, doc, OPERATION_RULES).length > 0;
  };
  const broken = new Map<string, { errors: Set<string>; ops: AffectedOperation[] }>();
  for (const op of operations) {
    let doc: DocumentNode;
    try {
      doc = parse(op.signature);
    } catch {
      continue;
    }
    const errors = validate(schema, doc, OPERATION_RULES);
    if (errors.length === 0 || brokenAlready(doc)) continue;
    const entry = broken.get(op.signature_hash) ?? { errors: new Set<string>(), ops: [] };
    for (const e of errors) entry.errors.add(e.message);
    entry.ops.push({ clientId: op.client_id, operationName: op.operation_name, signature: op.signature, lastSeen: op.last_seen });
    broken.set(op.signature_hash, entry);
  }
  return [...broken.values()].map(({ errors, ops }) => ({
    check: 'OPERATION' as const,
    subgraph: null,
    message: `operation ${ops[0]!.operationName ?? '(anonymous)'} run by ${[...new Set(ops.map((o) => o.clientId))].join(', ')} would break: ${[...errors].join('; ')}`,
    locations: [],
    operations: ops,
  }));
}

/**
 * Operations the change adds that no access rule covers: they would be refused to every caller
 * (default-deny) the moment the supergraph is served. Fields already uncovered before the change
 * are not blamed on it.
 */
export function policyProblems(subgraph: string | null, previous: GraphQLSchema, next: GraphQLSchema): CheckProblem[] {
  const before = new Set(uncoveredFields(previous).map((u) => u.field));
  const added = uncoveredFields(next).filter((u) => !before.has(u.field));
  if (added.length === 0) return [];
  const fields = added.map((u) => (u.field === u.coordinate ? u.field : `${u.field} (rule key ${u.coordinate})`));
  return [{
    check: 'POLICY' as const,
    subgraph,
    message:
      `no access rule covers ${fields.join(', ')}: every caller would be refused (default-deny). ` +
      `Add a rule for each to the POLICY table in subgraphs/kit/policy.ts (who may call it: roles and any condition; ` +
      `a department's namespace fields are keyed DepartmentQuery.<field> or DepartmentMutation.<field>), ` +
      `deploy the gateway and subgraphs with it, then publish again`,
    locations: [],
    operations: [],
  }];
}
