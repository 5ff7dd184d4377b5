import type { IncomingMessage, ServerResponse } from 'node:http';
import { context, propagation, SpanKind, SpanStatusCode, trace, type Attributes, type Span } from '@opentelemetry/api';
import type { Knex } from 'knex';
import type { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

/**
 * OpenTelemetry traces (the JS SDK, exported over OTLP/HTTP) for every process: started when
 * OTEL_EXPORTER_OTLP_ENDPOINT (or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) is set, and nothing at all
 * otherwise — the SDK is not even loaded, the API answers with its no-op tracer, and the hooks
 * below (resolver and SQL spans) are not installed. The exporter reads the usual OTEL_* settings
 * (headers, timeout); the service name is the process's unless OTEL_SERVICE_NAME says otherwise.
 *
 * Attributes never carry an identity number: no GraphQL arguments or variables, no SQL bindings
 * (statements are recorded with their placeholders), no error messages (only their code or name).
 */
let provider: NodeTracerProvider | null = null;

const TRACER = 'credit-federation';

export function tracer() {
  return trace.getTracer(TRACER);
}

/** Whether spans are recorded and exported in this process. */
export function tracingEnabled(): boolean {
  return provider !== null;
}

/** Starts the SDK when an OTLP endpoint is configured; resolves whether it did. Idempotent. */
export async function startTracing(service: string, env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  if (provider) return true;
  const url = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || (env.OTEL_EXPORTER_OTLP_ENDPOINT ? `${env.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/$/, '')}/v1/traces` : '');
  if (!url) return false;
  const [{ NodeTracerProvider: Provider, BatchSpanProcessor }, { OTLPTraceExporter }, { resourceFromAttributes }] = await Promise.all([
    import('@opentelemetry/sdk-trace-node'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/resources'),
  ]);
  provider = new Provider({
    resource: resourceFromAttributes({ 'service.name': env.OTEL_SERVICE_NAME ?? `credit-${service}` }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url }))],
  });
  // The global tracer provider, the AsyncLocalStorage context manager and W3C trace context:
  // what @apollo/gateway's own spans (gateway.request, gateway.plan, gateway.fetch…) use too.
  provider.register();
  return true;
}

/** Sends every span ended so far (tests, and a process about to stop). */
export async function flushTracing(): Promise<void> {
  await provider?.forceFlush();
}

/** Flushes and stops the SDK. */
export async function stopTracing(): Promise<void> {
  const p = provider;
  provider = null;
  await p?.shutdown();
}

/**
 * Runs `handle` inside a server span for one HTTP request, continuing the trace the caller sent
 * (`traceparent`); the span ends when the response is closed. Without tracing, just runs `handle`.
 */
export function traceRequest(req: IncomingMessage, res: ServerResponse, name: string, attributes: Attributes, handle: () => void): void {
  if (!provider) {
    handle();
    return;
  }
  const parent = propagation.extract(context.active(), req.headers);
  const span = tracer().startSpan(name, { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method ?? 'GET', 'url.path': (req.url ?? '/').split('?')[0], ...attributes } }, parent);
  res.once('close', () => {
    span.setAttribute('http.response.status_code', res.statusCode);
    if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  });
  context.with(trace.setSpan(parent, span), handle);
}

/** Adds the trace context of the active span to outgoing request headers (a subgraph fetch). */
export function injectTraceContext(headers: Record<string, string>): void {
  if (provider) propagation.inject(context.active(), headers);
}

/** Attributes on the span of the request under way, if any. */
export function annotateRequest(attributes: Attributes): void {
  trace.getActiveSpan()?.setAttributes(attributes);
}

function failed(span: Span, err: unknown): void {
  const code = (err as { extensions?: { code?: unknown } })?.extensions?.code;
  span.setStatus({ code: SpanStatusCode.ERROR, message: typeof code === 'string' ? code : (err as Error)?.name ?? 'Error' });
}

/** Runs `fn` in a child span named `name`; the span ends when its result settles. */
export function inSpan<T>(name: string, attributes: Attributes, fn: () => T): T {
  return tracer().startActiveSpan(name, { attributes }, (span) => {
    try {
      const result = fn();
      if (result && typeof (result as { then?: unknown }).then === 'function') {
        return (result as unknown as Promise<unknown>).then(
          (value) => {
            span.end();
            return value;
          },
          (err: unknown) => {
            failed(span, err);
            span.end();
            throw err;
          },
        ) as T;
      }
      span.end();
      return result;
    } catch (err) {
      failed(span, err);
      span.end();
      throw err;
    }
  });
}

/**
 * A span per SQL statement of this knex instance, child of whatever span is active when the
 * statement is sent (the resolver's): the statement with its placeholders, never its bindings.
 */
export function traceQueries(db: Knex, system: 'sqlite' | 'mysql'): void {
  if (!provider) return;
  const open = new Map<string, Span>();
  const end = (uid: string | undefined, err?: unknown) => {
    const span = uid ? open.get(uid) : undefined;
    if (!span) return;
    open.delete(uid!);
    if (err) failed(span, err);
    span.end();
  };
  db.on('query', (q: { __knexQueryUid?: string; sql?: string; method?: string }) => {
    if (!q.__knexQueryUid) return;
    const operation = (q.method ?? q.sql?.split(/\s/, 1)[0] ?? 'query').toLowerCase();
    open.set(q.__knexQueryUid, tracer().startSpan(`SQL ${operation}`, {
      kind: SpanKind.CLIENT,
      attributes: { 'db.system.name': system, 'db.operation.name': operation, 'db.query.text': (q.sql ?? '').slice(0, 2000) },
    }));
  });
  db.on('query-response', (_response: unknown, q: { __knexQueryUid?: string }) => end(q.__knexQueryUid));
  db.on('query-error', (err: unknown, q: { __knexQueryUid?: string }) => end(q.__knexQueryUid, err));
}

type Resolver = (parent: unknown, args: unknown, ctx: unknown, info: unknown) => unknown;

/**
 * The resolver map with a span around the resolvers that do work: every root and namespace field
 * (types named …Query or …Mutation), every `__resolveReference`, and every field that takes
 * arguments. Plain field resolvers over loaded rows get none, or a batch check would make
 * thousands. Returns the map unchanged without tracing.
 */
export function traceResolvers<M extends Record<string, unknown>>(map: M, fieldsWithArguments: ReadonlySet<string>): M {
  if (!provider) return map;
  const traced: Record<string, unknown> = {};
  for (const [type, fields] of Object.entries(map)) {
    if (!fields || Object.getPrototypeOf(fields) !== Object.prototype) {
      traced[type] = fields; // a scalar or another class instance: not a map of resolvers
      continue;
    }
    const root = /(Query|Mutation)$/.test(type);
    const out: Record<string, unknown> = {};
    for (const [field, resolver] of Object.entries(fields as Record<string, unknown>)) {
      const wanted = typeof resolver === 'function' && (field === '__resolveReference' || root || fieldsWithArguments.has(`${type}.${field}`));
      if (!wanted) {
        out[field] = resolver;
        continue;
      }
      const name = `resolve ${type}.${field}`;
      const attributes = { 'graphql.field.parent': type, 'graphql.field.name': field };
      const fn = resolver as Resolver;
      out[field] = (parent: unknown, args: unknown, ctx: unknown, info: unknown) => inSpan(name, attributes, () => fn(parent, args, ctx, info));
    }
    traced[type] = out;
  }
  return traced as M;
}
