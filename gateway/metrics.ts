import type { ApolloServerPlugin } from '@apollo/server';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { checkVerdicts } from './check-verdicts.js';
import { knownOperationNames } from './operation-labels.js';
import type { FetchFailure, FetchObserver } from './observed-datasource.js';
import type { GatewayContext } from './subgraph-datasource.js';

const PREFIX = 'credit_gateway_';
const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * The gateway's Prometheus metrics, on a registry of its own (several gateways may live in one
 * process, as in the tests): GraphQL requests by operation and client with their latency,
 * subgraph fetch latency and failures by source, check verdicts by matter, rate-limit refusals,
 * HTTP responses by route and status, subgraph health and the supergraph version, and Node's
 * process metrics. Label values are bounded: an operation name is a label only when it is one of the
 * known operations (gateway/operation-labels.ts), else `other` (`anonymous` without a name).
 */
export class GatewayMetrics implements FetchObserver {
  readonly registry = new Registry();

  private readonly requests = new Counter({
    name: `${PREFIX}graphql_requests_total`,
    help: 'GraphQL requests answered, by operation name, client and outcome (ok, partial: data with errors, error: no data).',
    labelNames: ['operation', 'client', 'outcome'] as const,
    registers: [this.registry],
  });
  private readonly requestSeconds = new Histogram({
    name: `${PREFIX}graphql_request_duration_seconds`,
    help: 'Time from the start of GraphQL processing to the response, by operation name and client.',
    labelNames: ['operation', 'client'] as const,
    buckets: SECONDS,
    registers: [this.registry],
  });
  private readonly fetchSeconds = new Histogram({
    name: `${PREFIX}subgraph_fetch_duration_seconds`,
    help: 'Duration of the fetches the gateway sends to each subgraph (source), failed ones included.',
    labelNames: ['subgraph'] as const,
    buckets: SECONDS,
    registers: [this.registry],
  });
  private readonly fetchErrors = new Counter({
    name: `${PREFIX}subgraph_errors_total`,
    help: 'Subgraph errors by source and code: SOURCE_UNAVAILABLE when it did not answer usably, else the code it answered (client refusals excluded).',
    labelNames: ['subgraph', 'code'] as const,
    registers: [this.registry],
  });
  private readonly verdicts = new Counter({
    name: `${PREFIX}credit_checks_total`,
    help: 'Checks before approval answered through the gateway, by matter and verdict.',
    labelNames: ['matter', 'verdict'] as const,
    registers: [this.registry],
  });
  private readonly refusals = new Counter({
    name: `${PREFIX}rate_limited_total`,
    help: 'Requests refused with HTTP 429 by a rate limit, by endpoint.',
    labelNames: ['endpoint'] as const,
    registers: [this.registry],
  });
  private readonly responses = new Counter({
    name: `${PREFIX}http_responses_total`,
    help: 'HTTP responses by route and status code.',
    labelNames: ['route', 'status'] as const,
    registers: [this.registry],
  });
  private readonly subgraphUp = new Gauge({
    name: `${PREFIX}subgraph_up`,
    help: 'Whether the subgraph answered its readiness probe the last time it was probed (1) or not (0).',
    labelNames: ['subgraph'] as const,
    registers: [this.registry],
  });

  /**
   * `supergraphVersion`: the registry version served now (0 when serving a file); `clientsReadAt`:
   * when the clients in use were read from the database (epoch ms, 0 when configured); both read at each scrape.
   */
  constructor(
    supergraphVersion: () => number,
    clientsReadAt: () => number = () => 0,
    private readonly operations: ReadonlySet<string> = knownOperationNames(),
  ) {
    new Gauge({
      name: `${PREFIX}supergraph_version`,
      help: 'The registry version of the supergraph served (0 when serving a file).',
      registers: [this.registry],
      collect() {
        this.set(supergraphVersion());
      },
    });
    new Gauge({
      name: `${PREFIX}clients_read_timestamp_seconds`,
      help: 'When the API clients in use were read from the registry database (0 when they come from the configuration): an old value means refreshes fail.',
      registers: [this.registry],
      collect() {
        this.set(clientsReadAt() / 1000);
      },
    });
    collectDefaultMetrics({ register: this.registry, prefix: PREFIX });
  }

  /** Counts every GraphQL request, and every check verdict it answered, when the response is sent. */
  plugin(): ApolloServerPlugin<GatewayContext> {
    return {
      requestDidStart: async () => {
        const started = performance.now();
        return {
          willSendResponse: async ({ response, contextValue, operationName, request, document, operation }) => {
            const labels = { operation: this.operationLabel(operationName ?? request.operationName), client: contextValue.caller?.clientId ?? 'unknown' };
            const result = response.body.kind === 'single' ? response.body.singleResult : null;
            const data = result?.data;
            const outcome = !result?.errors?.length ? 'ok' : data ? 'partial' : 'error';
            this.requests.inc({ ...labels, outcome });
            this.requestSeconds.observe(labels, (performance.now() - started) / 1000);
            if (data && document && operation) {
              for (const { matter, verdict } of checkVerdicts(document, operation, data, request.variables)) this.verdicts.inc({ matter, verdict });
            }
          },
        };
      },
    };
  }

  fetched(source: string, seconds: number, failures: readonly FetchFailure[]): void {
    this.fetchSeconds.observe({ subgraph: source }, seconds);
    for (const f of failures) this.fetchErrors.inc({ subgraph: source, code: f.code });
  }

  rateLimited(endpoint: string): void {
    this.refusals.inc({ endpoint });
  }

  responded(route: string, status: number): void {
    this.responses.inc({ route, status: String(status) });
  }

  probed(subgraph: string, up: boolean): void {
    this.subgraphUp.set({ subgraph }, up ? 1 : 0);
  }

  /** The metrics in Prometheus' text format. */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  private operationLabel(name: string | null | undefined): string {
    if (!name) return 'anonymous';
    return this.operations.has(name) ? name : 'other';
  }
}
