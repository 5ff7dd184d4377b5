import assert from '../kit/assert.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import { launchStack, ROOT, runSeed, type StackHandle } from '../../scripts/stack-processes.js';
import { postGraphQL } from '../kit/stack.js';
import { until } from '../kit/wait.js';

const BLACK = '91430100MA4L0L0000';
const VIEW = `{ subject(id: "${BLACK}") { id tax { records { category } } market { known } courts { known } finance { records { category } } } }`;
const ECOLOGY = `{ subject(id: "${BLACK}") { ecology { known } } }`;
/** First port of the stack's processes (TEST_PORT_BASE lets two checkouts run this suite at once). */
const BASE = Number(process.env.TEST_PORT_BASE ?? 4800);

function startTs(file: string, args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, file), ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: 'ignore' });
}

/**
 * The stack as production runs it: every service its own process over its own database, started
 * by the same launcher as `npm start`.
 */
describe('the stack as separate processes', () => {
  let dataDir = '';
  let stack: StackHandle;
  const extra: ChildProcess[] = [];
  const ask = (url: string, query: string, key = 'demo-analyst-key') => postGraphQL(url, { query }, { authorization: `Bearer ${key}` });

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'credit-processes-'));
    await runSeed(['--subjects', '300'], { dataDir, databaseUrl: null, output: 'quiet' });
    stack = await launchStack({ dataDir, databaseUrl: null, portBase: BASE, output: 'quiet', relay: false, readyTimeoutMs: 150_000, env: { EXPIRY_SWEEP_MS: '0', SUBGRAPH_TIMEOUT_MS: '30000' } });
  });
  afterAll(async () => {
    for (const p of extra) p.kill('SIGKILL');
    await stack?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers the credit view of a seeded subject from every department', async () => {
    const r = await ask(stack.gatewayUrl, VIEW);
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    assert.deepEqual(r.data!.subject.finance.records, [{ category: 'PROCUREMENT_SERIOUS_VIOLATION' }]);
    assert.equal(r.data!.subject.market.known, true);
  });

  it('registers a department at runtime and every gateway process serves it, then keeps serving when it stops', async () => {
    const secondPort = BASE + 90;
    const env = { DATA_DIR: dataDir, DATABASE_URL: '', REGISTRY_POLL_MS: '500', SUBGRAPH_TIMEOUT_MS: '30000', SUBGRAPH_URLS: Object.entries(stack.serviceUrls).map(([n, u]) => `${n}=${u}`).join(',') };
    const second = startTs('gateway/index.ts', ['--port', String(secondPort)], env);
    extra.push(second);
    const secondUrl = `http://127.0.0.1:${secondPort}/graphql`;
    await until('second gateway', async () => (await ask(secondUrl, VIEW)).data?.subject);

    const ecoPort = BASE + 6;
    const eco = startTs('subgraphs/ecology/index.ts', [], { DATA_DIR: dataDir, DATABASE_URL: '', PORT: String(ecoPort), EXPIRY_SWEEP_MS: '0' });
    extra.push(eco);
    const ecoUrl = `http://127.0.0.1:${ecoPort}/graphql`;
    await until('ecology', async () => (await fetch(ecoUrl.replace('/graphql', '/health/ready'))).ok);

    const started = Date.now();
    const published = await new Promise<number | null>((resolve) => {
      const cli = startTs('scripts/subgraph.ts', ['publish', '--name', 'ecology', '--url', ecoUrl, '--gateway', stack.gatewayUrl], {});
      cli.on('exit', (code) => resolve(code));
    });
    assert.equal(published, 0);
    const served = await Promise.all(
      [stack.gatewayUrl, secondUrl].map((url) => until(`ecology on ${url}`, async () => ((await ask(url, ECOLOGY)).data?.subject?.ecology ? Date.now() - started : undefined))),
    );
    console.log(`publish command → served by both gateway processes: ${Math.max(...served)} ms`);

    eco.kill('SIGKILL');
    await new Promise((r) => eco.once('exit', r));
    const r = await ask(stack.gatewayUrl, `{ subject(id: "${BLACK}") { id tax { known } ecology { known } } }`);
    assert.equal(r.data!.subject.ecology, null);
    assert.equal(r.data!.subject.tax.known, true);
    assert.ok(r.errors!.some((e) => e.extensions?.serviceName === 'ecology'));
  });

  it('nulls a stopped department with its name in the error, in a single view and in a batch', async () => {
    process.kill(stack.services.courts.pid, 'SIGKILL');
    await until('courts refusing connections', () => fetch(stack.serviceUrls.courts).then(() => false, () => true));
    const r = await ask(stack.gatewayUrl, VIEW);
    assert.equal(r.data!.subject.courts, null);
    assert.ok(r.errors!.some((e) => e.extensions?.serviceName === 'courts' && /courts/.test(e.message)), JSON.stringify(r.errors));
    assert.deepEqual(r.data!.subject.finance.records, [{ category: 'PROCUREMENT_SERIOUS_VIOLATION' }]);
    const check = await ask(stack.gatewayUrl, `{ subject(id: "${BLACK}") { creditCheck(matter: HONORS, caseRef: "P-1") { verdict missingSources } } }`, 'demo-approval-key');
    assert.equal(check.data!.subject.creditCheck.verdict, 'MANDATORY_RESTRICTION');
    assert.ok(check.data!.subject.creditCheck.missingSources.includes('courts'));
    const batch = await ask(stack.gatewayUrl, `{ subjects(ids: ["${BLACK}", "91430100MA4L0600XL", "11010519491231002X"]) { id courts { known } tax { known } } }`, 'demo-platform-key');
    assert.deepEqual(batch.data!.subjects.map((s: any) => [s.courts, s.tax.known]), [[null, true], [null, true], [null, false]]);
  });

  it('starts a gateway while a department is down, and serves the others', async () => {
    const port = BASE + 91;
    const env = { DATA_DIR: dataDir, DATABASE_URL: '', SUBGRAPH_TIMEOUT_MS: '30000', SUBGRAPH_URLS: Object.entries(stack.serviceUrls).map(([n, u]) => `${n}=${u}`).join(',') };
    const third = startTs('gateway/index.ts', ['--port', String(port)], env);
    extra.push(third);
    const r = await until('gateway with courts down', async () => {
      const answer = await ask(`http://127.0.0.1:${port}/graphql`, VIEW);
      return answer.data?.subject ? answer : undefined;
    });
    assert.equal(r.data!.subject.courts, null);
    assert.equal(r.data!.subject.market.known, true);
  });
});
