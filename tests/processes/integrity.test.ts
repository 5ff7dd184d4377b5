import assert from '../kit/assert.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import { launchStack, ROOT, runSeed, type StackHandle } from '../../scripts/stack-processes.js';
import { postGraphQL } from '../kit/stack.js';
import { until } from '../kit/wait.js';

/** First port of this file's processes (TEST_PORT_BASE lets two checkouts run it at once). */
const BASE = Number(process.env.TEST_PORT_BASE ?? 4800) + 50;
const BLACK = '91430100MA4L0L0000';

interface Arrival {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A listener that records every request that reaches it and answers with `answer`. */
async function recorder(port: number, answer: (arrival: Arrival, res: import('node:http').ServerResponse) => void): Promise<{ arrivals: Arrival[]; server: Server }> {
  const arrivals: Arrival[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d));
    req.on('end', () => {
      const arrival = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
      arrivals.push(arrival);
      answer(arrival, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { arrivals, server };
}

/** Forwards a recorded request to `target` unchanged (method, path, headers, body), as a relay on the wire would. */
function forward(arrival: Arrival, target: string): Promise<{ status: number; text: string }> {
  const url = new URL(target);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, path: arrival.url, method: arrival.method, headers: { ...arrival.headers, host: url.host } }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(arrival.body);
  });
}

const PUBLISH = `mutation($input: PublishSubgraphInput!) { registry { publishSubgraph(input: $input) { accepted problems { message } } } }`;

/**
 * Attacks on the trust paths between processes: a gateway request captured on the way and
 * replayed to another subgraph, and a department making the registry fetch a URL of its choosing.
 */
describe('integrity of the trust paths between processes', () => {
  let dataDir = '';
  let stack: StackHandle;
  let gateway: ChildProcess | undefined;
  const servers: Server[] = [];
  const ask = (url: string, query: string, variables: Record<string, unknown> = {}, key = 'demo-analyst-key') => postGraphQL(url, { query, variables }, { authorization: `Bearer ${key}` });

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'credit-integrity-'));
    await runSeed(['--subjects', '100'], { dataDir, databaseUrl: null, output: 'quiet' });
    stack = await launchStack({
      dataDir,
      databaseUrl: null,
      portBase: BASE,
      output: 'quiet',
      relay: false,
      // The machine may be shared: readiness is waited for, not timed.
      readyTimeoutMs: 300_000,
      env: { EXPIRY_SWEEP_MS: '0', SUBGRAPH_TIMEOUT_MS: '30000', REGISTRY_FETCH_TIMEOUT_MS: '1500', REGISTRY_FETCH_MAX_BYTES: '4096' },
    });
  });
  afterAll(async () => {
    gateway?.kill('SIGKILL');
    for (const s of servers) s.close();
    await stack?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses with 401 a request the gateway signed for tax, captured on the way and replayed to courts', async () => {
    // A relay between the gateway and tax that records what passes and forwards it.
    const wire = await recorder(BASE + 20, (arrival, res) => {
      void forward(arrival, stack.serviceUrls.tax).then(({ status, text }) => res.writeHead(status, { 'content-type': 'application/json' }).end(text));
    });
    servers.push(wire.server);
    const urls = Object.entries(stack.serviceUrls).map(([n, u]) => `${n}=${n === 'tax' ? `http://127.0.0.1:${BASE + 20}/graphql` : u}`).join(',');
    gateway = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'gateway/index.ts'), '--port', String(BASE + 10)], {
      cwd: ROOT,
      env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '', SUBGRAPH_URLS: urls, SUBGRAPH_TIMEOUT_MS: '30000' },
      stdio: 'ignore',
    });
    const gatewayUrl = `http://127.0.0.1:${BASE + 10}/graphql`;
    const view = `{ subject(id: "${BLACK}") { id tax { records { category } } } }`;
    const answered = await until('the gateway through the recording relay', async () => (await ask(gatewayUrl, view).catch(() => null))?.data?.subject, { timeoutMs: 300_000, everyMs: 250 });
    assert.ok(answered.tax.records.length > 0, 'tax answered through the relay');

    const captured = wire.arrivals.find((a) => a.body.includes('_entities') && a.headers['x-credit-signature']);
    assert.ok(captured, 'the relay saw a signed entity fetch for tax');
    for (const other of ['courts', 'market', 'finance', 'platform'] as const) {
      const replayed = await forward(captured, stack.serviceUrls[other]);
      assert.equal(replayed.status, 401, `${other} answered ${replayed.status}: ${replayed.text}`);
      const body = JSON.parse(replayed.text) as { errors: { message: string; extensions: { code: string } }[] };
      assert.equal(body.errors[0]!.extensions.code, 'UNAUTHENTICATED');
      assert.match(body.errors[0]!.message, new RegExp(`not the gateway's signature of this request to ${other}`));
    }
    // And tax itself does not take it twice.
    const again = await forward(captured, stack.serviceUrls.tax);
    assert.equal(again.status, 401);
    assert.match(again.text, /replays are refused/);
  });

  it('does not fetch a URL outside the allow-list: the refusal names the rule and nothing arrives at the listener', async () => {
    const listener = await recorder(BASE + 21, (_a, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"data":{"_service":{"sdl":"type Query { x: Int }"}}}'));
    servers.push(listener.server);
    const attempts: [string, RegExp][] = [
      [`http://127.0.0.1:${BASE + 21}/any/path?x=1`, /rule registry\.routingUrl\.form/],
      [`http://127.0.0.1:${BASE + 21}/any/path`, /rule registry\.routingUrl\.loopbackInDemo/],
      [`http://user:pw@127.0.0.1:${BASE + 21}/graphql`, /rule registry\.routingUrl\.form/],
      [`http://10.255.255.1:${BASE + 21}/graphql`, /rule registry\.routingUrl\.loopbackInDemo/],
      [`file:///etc/passwd`, /rule registry\.routingUrl\.form/],
    ];
    for (const [url, rule] of attempts) {
      const r = await ask(stack.gatewayUrl, PUBLISH, { input: { name: 'tax', url, dryRun: true } }, 'demo-tax-key');
      assert.equal(r.errors?.[0]?.extensions?.code, 'FORBIDDEN', `${url}: ${JSON.stringify(r)}`);
      assert.match(r.errors![0]!.message, rule);
      assert.ok(r.errors![0]!.message.includes(JSON.stringify(url)), 'the refusal names the URL');
    }
    // The listener is reachable: a control request gets through, so "nothing arrived" means something.
    const control = await fetch(`http://127.0.0.1:${BASE + 21}/control`, { method: 'POST', body: 'x' });
    assert.equal(control.status, 200);
    assert.deepEqual(listener.arrivals.map((a) => a.url), ['/control']);
  });

  it('follows no redirect, signs only for the department publishing, and caps the time and size of the fetch', async () => {
    const elsewhere = await recorder(BASE + 22, (_a, res) => res.writeHead(200).end('{}'));
    servers.push(elsewhere.server);
    const redirecting = await recorder(BASE + 23, (_a, res) => res.writeHead(307, { location: `http://127.0.0.1:${BASE + 22}/graphql` }).end());
    servers.push(redirecting.server);
    const r = await ask(stack.gatewayUrl, PUBLISH, { input: { name: 'tax', url: `http://127.0.0.1:${BASE + 23}/graphql`, dryRun: true } }, 'demo-tax-key');
    assert.equal(r.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT', JSON.stringify(r));
    assert.match(r.errors![0]!.message, /HTTP 307 redirect .* not followed/);
    assert.equal(redirecting.arrivals.length, 1);
    assert.equal(elsewhere.arrivals.length, 0, 'the redirect target was never asked');

    // What the registry sent is signed for tax: courts refuses it.
    const sent = redirecting.arrivals[0]!;
    const atCourts = await forward(sent, stack.serviceUrls.courts);
    assert.equal(atCourts.status, 401);
    assert.match(atCourts.text, /not the gateway's signature of this request to courts/);

    const big = await recorder(BASE + 24, (_a, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(`{"data":{"_service":{"sdl":"${'#'.repeat(100_000)}"}}}`);
    });
    servers.push(big.server);
    const tooBig = await ask(stack.gatewayUrl, PUBLISH, { input: { name: 'tax', url: `http://127.0.0.1:${BASE + 24}/graphql`, dryRun: true } }, 'demo-tax-key');
    assert.match(tooBig.errors![0]!.message, /more than the 4096 bytes allowed|larger than the 4096 bytes allowed/);

    const silent = await recorder(BASE + 25, () => undefined);
    servers.push(silent.server);
    const slow = await ask(stack.gatewayUrl, PUBLISH, { input: { name: 'tax', url: `http://127.0.0.1:${BASE + 25}/graphql`, dryRun: true } }, 'demo-tax-key');
    assert.match(slow.errors![0]!.message, /no complete answer within 1500 ms/);
    assert.equal(silent.arrivals.length, 1);
  });
});
