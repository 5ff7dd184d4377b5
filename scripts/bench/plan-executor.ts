/**
 * The floor's engine: follows a gateway query plan (from query-plans.ts) with nothing else around
 * it — no parsing or validation of a client operation, no plan cache, no result shaping, no
 * Apollo Server. It mirrors what @apollo/gateway's executeQueryPlan does with the plan: the same
 * operations and `operationName`s, variables picked from `variableUsages`, representations cut
 * from the entities at the `Flatten` path by the fetch's `requires` (no deduplication, entities
 * without `__typename` skipped, a fetch with no representation not sent), `_entities` merged
 * back in order; `Sequence` awaits, `Parallel` starts every branch at once. It talks to the
 * subgraphs as gateway/subgraph-datasource.ts does: an undici Pool per subgraph (keep-alive,
 * pipelining 1), the same headers (caller, `x-request-id` per incoming request, the request
 * signature over each body unless the subgraphs do not check it), the same timeout.
 * Unlike the gateway it makes no answer for a client: the merged data is the result.
 */
import { randomUUID } from 'node:crypto';
import type { FetchNode, PlanNode, QueryPlanSelectionNode, ResponsePath } from '@apollo/query-planner';
import { Pool } from 'undici';
import { signRequest } from '../../subgraphs/kit/request-signing.js';

type Json = Record<string, any>;

export interface PlanExecutorOptions {
  /** GraphQL endpoint of each subgraph, by name. */
  urls: Record<string, string>;
  /** The caller headers the gateway forwards for the client (subgraphs/kit/caller.ts). */
  callerHeaders: Record<string, string>;
  /** A fetch not answered by then fails (the gateway's SUBGRAPH_TIMEOUT_MS). */
  timeoutMs: number;
  /** Keep-alive connections per subgraph (the gateway's SUBGRAPH_CONNECTIONS). */
  connections: number;
  /**
   * The secret the gateway signs its subgraph requests with (subgraphs refuse unsigned ones), or
   * null not to sign, when the subgraphs do not ask for signatures (REQUIRE_GATEWAY_SIGNATURE=false).
   */
  signingSecret: string | null;
}

export interface Execution {
  /** The merged data of every fetch, shaped like the gateway's result before it is cut to the query. */
  data: Json;
  /** What went wrong, one line per failed fetch: `service: reason`. */
  errors: string[];
  /** Fetches sent. */
  fetches: number;
}

interface Run {
  variables: Json;
  headers: Record<string, string>;
  errors: string[];
  fetches: number;
}

export class PlanExecutor {
  private readonly targets = new Map<string, { pool: Pool; path: string }>();

  constructor(private readonly options: PlanExecutorOptions) {
    for (const [name, raw] of Object.entries(options.urls)) {
      const url = new URL(raw);
      const pool = new Pool(url.origin, { connections: options.connections, pipelining: 1, keepAliveTimeout: 60_000, connectTimeout: options.timeoutMs });
      this.targets.set(name, { pool, path: url.pathname + url.search });
    }
  }

  /** Executes a plan for one request's variables. Never throws for a failed fetch: see `errors`. */
  async execute(plan: PlanNode, variables: Json): Promise<Execution> {
    const run: Run = {
      variables,
      headers: { 'content-type': 'application/json', accept: 'application/json', ...this.options.callerHeaders, 'x-request-id': randomUUID() },
      errors: [],
      fetches: 0,
    };
    const data: Json = Object.create(null);
    await this.node(run, plan, data);
    return { data, errors: run.errors, fetches: run.fetches };
  }

  async close(): Promise<void> {
    await Promise.all([...this.targets.values()].map((t) => t.pool.close()));
  }

  private async node(run: Run, node: PlanNode, cursor: unknown): Promise<void> {
    if (!cursor) return;
    switch (node.kind) {
      case 'Sequence':
        for (const child of node.nodes) await this.node(run, child, cursor);
        return;
      case 'Parallel':
        await Promise.all(node.nodes.map((child) => this.node(run, child, cursor)));
        return;
      case 'Flatten':
        return this.node(run, node.node, flatten(cursor, node.path, 0));
      case 'Fetch':
        return this.fetch(run, node, cursor);
      default:
        throw new Error(`the floor does not execute ${node.kind} nodes`);
    }
  }

  private async fetch(run: Run, node: FetchNode, cursor: unknown): Promise<void> {
    const entities = (Array.isArray(cursor) ? cursor.filter((e) => e !== null && e !== undefined) : [cursor]) as Json[];
    if (entities.length === 0) return;
    const variables: Json = Object.create(null);
    for (const name of node.variableUsages ?? []) {
      if (Object.hasOwn(run.variables, name) && run.variables[name] !== undefined) variables[name] = run.variables[name];
    }
    if (!node.requires) {
      const data = await this.send(run, node, variables);
      if (data) for (const entity of entities) deepMerge(entity, data);
      return;
    }
    const representations: Json[] = [];
    const targets: Json[] = [];
    for (const entity of entities) {
      const representation = select(entity, node.requires);
      if (representation?.__typename) {
        representations.push(representation);
        targets.push(entity);
      }
    }
    if (representations.length === 0) return;
    const data = await this.send(run, node, { ...variables, representations });
    if (!data) return;
    const received = data._entities;
    if (!Array.isArray(received) || received.length !== representations.length) {
      run.errors.push(`${node.serviceName}: ${Array.isArray(received) ? received.length : 'no'} entities for ${representations.length} representations`);
      return;
    }
    for (let i = 0; i < received.length; i++) {
      const entity = received[i] as Json | null;
      if (entity && !entity.__typename) entity.__typename = targets[i]!.__typename;
      deepMerge(targets[i]!, entity);
    }
  }

  /** One subgraph request; its `data`, or null when it failed (the reason is in `run.errors`). */
  private async send(run: Run, node: FetchNode, variables: Json): Promise<Json | null> {
    const target = this.targets.get(node.serviceName);
    if (!target) throw new Error(`no URL for subgraph ${node.serviceName}`);
    run.fetches++;
    const body = JSON.stringify({ query: node.operation, variables, operationName: node.operationName });
    const secret = this.options.signingSecret;
    const headers = secret === null ? run.headers : { ...run.headers, ...signRequest(secret, node.serviceName, 'POST', target.path, run.headers, body) };
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.options.timeoutMs);
    let status: number;
    let text: string;
    try {
      const response = await target.pool.request({ path: target.path, method: 'POST', headers, body, signal: controller.signal });
      status = response.statusCode;
      text = await response.body.text();
    } catch (err) {
      const e = err as { name?: string; code?: string; message?: string };
      const aborted = e.name === 'AbortError' || e.code === 'UND_ERR_ABORTED';
      run.errors.push(`${node.serviceName}: ${aborted ? `no answer within ${this.options.timeoutMs} ms` : (e.code ?? e.message ?? 'failed')}`);
      return null;
    } finally {
      clearTimeout(timer);
    }
    let parsed: Json;
    try {
      parsed = JSON.parse(text) as Json;
    } catch {
      run.errors.push(`${node.serviceName}: HTTP ${status}, body is not JSON`);
      return null;
    }
    if (status !== 200) run.errors.push(`${node.serviceName}: HTTP ${status}`);
    if (Array.isArray(parsed?.errors) && parsed.errors.length > 0) {
      const first = parsed.errors[0] as Json;
      run.errors.push(`${node.serviceName}: ${first?.extensions?.code ?? 'error'}: ${first?.message}`);
    }
    return (parsed?.data as Json | null | undefined) ?? null;
  }
}

/** The values at a response path; `@` steps into every element of a list (flattened). */
function flatten(value: unknown, path: ResponsePath, i: number): unknown {
  if (i === path.length || value === undefined || value === null) return value;
  const key = path[i]!;
  if (key === '@') return Array.isArray(value) ? value.flatMap((element) => flatten(element, path, i + 1)) : [];
  return flatten((value as Json)[key], path, i + 1);
}

/** A representation: the fields of `selections` taken from an entity; null if one is missing. */
function select(source: Json | null, selections: readonly QueryPlanSelectionNode[]): Json | null {
  if (source === null) return null;
  const result: Json = Object.create(null);
  for (const selection of selections) {
    if (selection.kind === 'Field') {
      const key = selection.alias ?? selection.name;
      const value = source[key];
      if (!Object.hasOwn(source, key) || value === undefined) return null;
      const sub = selection.selections;
      if (Array.isArray(value)) result[key] = sub ? value.map((element: Json | null) => select(element, sub)) : value;
      else result[key] = sub ? select(value as Json | null, sub) : value;
    } else if (selection.typeCondition && source.__typename === selection.typeCondition) {
      deepMerge(result, select(source, selection.selections));
    }
  }
  return result;
}

/** Merges `source` into `target` as the gateway does: objects key by key, lists of equal length element by element. */
function deepMerge(target: Json, source: Json | null | undefined): Json {
  if (source === undefined || source === null) return target;
  for (const key of Object.keys(source)) {
    const value = source[key];
    if (value === undefined) continue;
    const existing = target[key];
    if (existing && isObject(value)) deepMerge(existing as Json, value);
    else if (Array.isArray(value) && Array.isArray(existing) && value.length === existing.length) {
      for (let i = 0; i < value.length; i++) {
        if (isObject(existing[i]) && isObject(value[i])) deepMerge(existing[i] as Json, value[i] as Json);
        else existing[i] = value[i];
      }
    } else target[key] = value;
  }
  return target;
}

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
