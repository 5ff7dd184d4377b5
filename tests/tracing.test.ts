import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import assert from './kit/assert.js';
import { IDS, insertRecord } from './kit/fixtures.js';
import { TestStack } from './kit/stack.js';
import { until } from './kit/wait.js';
import { flushTracing, startTracing, stopTracing, tracingEnabled } from '../subgraphs/kit/tracing.js';

interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  attributes: Record<string, string | number | boolean>;
}

/** An OTLP/HTTP receiver (JSON encoding, as @opentelemetry/exporter-trace-otlp-http sends) keeping every span. */
async function otlpReceiver() {
  const spans: ReceivedSpan[] = [];
  let requests = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests++;
      if (req.url !== '/v1/traces' || !String(req.headers['content-type']).startsWith('application/json')) {
        res.writeHead(415).end();
        return;
      }
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      for (const rs of body.resourceSpans ?? []) {
        for (const ss of rs.scopeSpans ?? []) {
          for (const s of ss.spans ?? []) {
            const attributes: ReceivedSpan['attributes'] = {};
            for (const a of s.attributes ?? []) attributes[a.key] = a.value.stringValue ?? a.value.intValue ?? a.value.boolValue ?? a.value.doubleValue;
            spans.push({ traceId: s.traceId, spanId: s.spanId, parentSpanId: s.parentSpanId || undefined, name: s.name, attributes });
          }
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    spans,
    requests: () => requests,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

describe('OpenTelemetry traces across every hop, exported over OTLP', () => {
  let stack: TestStack;
  let receiver: Awaited<ReturnType<typeof otlpReceiver>>;

  beforeAll(async () => {
    receiver = await otlpReceiver();
    assert.equal(await startTracing('test', {}), false, 'no endpoint: no tracing');
    assert.equal(tracingEnabled(), false);
    assert.equal(await startTracing('test', { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url }), true);
    // The exporter reads its endpoint from the environment when it is built, as in production.
    stack = await TestStack.start();
    await insertRecord(stack.db('courts'), { subjectId: IDS.debtorPerson, category: 'DISHONEST_JUDGMENT_DEBTOR', listType: 'BLACK' });
  });
  afterAll(async () => {
    await stack?.close();
    await stopTracing();
    await receiver?.close();
  });

  it('follows one check from the gateway through its query plan and each subgraph fetch into resolvers and SQL, with request id, client and matter, and no identity number', async () => {
    const res = await fetch(stack.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer demo-approval-key' },
      body: JSON.stringify({
        query: 'query Check($id: ID!, $matter: Matter!) { subject(id: $id) { creditCheck(matter: $matter, caseRef: "ZFCG-2026-0815") { checkId verdict } } }',
        variables: { id: IDS.debtorPerson, matter: 'GOVERNMENT_PROCUREMENT' },
      }),
    });
    const body = (await res.json()) as { data: { subject: { creditCheck: { verdict: string } } }; errors?: unknown };
    assert.equal(body.errors, undefined, JSON.stringify(body.errors));
    assert.equal(body.data.subject.creditCheck.verdict, 'MANDATORY_RESTRICTION');
    const requestId = res.headers.get('x-request-id')!;
    assert.ok(requestId);

    await flushTracing();
    const root = await until('the request span arrives', () => receiver.spans.find((s) => s.name === 'gateway' && s.attributes['credit.request_id'] === requestId));
    assert.equal(root.parentSpanId, undefined, 'the gateway request starts the trace');
    assert.equal(root.attributes['credit.client'], 'demo-approval');
    assert.equal(root.attributes['credit.role'], 'APPROVAL_SYSTEM');
    assert.equal(root.attributes['credit.matter'], 'GOVERNMENT_PROCUREMENT');
    assert.equal(root.attributes['graphql.operation.name'], 'Check');
    assert.equal(root.attributes['http.response.status_code'], 200);

    const subgraphs = ['platform', 'tax', 'market', 'courts', 'finance'];
    // Spans end (and are exported) as their work ends; wait until every hop's SQL has come in.
    const trace = await until('every hop of the trace', async () => {
      await flushTracing();
      const inTrace = receiver.spans.filter((s) => s.traceId === root.traceId);
      const done = subgraphs.every((name) => inTrace.some((s) => s.name === `subgraph ${name}`)) && inTrace.filter((s) => s.name.startsWith('SQL ')).length >= subgraphs.length;
      return done ? inTrace : null;
    });
    const byId = new Map(trace.map((s) => [s.spanId, s]));
    const ancestors = (s: ReceivedSpan): ReceivedSpan[] => {
      const out: ReceivedSpan[] = [];
      for (let p = s.parentSpanId ? byId.get(s.parentSpanId) : undefined; p; p = p.parentSpanId ? byId.get(p.parentSpanId) : undefined) out.push(p);
      return out;
    };
    const names = new Set(trace.map((s) => s.name));

    // The gateway's own spans (from @apollo/gateway), under the request.
    for (const name of ['gateway.request', 'gateway.plan', 'gateway.execute', 'gateway.fetch']) {
      assert.ok(names.has(name), `${name} in ${[...names].join(', ')}`);
    }
    const plan = trace.find((s) => s.name === 'gateway.plan')!;
    assert.ok(ancestors(plan).includes(root));

    for (const name of subgraphs) {
      const servers = trace.filter((s) => s.name === `subgraph ${name}`);
      const below = trace.filter((s) => ancestors(s).some((a) => servers.includes(a)));
      for (const server of servers) {
        assert.equal(server.attributes['credit.request_id'], requestId, `${name} carries the request id`);
        assert.equal(byId.get(server.parentSpanId!)?.name, 'gateway.fetch', `${name} is called from a gateway.fetch span`);
        assert.ok(ancestors(server).includes(root), `${name} is under the request`);
      }
      assert.ok(below.some((s) => s.name.startsWith('resolve ')), `${name}: a resolver span (${below.map((s) => s.name).join(', ')})`);
      const sql = below.filter((s) => s.name.startsWith('SQL '));
      assert.ok(sql.length > 0, `${name}: SQL spans (${below.map((s) => s.name).join(', ')})`);
      for (const s of sql) assert.equal(s.attributes['db.system.name'], 'sqlite');
    }
    // Statements sent by a traced resolver are its children (plain fields' loaders hang off the request).
    const checkSpan = trace.find((s) => s.name === 'resolve Subject.creditCheck');
    assert.ok(checkSpan, 'the check itself has a span');
    assert.ok(trace.some((s) => s.name.startsWith('SQL ') && ancestors(s).includes(checkSpan)), 'the check\'s statements are under it');

    // Never an identity number, in any attribute of any span.
    for (const s of trace) {
      for (const [key, value] of Object.entries(s.attributes)) {
        assert.ok(!String(value).includes(IDS.debtorPerson), `${s.name} ${key} holds the identity number`);
        assert.ok(!/\d{17}[\dX]/.test(String(value)), `${s.name} ${key} holds something shaped like an identity number: ${value}`);
      }
    }
    console.log(`one check: ${trace.length} spans — ${[...names].sort().join(', ')}`);
  });
});
