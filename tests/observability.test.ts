import assert from './kit/assert.js';
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import { buildASTSchema, parse, validate } from 'graphql';
import { checkVerdicts } from '../gateway/check-verdicts.js';
import { gatewayConfigFromEnv } from '../gateway/config.js';
import { exampleTabs } from '../gateway/graphiql-examples.js';
import { RecentSourceErrors } from '../gateway/source-errors.js';
import { subgraphTargets } from '../gateway/subgraph-targets.js';
import { today } from '../subgraphs/kit/clock.js';
import { ConfigError } from '../subgraphs/kit/env.js';
import { createLogger, formatPretty, setLogDestination, setLogLevel } from '../subgraphs/kit/logger.js';
import { SERVICES } from '../subgraphs/services.js';
import { IDS, insertRecord } from './kit/fixtures.js';
import { postGraphQL, TestStack } from './kit/stack.js';
import { until } from './kit/wait.js';
import { readFileSync } from 'node:fs';
import { DEFAULT_SUPERGRAPH } from '../gateway/config.js';

const CHECK = `query CreditCheck($id: ID!, $caseRef: String!) {
  subject(id: $id) { creditCheck(matter: GOVERNMENT_PROCUREMENT, caseRef: $caseRef) { verdict } }
}`;

/** The gateway's origin (`http://127.0.0.1:port`). */
const origin = (stack: TestStack) => new URL(stack.gatewayUrl).origin;

/** An analyst's key: /metrics and /status are for analysts and the credit office. */
const OPERATOR = { authorization: 'Bearer demo-analyst-key' };

async function getJson(url: string, headers: Record<string, string> = OPERATOR): Promise<{ status: number; body: any }> {
  const res = await fetch(url, { headers });
  return { status: res.status, body: await res.json() };
}

/** Reads a metric sample's value from Prometheus text: the line `name{labels} value`, labels in any order. */
function sample(metrics: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of metrics.split('\n')) {
    if (line.startsWith('#') || !line) continue;
    const space = line.lastIndexOf(' ');
    const brace = line.indexOf('{');
    const hasLabels = brace >= 0 && brace < space;
    if ((hasLabels ? line.slice(0, brace) : line.slice(0, space)) !== name) continue;
    const have = new Map<string, string>();
    if (hasLabels) for (const m of line.slice(brace + 1, line.lastIndexOf('}')).matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) have.set(m[1]!, m[2]!);
    if (Object.entries(labels).every(([k, v]) => have.get(k) === v)) return Number(line.slice(space + 1));
  }
  return undefined;
}

async function metricsOf(stack: TestStack): Promise<string> {
  const res = await fetch(`${origin(stack)}/metrics`, { headers: OPERATOR });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  return res.text();
}

describe('health: gateway readiness follows its subgraphs', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await TestStack.start({ withRegistry: true });
  });
  afterAll(async () => stack?.close());

  it('is ready with the registry loaded, its database reachable and every subgraph answering', async () => {
    const { status, body } = await getJson(`${origin(stack)}/health/ready`);
    assert.equal(status, 200, JSON.stringify(body));
    assert.equal(body.status, 'ready');
    assert.deepEqual(body.registry, { loaded: true, databaseReachable: true });
    assert.deepEqual(body.supergraph, { source: 'registry', version: 1 });
    assert.deepEqual(Object.keys(body.subgraphs).sort(), SERVICES.map((s) => s.name).sort());
    for (const s of Object.values<any>(body.subgraphs)) {
      assert.equal(s.status, 'up');
      assert.equal(typeof s.latencyMs, 'number');
    }
  });

  it('every subgraph answers /health/live and /health/ready itself', async () => {
    for (const { name } of SERVICES) {
      const base = new URL(stack.url(name)).origin;
      assert.equal((await getJson(`${base}/health/live`)).status, 200, `${name} live`);
      const ready = await getJson(`${base}/health/ready`);
      assert.deepEqual(ready, { status: 200, body: { status: 'ready', subgraph: name } });
    }
  });

  it('flips to 503 naming the subgraph when one stops, and back to ready when it returns', async () => {
    await stack.stopSubgraph('courts');
    const down = await getJson(`${origin(stack)}/health/ready`);
    assert.equal(down.status, 503);
    assert.equal(down.body.status, 'not ready');
    assert.equal(down.body.subgraphs.courts.status, 'down');
    assert.equal(down.body.subgraphs.courts.detail, 'connection refused');
    assert.equal(down.body.subgraphs.tax.status, 'up');
    assert.equal((await getJson(`${origin(stack)}/health/live`)).status, 200, 'still live: only readiness flips');

    const metrics = await metricsOf(stack);
    assert.equal(sample(metrics, 'credit_gateway_supergraph_version', {}), 1);
    assert.equal(sample(metrics, 'credit_gateway_subgraph_up', { subgraph: 'courts' }), 0);
    assert.equal(sample(metrics, 'credit_gateway_subgraph_up', { subgraph: 'tax' }), 1);

    await stack.restartSubgraph('courts');
    const back = await getJson(`${origin(stack)}/health/ready`);
    assert.equal(back.status, 200, JSON.stringify(back.body));
    assert.equal(back.body.subgraphs.courts.status, 'up');
  });
});

describe('health: a subgraph an operator marked down', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await TestStack.start({ markedDown: ['courts'] });
    await stack.stopSubgraph('courts');
  });
  afterAll(async () => stack?.close());

  it('keeps the gateway ready while it is down, shown as marked down; no registry is needed for a file', async () => {
    const { status, body } = await getJson(`${origin(stack)}/health/ready`);
    assert.equal(status, 200, JSON.stringify(body));
    assert.equal(body.subgraphs.courts.status, 'marked down');
    assert.equal(body.registry, null);
    assert.deepEqual(body.supergraph, { source: 'file', version: 0 });
  });

  it('is read from SUBGRAPHS_MARKED_DOWN, and a bad name stops the start naming the variable', () => {
    assert.deepEqual(gatewayConfigFromEnv([], { SUBGRAPHS_MARKED_DOWN: 'courts, ecology' }).markedDown, ['courts', 'ecology']);
    assert.deepEqual(gatewayConfigFromEnv([], {}).markedDown, []);
    assert.throws(() => gatewayConfigFromEnv([], { SUBGRAPHS_MARKED_DOWN: 'Courts!' }), (e: unknown) => e instanceof ConfigError && /SUBGRAPHS_MARKED_DOWN/.test(e.message));
  });
});

describe('metrics: Prometheus text at /metrics', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await TestStack.start({ publicRatePerMinute: 2 });
    await insertRecord(stack.db('tax'), { subjectId: IDS.blackEnterprise, category: 'MAJOR_TAX_VIOLATION', listType: 'BLACK' });
  });
  afterAll(async () => stack?.close());

  it('counts a check by matter and verdict, and the request by operation and client with its latency', async () => {
    const before = await metricsOf(stack);
    const labels = { matter: 'GOVERNMENT_PROCUREMENT', verdict: 'MANDATORY_RESTRICTION' };
    const r = await stack.query(CHECK, { id: IDS.blackEnterprise, caseRef: 'ZFCG-1' }, 'demo-approval-key');
    assert.equal(r.data!.subject.creditCheck.verdict, 'MANDATORY_RESTRICTION');
    const after = await metricsOf(stack);
    assert.equal((sample(after, 'credit_gateway_credit_checks_total', labels) ?? 0) - (sample(before, 'credit_gateway_credit_checks_total', labels) ?? 0), 1);
    assert.equal(sample(after, 'credit_gateway_graphql_requests_total', { operation: 'CreditCheck', client: 'demo-approval', outcome: 'ok' }), 1);
    assert.equal(sample(after, 'credit_gateway_graphql_request_duration_seconds_count', { operation: 'CreditCheck', client: 'demo-approval' }), 1);
    assert.ok((sample(after, 'credit_gateway_subgraph_fetch_duration_seconds_count', { subgraph: 'platform' }) ?? 0) >= 1, 'platform fetches are timed');
    assert.ok((sample(after, 'credit_gateway_subgraph_fetch_duration_seconds_count', { subgraph: 'tax' }) ?? 0) >= 1, 'tax fetches are timed');
    assert.ok((sample(after, 'credit_gateway_http_responses_total', { route: '/graphql', status: '200' }) ?? 0) >= 1);
    assert.ok(sample(after, 'credit_gateway_process_cpu_seconds_total', {}) !== undefined, 'process metrics');
  });

  it('counts every check of a batch, through aliases and fragments', async () => {
    const before = await metricsOf(stack);
    const r = await stack.query(
      `query Round($ids: [ID!]!, $m: Matter!) { subjects(ids: $ids) { ...Bidder } }
       fragment Bidder on Subject { id bid: creditCheck(matter: $m, caseRef: "ZB-1") { verdict } }`,
      { ids: [IDS.blackEnterprise, IDS.redEnterprise, IDS.person], m: 'PUBLIC_RESOURCE_TRADING' },
      'demo-approval-key',
    );
    assert.equal(r.data!.subjects.length, 3, JSON.stringify(r));
    const after = await metricsOf(stack);
    const count = (m: string) =>
      ['MANDATORY_RESTRICTION', 'INCOMPLETE', 'RECOMMENDED_RESTRICTION', 'INCENTIVE', 'CLEAR'].reduce(
        (n, verdict) => n + (sample(m, 'credit_gateway_credit_checks_total', { matter: 'PUBLIC_RESOURCE_TRADING', verdict }) ?? 0),
        0,
      );
    assert.equal(count(after) - count(before), 3);
  });

  it('counts the public endpoint refusing with 429', async () => {
    const url = `${origin(stack)}/public/graphql`;
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await postGraphQL(url, { query: '{ courts { publicList(listType: BLACK) { subjectId } } }' })).status);
    assert.deepEqual(statuses, [200, 200, 429]);
    const metrics = await metricsOf(stack);
    assert.equal(sample(metrics, 'credit_gateway_rate_limited_total', { endpoint: 'public' }), 1);
    assert.equal(sample(metrics, 'credit_gateway_http_responses_total', { route: '/public/graphql', status: '429' }), 1);
  });

  it('counts subgraph failures by source, and unknown paths under one route label', async () => {
    await fetch(`${origin(stack)}/no/such/path/${Math.random()}`);
    await stack.stopSubgraph('finance');
    try {
      const r = await stack.query(`{ subject(id: "${IDS.blackEnterprise}") { finance { records { category } } } }`);
      assert.ok(r.errors?.some((e) => e.extensions?.serviceName === 'finance'));
    } finally {
      await stack.restartSubgraph('finance');
    }
    const metrics = await metricsOf(stack);
    assert.ok((sample(metrics, 'credit_gateway_subgraph_errors_total', { subgraph: 'finance', code: 'SOURCE_UNAVAILABLE' }) ?? 0) >= 1);
    assert.equal(sample(metrics, 'credit_gateway_http_responses_total', { route: 'other', status: '404' }), 1);
  });
});

describe('status: subgraphs, supergraph version and recent errors by source', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await TestStack.start({ withRegistry: true });
  });
  afterAll(async () => stack?.close());

  it('lists every subgraph with its SDL hash, URL, health and latency, and the version with when it was composed', async () => {
    const { status, body } = await getJson(`${origin(stack)}/status.json`);
    assert.equal(status, 200);
    assert.equal(body.ready, true);
    assert.equal(body.supergraph.source, 'registry');
    assert.equal(body.supergraph.version, 1);
    assert.ok(!Number.isNaN(Date.parse(body.supergraph.composedAt)));
    assert.match(body.supergraph.hash, /^[0-9a-f]{64}$/);
    const tax = body.subgraphs.find((s: any) => s.name === 'tax');
    assert.equal(tax.url, stack.url('tax'));
    assert.equal(tax.status, 'up');
    assert.match(tax.sdlHash, /^[0-9a-f]{64}$/);
    assert.equal(typeof tax.latencyMs, 'number');
    assert.deepEqual(body.errors, { bySource: [], byClient: [], recent: [] });

    const page = await fetch(`${origin(stack)}/status`, { headers: OPERATOR });
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
    const html = await page.text();
    assert.ok(html.includes('data-subgraph="tax"') && html.includes(tax.sdlHash.slice(0, 12)) && html.includes(stack.url('tax')));
    assert.ok(!/https?:\/\/(?!127\.0\.0\.1)/.test(html.replace(/<code>[^<]*<\/code>/g, '')), 'nothing loaded from elsewhere');
  });

  it('keeps each source failure with the request id the client got', async () => {
    await stack.stopSubgraph('market');
    let requestId: string | null;
    try {
      const res = await fetch(stack.gatewayUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer demo-analyst-key' },
        body: JSON.stringify({ query: `{ subject(id: "${IDS.blackEnterprise}") { market { records { category } } } }` }),
      });
      requestId = res.headers.get('x-request-id');
      await res.text();
    } finally {
      await stack.restartSubgraph('market');
    }
    const { body } = await getJson(`${origin(stack)}/status.json`);
    assert.equal(body.errors.bySource[0].source, 'market');
    assert.equal(body.errors.recent[0].requestId, requestId);
    assert.equal(body.errors.recent[0].code, 'SOURCE_UNAVAILABLE');
    assert.match(body.errors.recent[0].message, /connection refused/);
    assert.equal(body.errors.recent[0].clientId, 'demo-analyst');
    const html = await (await fetch(`${origin(stack)}/status`, { headers: OPERATOR })).text();
    assert.ok(html.includes(requestId!), 'the status page shows the request id');
    assert.match(html, /<tr data-client="demo-analyst"><td><strong>demo-analyst<\/strong><\/td><td class="num">1<\/td><td>market<\/td>/);
  });

  it("keeps a client's failures visible while another client fails hundreds of times (the push relay polling a department that is down)", async () => {
    await stack.stopSubgraph('courts');
    try {
      const ask = (key: string, query: string) =>
        fetch(stack.gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify({ query }) }).then((r) => r.text());
      await ask('demo-approval-key', `{ subject(id: "${IDS.blackEnterprise}") { creditCheck(matter: HONORS, caseRef: "STATUS-1") { verdict } } }`);
      // The relay's poll of the courts outbox, more often than the gateway keeps failures for.
      for (let i = 0; i < 210; i++) await ask('demo-platform-key', '{ courts { events(after: 0, limit: 1) { seq } } }');
    } finally {
      await stack.restartSubgraph('courts');
    }
    const { body } = await getJson(`${origin(stack)}/status.json`);
    const clients = body.errors.byClient.map((c: any) => c.clientId);
    assert.equal(clients[0], 'demo-platform');
    const approval = body.errors.byClient.find((c: any) => c.clientId === 'demo-approval');
    assert.ok(approval, JSON.stringify(body.errors.byClient));
    assert.deepEqual(approval.sources, ['courts']);
    assert.ok(body.errors.byClient.some((c: any) => c.clientId === 'demo-analyst'), 'the earlier failure of the analyst is still shown');
    assert.equal(body.errors.byClient.find((c: any) => c.clientId === 'demo-platform').count, 200);
    const html = await (await fetch(`${origin(stack)}/status`, { headers: OPERATOR })).text();
    assert.match(html, /<tr data-client="demo-approval"><td><strong>demo-approval<\/strong><\/td><td class="num">\d+<\/td><td>courts<\/td>/);
    assert.match(html, /<th>客户端 Client<\/th><th>来源 Source<\/th>/);
  });
});

describe('logs: JSON lines with the request id through gateway and subgraphs', () => {
  let stack: TestStack;
  const lines: string[] = [];
  beforeAll(async () => {
    stack = await TestStack.start();
    setLogDestination({ write: (line: string) => void lines.push(line) });
    setLogLevel('debug');
  });
  afterAll(async () => {
    setLogDestination();
    setLogLevel('error');
    await stack?.close();
  });

  it('logs the request at the gateway and at every subgraph it reached under one request id, without key or variables', async () => {
    const caseRef = 'CASE-REF-NOT-TO-BE-LOGGED-4711';
    const res = await fetch(stack.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer demo-approval-key' },
      body: JSON.stringify({ query: CHECK, variables: { id: IDS.redEnterprise, caseRef }, operationName: 'CreditCheck' }),
    });
    const requestId = res.headers.get('x-request-id')!;
    assert.equal(res.status, 200, await res.text());
    await until('the gateway line', () => lines.some((l) => l.includes(requestId) && l.includes('"service":"gateway"')));

    const entries = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const mine = entries.filter((e) => e.requestId === requestId);
    const gateway = mine.find((e) => e.service === 'gateway' && e.msg === 'request');
    assert.ok(gateway, JSON.stringify(mine));
    assert.equal(gateway.level, 20, 'a request answered fully is logged at debug');
    assert.equal(gateway.client, 'demo-approval');
    assert.equal(gateway.operation, 'CreditCheck');
    assert.equal(gateway.status, 200);
    assert.equal(typeof gateway.time, 'number');
    const services = new Set(mine.map((e) => e.service));
    for (const s of ['platform', 'tax', 'market', 'courts', 'finance']) assert.ok(services.has(s), `${s} logged the request: ${[...services]}`);
    const all = lines.join('\n');
    assert.ok(!all.includes(caseRef), 'variables are never logged');
    assert.ok(!all.includes('demo-approval-key'), 'keys are never logged');
  });

  it('redacts fields named like secrets, and prints lines for people on a terminal', () => {
    lines.length = 0;
    createLogger('test').info('careful', { authorization: 'Bearer k', variables: { id: 'x' }, nested: { secret: 's', ok: 1 } });
    const entry = JSON.parse(lines[0]!);
    assert.equal(entry.authorization, '[redacted]');
    assert.equal(entry.variables, '[redacted]');
    assert.deepEqual(entry.nested, { secret: '[redacted]', ok: 1 });
    const pretty = formatPretty(lines[0]!, false);
    assert.match(pretty, /^\d\d:\d\d:\d\d\.\d{3} INFO  test  careful  authorization=\[redacted\]/);
    assert.ok(pretty.endsWith('\n'));
  });
});

describe('GraphiQL: served offline with ready example operations', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await TestStack.start();
  });
  afterAll(async () => stack?.close());

  it('every example validates against the served schema and runs for an analyst without errors', async () => {
    const schema = buildASTSchema(parse(readFileSync(DEFAULT_SUPERGRAPH, 'utf8')), { assumeValidSDL: true });
    const tabs = exampleTabs(today());
    assert.deepEqual(
      tabs.map((t) => /query (\w+)/.exec(t.query)?.[1]),
      ['SubjectView', 'CheckBeforeApproval', 'BatchCheck', 'Lists', 'Statistics'],
    );
    for (const tab of tabs) {
      assert.deepEqual(validate(schema, parse(tab.query)).map((e) => e.message), [], tab.query);
      const r = await stack.query(tab.query, JSON.parse(tab.variables));
      assert.equal(r.status, 200);
      assert.equal(r.errors, undefined, `${tab.query.split('\n')[0]}: ${JSON.stringify(r.errors)}`);
    }
  });

  it('serves the page with a policy that allows nothing from elsewhere, and its files from node_modules', async () => {
    const page = await fetch(`${origin(stack)}/graphiql`);
    assert.equal(page.status, 200);
    const csp = page.headers.get('content-security-policy') ?? '';
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'self';/);
    assert.match(csp, /connect-src 'self'/);
    const html = await page.text();
    const sources = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    assert.ok(sources.length >= 6 && sources.every((s) => s.startsWith('/')), `only local files: ${sources}`);
    for (const asset of sources.filter((s) => s.startsWith('/graphiql/assets/'))) {
      const res = await fetch(`${origin(stack)}${asset}`);
      assert.equal(res.status, 200, asset);
      assert.equal(res.headers.get('content-encoding'), 'gzip', `${asset} is compressed`);
      const etag = res.headers.get('etag')!;
      assert.ok((await res.arrayBuffer()).byteLength > 500);
      const again = await fetch(`${origin(stack)}${asset}`, { headers: { 'if-none-match': etag } });
      assert.equal(again.status, 304, `${asset} is revalidated`);
    }
    assert.equal((await fetch(`${origin(stack)}/graphiql/assets/../../package.json`)).status, 404);
    assert.equal((await fetch(`${origin(stack)}/graphiql/assets/secret.js`)).status, 404);
    const post = await fetch(`${origin(stack)}/status`, { method: 'POST', body: '{}' });
    assert.equal(post.status, 405);
    assert.equal(post.headers.get('allow'), 'GET, HEAD');
  });

  it('introspection answers clients with a key only', async () => {
    const withKey = await stack.query('{ __schema { queryType { name } } __type(name: "Matter") { description } }');
    assert.equal(withKey.data!.__schema.queryType.name, 'Query');
    assert.match(withKey.data!.__type.description, /审批事项/);
    const without = await postGraphQL(stack.gatewayUrl, { query: '{ __schema { queryType { name } } }' });
    assert.equal(without.status, 401);
  });
});

describe('observability units', () => {
  it('check verdicts follow aliases, fragments, lists and variables, counting an answer once', () => {
    const document = parse(`query Q($m: Matter!) {
      a: subject(id: "1") { c1: creditCheck(matter: HONORS, caseRef: "x") { verdict } ...F ...F }
      subjects(ids: ["2", "3"]) { creditCheck(matter: $m, caseRef: "y") { checkId } }
      other: subject(id: "4") { creditCheck(matter: "<script>", caseRef: "z") { verdict } }
    }
    fragment F on Subject { c2: creditCheck(matter: FRANCHISE, caseRef: "x") { verdict } }`);
    const operation = document.definitions[0] as any;
    const data = {
      a: { c1: { verdict: 'CLEAR' }, c2: { verdict: 'INCENTIVE' } },
      subjects: [{ creditCheck: { checkId: '1' } }, { creditCheck: { checkId: '2' } }],
      other: { creditCheck: { verdict: 'CLEAR' } },
    };
    assert.deepEqual(checkVerdicts(document, operation, data, { m: 'FISCAL_FUNDS' }), [
      { matter: 'HONORS', verdict: 'CLEAR' },
      { matter: 'FRANCHISE', verdict: 'INCENTIVE' },
      { matter: 'FISCAL_FUNDS', verdict: 'NOT_REQUESTED' },
      { matter: 'FISCAL_FUNDS', verdict: 'NOT_REQUESTED' },
      { matter: 'UNKNOWN', verdict: 'CLEAR' },
    ]);
    assert.deepEqual(checkVerdicts(document, operation, { a: null, subjects: [] }), []);
  });

  it('the ring buffer of source errors keeps the newest, newest first, and counts them by source', () => {
    const errors = new RecentSourceErrors(3);
    for (let i = 1; i <= 5; i++) errors.add({ at: `t${i}`, source: i % 2 ? 'tax' : 'courts', code: 'SOURCE_UNAVAILABLE', message: `m${i}`, requestId: null });
    assert.deepEqual(errors.recent().map((e) => e.message), ['m5', 'm4', 'm3']);
    assert.deepEqual(errors.recent(1).map((e) => e.message), ['m5']);
    assert.deepEqual(errors.bySource(), [
      { source: 'tax', count: 2, lastAt: 't5', lastMessage: 'm5' },
      { source: 'courts', count: 1, lastAt: 't4', lastMessage: 'm4' },
    ]);
    assert.throws(() => new RecentSourceErrors(0), RangeError);
  });

  it("source errors are kept per client: a busy client does not push another's out, and the quietest client goes first when there are too many", () => {
    const errors = new RecentSourceErrors(3, 2);
    const add = (clientId: string | null, i: number) => errors.add({ at: `t${i}`, source: 'courts', code: 'SOURCE_UNAVAILABLE', message: `m${i}`, requestId: `r${i}`, clientId });
    add('approval', 1);
    for (let i = 2; i <= 10; i++) add('relay', i);
    assert.deepEqual(errors.recent().map((e) => `${e.clientId}:${e.message}`), ['relay:m10', 'relay:m9', 'relay:m8', 'approval:m1']);
    assert.deepEqual(errors.byClient().map((c) => [c.clientId, c.count, c.lastMessage, c.lastRequestId]), [
      ['relay', 3, 'm10', 'r10'],
      ['approval', 1, 'm1', 'r1'],
    ]);
    add(null, 11);
    assert.deepEqual(errors.byClient().map((c) => c.clientId), [null, 'relay']);
    assert.throws(() => new RecentSourceErrors(3, 0), RangeError);
  });

  it('subgraph targets come from the supergraph, with URL overrides', () => {
    const targets = subgraphTargets(readFileSync(DEFAULT_SUPERGRAPH, 'utf8'), { tax: 'http://127.0.0.1:9/graphql' });
    assert.deepEqual(targets.map((t) => t.name), ['courts', 'finance', 'market', 'platform', 'registry', 'tax']);
    assert.equal(targets.find((t) => t.name === 'tax')!.url, 'http://127.0.0.1:9/graphql');
    assert.equal(targets.find((t) => t.name === 'courts')!.url, 'http://127.0.0.1:4003/graphql');
  });
});
