/**
 * One request of a scenario before any load, by the floor and through every gateway measured:
 * each answer must pass the rules of answers.ts, and the floor's data, cut to the client's query,
 * must equal each gateway's answer (check ids aside: every check is stored under a new one) — so
 * our gateway and Hive Gateway give the same verdicts. A publication is sent with the same
 * decision number everywhere: the first one writes the record, the others find it and must
 * answer the same. A wrong answer fails the bench at once, with the answer in the message.
 */
import type { PlanNode } from '@apollo/query-planner';
import { Kind, parse, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';
import { checkData, checkPublication, isWrong, type AnswerRules, type NextRequest, type Tally, type Wrong } from './answers.js';
import type { PlanExecutor } from './plan-executor.js';
import { maskSubjectId } from '../../subgraphs/kit/identifiers.js';

type Json = Record<string, any>;

/** A gateway to probe: its endpoint and the headers a client sends it (its key, and caller headers for Hive Gateway). */
export interface ProbeTarget {
  name: string;
  url: string;
  headers: Record<string, string>;
  /** A wrong answer from this target is reported in `wrong` instead of failing the probe (another product's gateway). */
  tolerate?: boolean;
}

export interface ProbeRequest {
  targets: readonly ProbeTarget[];
  query: string;
  request: NextRequest;
  rules: AnswerRules;
  signal: AbortSignal;
}

export interface ProbeOutcome {
  tally: Tally | null;
  /** Subgraph fetches the floor made for the request. */
  floorFetches: number;
  /** Targets that answered wrongly or differently (tolerated ones only), with why. */
  wrong: { target: string; reason: string }[];
}

function judge(data: Json | null | undefined, request: ProbeRequest): Wrong | Tally | null {
  const { expect, decisionNo } = request.request;
  if (decisionNo !== undefined) return checkPublication(data, { subjectId: expect[0]!, decisionNo });
  return checkData(data, expect, request.rules);
}

export async function probe(request: ProbeRequest, plan: PlanNode, executor: PlanExecutor): Promise<ProbeOutcome> {
  const execution = await executor.execute(plan, request.request.variables);
  if (execution.errors.length > 0) throw new Error(`probe (floor): ${execution.errors.join('; ')}`);
  const floorOutcome = judge(execution.data, request);
  if (floorOutcome && isWrong(floorOutcome)) throw new Error(`probe (floor): ${floorOutcome.reason}: ${floorOutcome.detail}`);
  const selection = (parse(request.query).definitions[0] as OperationDefinitionNode).selectionSet;
  const floorData = withoutCheckIds(project(execution.data, selection));
  const wrong: ProbeOutcome['wrong'] = [];
  for (const target of request.targets) {
    try {
      const data = await viaGateway(target, request);
      const difference = firstDifference(withoutCheckIds(data), floorData, 'data');
      if (difference) throw new Error(`probe: the answer of ${target.name} differs from the floor's at ${difference}`);
    } catch (err) {
      if (!target.tolerate || request.signal.aborted) throw err;
      wrong.push({ target: target.name, reason: (err as Error).message });
    }
  }
  return { tally: floorOutcome as Tally | null, floorFetches: execution.fetches, wrong };
}

async function viaGateway(target: ProbeTarget, request: ProbeRequest): Promise<Json> {
  const res = await fetch(target.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...target.headers },
    body: JSON.stringify({ query: request.query, variables: request.request.variables }),
    signal: AbortSignal.any([request.signal, AbortSignal.timeout(60_000)]),
  });
  const text = await res.text();
  let body: Json;
  try {
    body = JSON.parse(text) as Json;
  } catch {
    throw new Error(`probe (${target.name}): HTTP ${res.status}, not JSON: ${text.slice(0, 500)}`);
  }
  if (res.status !== 200 || body.errors?.length) throw new Error(`probe (${target.name}): HTTP ${res.status}: ${text.slice(0, 1000)}`);
  const outcome = judge(body.data, request);
  if (outcome && isWrong(outcome)) throw new Error(`probe (${target.name}): ${outcome.reason}: ${outcome.detail}`);
  return body.data as Json;
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

/** A text with every resident identity number in it masked: a gateway may mask them for some roles, the floor does not. */
function masked(text: string): string {
  return text.replace(/(?<![0-9A-Z])[0-9]{17}[0-9X](?![0-9A-Z])/g, (candidate) => maskSubjectId(candidate));
}

/** The path of the first difference between two JSON values (identity numbers masked or not), or null when they are equal. */
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
  if (typeof a === 'string' && typeof b === 'string' && masked(a) === masked(b)) return null;
  return a === b ? null : `${path}: ${JSON.stringify(a)?.slice(0, 200)} through the gateway, ${JSON.stringify(b)?.slice(0, 200)} by the floor`;
}
