import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { injectTraceContext } from '../subgraphs/kit/tracing.js';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { EventEmitter } from 'node:events';
import { Pool } from 'undici';
import { callerHeaders, CallerHeader, type Caller } from '../subgraphs/kit/caller.js';
import { ErrorCode } from '../subgraphs/kit/errors.js';
import { signRequest } from '../subgraphs/kit/request-signing.js';
import { EntityFallback } from './entity-fallback.js';

/** What the gateway keeps per incoming request and hands to every subgraph fetch. */
export interface GatewayContext {
  caller: Caller;
  requestId: string;
}

export interface SubgraphDataSourceOptions {
  name: string;
  url: string;
  /** A fetch that has not answered by then counts as failed. */
  timeoutMs: number;
  /** Keep-alive connections kept open to the subgraph. */
  connections: number;
  /**
   * Secret the gateway signs every subgraph request with (subgraphs refuse unsigned ones). Null
   * sends unsigned requests: only for measuring what signing costs (scripts/bench/bare-gateway.ts),
   * against subgraphs started with REQUIRE_GATEWAY_SIGNATURE=false.
   */
  signingSecret: string | null;
}

/** A subgraph fetch that did not produce a usable GraphQL answer. */
class SourceFailure extends Error {
  override name = 'SourceFailure';
}

const fallback = new EntityFallback();

const BASE_HEADERS: Readonly<Record<string, string>> = { 'content-type': 'application/json', accept: 'application/json' };
/** The fixed headers and the caller's, per caller (a client's caller is one object for all its requests). */
const callerHeaderCache = new WeakMap<Caller, Readonly<Record<string, string>>>();

/** What is known of a fetch's query text once: its JSON form, whether it fetches entities, whether it is a query (not a mutation). */
interface PreparedQuery {
  json: string;
  entities: boolean;
  query: boolean;
}

/**
 * Header that marks a fetch as storing nothing, so that the proxy in front of the subgraph's
 * replicas may send it again to another replica when the one it reached died before answering
 * (HAProxy's L7 retries in `npm run cluster`, scripts/cluster/haproxy.ts). A fetch is marked when it
 * is a query and the subgraph stores nothing on reads. Never marked: mutations, and every fetch to
 * a subgraph in RECORDS_ON_READS — the platform stores a check for each `creditCheck` with a new
 * check id, and records every natural person a query looks up, so a platform fetch sent twice
 * could be stored twice.
 */
export const READ_ONLY_HEADER = 'x-read-only-fetch';
const RECORDS_ON_READS: ReadonlySet<string> = new Set(['platform']);

/** Query plans send the same few query texts again and again: prepare each once. */
const preparedQueries = new Map<string, PreparedQuery>();

function prepared(query: string): PreparedQuery {
  let entry = preparedQueries.get(query);
  if (!entry) {
    if (preparedQueries.size >= 1000) preparedQueries.clear();
    entry = { json: JSON.stringify(query), entities: query.includes('_entities'), query: /^\s*(\{|query\b)/.test(query) };
    preparedQueries.set(query, entry);
  }
  return entry;
}

/** The request body, with the query's JSON form reused. */
function bodyOf(query: PreparedQuery, variables: Record<string, unknown> | undefined, operationName: string | undefined): string {
  const rest = `${variables === undefined ? '' : `,"variables":${JSON.stringify(variables)}`}${operationName === undefined ? '' : `,"operationName":${JSON.stringify(operationName)}`}`;
  return `{"query":${query.json}${rest}}`;
}

function headersOf(caller: Caller): Readonly<Record<string, string>> {
  let headers = callerHeaderCache.get(caller);
  if (!headers) {
    headers = { ...BASE_HEADERS, ...callerHeaders(caller) };
    callerHeaderCache.set(caller, headers);
  }
  return headers;
}

/**
 * Sends the gateway's fetches to one subgraph over a pool of keep-alive connections, with a
 * timeout. A subgraph that is down, slow past the timeout or answering garbage never makes the
 * gateway drop entities: `_entities` fetches are answered with the requested fields set to null
 * and an error naming the subgraph, so every other source and every `@requires` field still run.
 * A null entity in an answer is an answer, not a failure (see checkEntities).
 */
export class SubgraphDataSource implements GraphQLDataSource<GatewayContext> {
  private readonly pool: Pool;
  private readonly path: string;
  private readonly readsStoreNothing: boolean;

  constructor(private readonly options: SubgraphDataSourceOptions) {
    const url = new URL(options.url);
    this.path = url.pathname + url.search;
    this.readsStoreNothing = !RECORDS_ON_READS.has(options.name);
    this.pool = new Pool(url.origin, {
      connections: options.connections,
      pipelining: 1,
      keepAliveTimeout: 60_000,
      connectTimeout: options.timeoutMs,
    });
  }

  get name(): string {
    return this.options.name;
  }

  async process(request: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<GatewayGraphQLResponse> {
    const { query = '', variables } = request.request;
    const context = request.context as Partial<GatewayContext> | undefined;
    try {
      return await this.send(request.request, context);
    } catch (err) {
      const reason = describeFailure(err, this.options.timeoutMs);
      const error = {
        message: `source ${this.options.name} unavailable: ${reason}`,
        extensions: { code: ErrorCode.SourceUnavailable, serviceName: this.options.name },
      };
      const entities = fallback.placeholders(query, variables?.representations);
      if (entities) return { data: { _entities: entities }, errors: [error as never] };
      return { errors: [error as never] };
    }
  }

  private async send(
    request: GraphQLDataSourceProcessOptions<GatewayContext>['request'],
    context: Partial<GatewayContext> | undefined,
  ): Promise<GatewayGraphQLResponse> {
    const headers: Record<string, string> = context?.caller ? { ...headersOf(context.caller) } : { ...BASE_HEADERS };
    if (context?.requestId) headers[CallerHeader.requestId] = context.requestId;
    injectTraceContext(headers);
    const query = prepared(request.query ?? '');
    const body = bodyOf(query, request.variables, request.operationName);
    if (query.query && this.readsStoreNothing) headers[READ_ONLY_HEADER] = '1';
    if (this.options.signingSecret !== null) Object.assign(headers, signRequest(this.options.signingSecret, this.options.name, 'POST', this.path, headers, body));

    // undici takes an EventEmitter as the signal: lighter than an AbortController per fetch.
    const abort = new EventEmitter();
    const timer = setTimeout(() => abort.emit('abort'), this.options.timeoutMs);
    let text: string;
    let status: number;
    try {
      const response = await this.pool.request({ path: this.path, method: 'POST', headers, body, signal: abort });
      status = response.statusCode;
      text = await response.body.text();
    } finally {
      clearTimeout(timer);
    }
    let parsed: GatewayGraphQLResponse;
    try {
      parsed = JSON.parse(text) as GatewayGraphQLResponse;
    } catch {
      throw new SourceFailure(`HTTP ${status} with a body that is not JSON`);
    }
    if (parsed === null || typeof parsed !== 'object' || (!('data' in parsed) && !Array.isArray(parsed.errors))) {
      throw new SourceFailure(`HTTP ${status} with a body that is not a GraphQL response`);
    }
    const isEntityFetch = query.entities && Array.isArray(request.variables?.representations);
    if (!isEntityFetch) return parsed;
    const representations = request.variables!.representations as unknown[];
    return checkEntities(parsed, representations, () => fallback.placeholders(request.query ?? '', representations));
  }

  async close(): Promise<void> {
    await this.pool.close();
  }
}

/** Errors that are the client's doing: the source answered, and the answer is the refusal. */
const CLIENT_ERROR_CODES = new Set<string>([ErrorCode.BadUserInput, ErrorCode.Forbidden, ErrorCode.NotFound, ErrorCode.Unauthenticated]);

/**
 * An `_entities` answer must be a list with one item per representation, each an object or null;
 * otherwise it is unusable — unless the subgraph refused the request for the client's reasons,
 * which the client must see as such. A null item is the subgraph's answer (the federation spec:
 * it cannot resolve that representation), not a failure of the source: the other entities keep
 * their data and nothing is reported. It is passed on with the fields it was asked for set to null
 * — what a client sees of a null entity anyway — so that fields which `@requires` them (the
 * platform's check) still run for that subject and see the department's part as missing, instead
 * of the gateway dropping the subject from their fetch. Errors the subgraph reported for an item
 * stay in the answer (and are reported as the source's failures by ObservedDataSource).
 */
function checkEntities(response: GatewayGraphQLResponse, representations: unknown[], placeholders: () => Record<string, unknown>[] | null): GatewayGraphQLResponse {
  if (response.errors?.some((e) => CLIENT_ERROR_CODES.has(String(e.extensions?.code)))) return response;
  const entities = (response.data as { _entities?: unknown } | null | undefined)?._entities;
  if (!Array.isArray(entities)) {
    const first = response.errors?.[0]?.message;
    throw new SourceFailure(first ? `the subgraph answered with an error: ${first}` : 'the answer has no _entities');
  }
  if (entities.length !== representations.length) {
    throw new SourceFailure(`the answer has ${entities.length} entities for ${representations.length} representations`);
  }
  const malformed = entities.findIndex((e) => e !== null && (typeof e !== 'object' || Array.isArray(e)));
  if (malformed >= 0) throw new SourceFailure(`entity ${malformed} of the answer is ${JSON.stringify(entities[malformed])?.slice(0, 40)}, not an object or null`);
  if (!entities.includes(null)) return response;
  const stand = placeholders();
  if (!stand) return response;
  return { ...response, data: { ...(response.data as Record<string, unknown>), _entities: entities.map((entity, i) => entity ?? stand[i]) } };
}

function describeFailure(err: unknown, timeoutMs: number): string {
  if (err instanceof SourceFailure) return err.message;
  const e = err as { name?: string; code?: string; message?: string };
  if (e?.name === 'AbortError' || e?.code === 'UND_ERR_ABORTED') return `no answer within ${timeoutMs} ms`;
  if (e?.code === 'UND_ERR_CONNECT_TIMEOUT') return `could not connect within ${timeoutMs} ms`;
  if (e?.code === 'ECONNREFUSED') return 'connection refused';
  if (e?.code === 'ECONNRESET' || e?.code === 'UND_ERR_SOCKET') return 'connection reset';
  return e?.code ?? e?.message ?? 'unknown failure';
}
