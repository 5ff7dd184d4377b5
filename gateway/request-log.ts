import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApolloServerPlugin } from '@apollo/server';
import type { Logger } from '../subgraphs/kit/logger.js';
import { QUIET_ROUTES, routeOf } from './http-routes.js';
import type { GatewayMetrics } from './metrics.js';
import type { GatewayContext } from './subgraph-datasource.js';

/** What GraphQL execution learnt about a request, for its log line. */
interface GraphQLNote {
  client: string;
  operation: string | null;
  errors: number;
}

/**
 * One log line per request when its response is done — request id, method, route, status,
 * duration, and for GraphQL the client, the operation name and the number of errors (never the
 * query, its variables or any header) — and the HTTP response counts in the metrics. Requests
 * answered fully are logged at `debug` (the push relay alone polls several times a second), those
 * refused or answered with errors at `info`, server failures at `error`. Probes, scrapes and
 * static files are counted but not logged.
 */
export class RequestLog {
  private readonly notes = new Map<string, GraphQLNote>();

  constructor(
    private readonly log: Logger,
    private readonly metrics: GatewayMetrics,
  ) {}

  observe(req: IncomingMessage, res: ServerResponse, requestId: string, pathname: string): void {
    const started = performance.now();
    res.once('close', () => {
      const route = routeOf(pathname);
      const note = this.notes.get(requestId);
      this.notes.delete(requestId);
      this.metrics.responded(route, res.statusCode);
      if (QUIET_ROUTES.has(route)) return;
      const fields = {
        requestId,
        method: req.method,
        route,
        status: res.statusCode,
        ms: Math.round((performance.now() - started) * 10) / 10,
        ...(note ? { client: note.client, operation: note.operation?.slice(0, 100) ?? null, errors: note.errors } : {}),
        ...(res.writableFinished ? {} : { aborted: true }),
      };
      if (res.statusCode >= 500) this.log.error('request', fields);
      else if (res.statusCode >= 400 || (note?.errors ?? 0) > 0) this.log.info('request', fields);
      else this.log.debug('request', fields);
    });
  }

  /** Notes the client, operation name and error count of each GraphQL request for its log line. */
  plugin(): ApolloServerPlugin<GatewayContext> {
    return {
      requestDidStart: async () => ({
        willSendResponse: async ({ contextValue, operationName, request, response }) => {
          const errors = response.body.kind === 'single' ? (response.body.singleResult.errors?.length ?? 0) : 0;
          this.notes.set(contextValue.requestId, { client: contextValue.caller?.clientId ?? 'unknown', operation: operationName ?? request.operationName ?? null, errors });
        },
      }),
    };
  }
}
