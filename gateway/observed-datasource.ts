import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { ErrorCode } from '../subgraphs/kit/errors.js';
import type { Logger } from '../subgraphs/kit/logger.js';
import type { RecentSourceErrors } from './source-errors.js';
import type { GatewayContext } from './subgraph-datasource.js';

/** What went wrong in one subgraph fetch, as far as the gateway can tell from the answer. */
export interface FetchFailure {
  code: string;
  message: string;
}

/** Told about every subgraph fetch once it has finished. */
export interface FetchObserver {
  fetched(source: string, seconds: number, failures: readonly FetchFailure[], requestId: string | null, clientId?: string | null): void;
}

/** Times every fetch in `metrics`, and keeps and logs each failure with its request id. */
export function reportFetches(metrics: FetchObserver, errors: RecentSourceErrors, log: Logger): FetchObserver {
  return {
    fetched(source, seconds, failures, requestId, clientId = null) {
      metrics.fetched(source, seconds, failures, requestId, clientId);
      for (const f of failures) {
        errors.add({ at: new Date().toISOString(), source, code: f.code, message: f.message, requestId, clientId });
        log.warn(`source ${source} failed: ${f.message}`, { requestId, clientId, source, code: f.code });
      }
    },
  };
}

/**
 * Codes that mean the client asked for something it may not have: the source itself is fine.
 * UNAUTHENTICATED is not among them: the gateway authenticated the client, so a subgraph refusing
 * the gateway's request is a fault between the two (a signing secret that differs, say).
 */
const CLIENT_ERROR_CODES = new Set<string>([ErrorCode.BadUserInput, ErrorCode.Forbidden, ErrorCode.NotFound, ErrorCode.Conflict]);

/**
 * Wraps the data source of one subgraph to time each fetch and report its failures: a source that
 * could not answer (the wrapped SubgraphDataSource answers SOURCE_UNAVAILABLE naming it) and any
 * error the source answered that is not a refusal of the client's request. The answer itself is
 * passed through untouched.
 */
export class ObservedDataSource implements GraphQLDataSource<GatewayContext> {
  constructor(
    readonly name: string,
    private readonly inner: GraphQLDataSource<GatewayContext>,
    private readonly observer: FetchObserver,
  ) {}

  async process(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<GatewayGraphQLResponse> {
    const started = performance.now();
    const context = options.context as Partial<GatewayContext> | undefined;
    const requestId = context?.requestId ?? null;
    const clientId = context?.caller?.clientId ?? null;
    let response: GatewayGraphQLResponse;
    try {
      response = await this.inner.process(options);
    } catch (err) {
      this.observer.fetched(this.name, (performance.now() - started) / 1000, [{ code: ErrorCode.Internal, message: (err as Error).message }], requestId, clientId);
      throw err;
    }
    const failures = (response.errors ?? [])
      .map((e) => ({ code: String(e.extensions?.code ?? ErrorCode.Internal), message: e.message }))
      .filter((f) => !CLIENT_ERROR_CODES.has(f.code));
    this.observer.fetched(this.name, (performance.now() - started) / 1000, failures, requestId, clientId);
    return response;
  }
}
