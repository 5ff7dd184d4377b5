/**
 * One request of a scenario before any load, through the gateway and by the floor: each answer
 * must pass the rules of answers.ts, and the floor's data, cut to the client's query, must equal
 * the gateway's answer (check ids aside: every check is stored under a new one). A wrong answer
 * fails the bench at once, with the answer in the message.
 */
import type { PlanNode } from '@apollo/query-planner';
import { Kind, parse, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';
import { checkData, isWrong, type AnswerRules, type Tally } from './answers.js';
import type { PlanExecutor } from './plan-executor.js';

type Json = Record<string, any>;

export interface ProbeRequest {
  url: string;
  token: string;
  query: string;
  variables: Json;
  expect: string[];
  rules: AnswerRules;
  signal: AbortSignal;
}

export interface ProbeOutcome {
  tally: Tally;
  /** Subgraph fetches the floor made for the request. */
  floorFetches: number;
}

export async function probe(request: ProbeRequest, plan: PlanNode, executor: PlanExecutor): Promise<ProbeOutcome> {
  const gateway = await viaGateway(request);
  const execution = await executor.execute(plan, request.variables);
  if (execution.errors.length > 0) throw new Error(`probe (floor): ${execution.errors.join('; ')}`);
  const floorWrong = checkData(execution.data, request.expect, request.rules);
  if (isWrong(floorWrong)) throw new Error(`probe (floor): ${floorWrong.reason}: ${floorWrong.detail}`);
  const selection = (parse(request.query).definitions[0] as OperationDefinitionNode).selectionSet;
  const difference = firstDifference(withoutCheckIds(gateway.data), withoutCheckIds(project(execution.data, selection)), 'data');
  if (difference) throw new Error(`probe: the floor's answer differs from the gateway's at ${difference}`);
  return { tally: gateway.tally, floorFetches: execution.fetches };
}

async function viaGateway(request: ProbeRequest): Promise<{ data: Json; tally: Tally }> {
  const res = await fetch(request.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${request.token}` },
    body: JSON.stringify({ query: request.query, variables: request.variables }),
    signal: AbortSignal.any([request.signal, AbortSignal.timeout(60_000)]),
  });
  const text = await res.text();
  let body: Json;
  try {
    body = JSON.parse(text) as Json;
  } catch {
    throw new Error(`probe: HTTP ${res.status}, not JSON: ${text.slice(0, 500)}`);
  }
  if (res.status !== 200 || body.errors?.length) throw new Error(`probe: HTTP ${res.status}: ${text.slice(0, 1000)}`);
  const outcome = checkData(body.data, request.expect, request.rules);
  if (isWrong(outcome)) throw new Error(`probe: ${outcome.reason}: ${outcome.detail}`);
  return { data: body.data as Json, tally: outcome };
}

/** The fields of `value` the selection asks for, in its order (the queries here use no fragments). */
function project(value: unknown, selectionSet: SelectionSetNode): unknown {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return value.map((element) => project(element, selectionSet));
  const out: Json = {};
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      const key = selection.alias?.value ?? selection.name.value;
      const field = (value as Json)[key];
      out[key] = selection.selectionSet ? project(field, selection.selectionSet) : (field ?? null);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      Object.assign(out, project(value, selection.selectionSet));
    }
  }
  return out;
}

function withoutCheckIds(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutCheckIds);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, k === 'checkId' ? typeof v : withoutCheckIds(v)]));
}

/** The path of the first difference between two JSON values, or null when they are equal. */
function firstDifference(a: unknown, b: unknown, path: string): string | null {
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return `${path} (${a.length} items through the gateway, ${b.length} by the floor)`;
    for (let i = 0; i < a.length; i++) {
      const d = firstDifference(a[i], b[i], `${path}[${i}]`);
      if (d) return d;
    }
    return null;
  }
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) {
      const d = firstDifference((a as Json)[k], (b as Json)[k], `${path}.${k}`);
      if (d) return d;
    }
    return null;
  }
  return a === b ? null : `${path}: ${JSON.stringify(a)?.slice(0, 200)} through the gateway, ${JSON.stringify(b)?.slice(0, 200)} by the floor`;
}
