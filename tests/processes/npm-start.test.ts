import assert from '../kit/assert.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import { NpmStart } from '../kit/npm-start.js';
import { ROOT, runTs } from '../kit/processes.js';
import { postGraphQL } from '../kit/stack.js';
import { until } from '../kit/wait.js';

/** Gateway port of these stacks; the subgraphs take the next ones (ecology: +6). Clear of stack.test.ts's. */
const BASE = Number(process.env.TEST_PORT_BASE ?? 4800) + 100;
const GATEWAY = `http://127.0.0.1:${BASE}/graphql`;
const ECOLOGY_PORT = BASE + 6;
const ECOLOGY_URL = `http://127.0.0.1:${ECOLOGY_PORT}/graphql`;
/** A clean person: CLEAR when every source answers, INCOMPLETE when one cannot. */
const CLEAN = '11010519491231002X';
const CHECK = `{ subject(id: "${CLEAN}") { creditCheck(matter: HONORS, caseRef: "NPM-START-1") { verdict missingSources } } }`;

const check = async (): Promise<{ verdict: string; missingSources: string[] } | undefined> =>
  (await postGraphQL(GATEWAY, { query: CHECK }, { authorization: 'Bearer demo-approval-key' })).data?.subject?.creditCheck;

/** npm ends with 130 (128 + SIGINT) after Ctrl-C, as for any script it runs; start.ts itself exits 0. */
const stoppedByCtrlC = (end: { code: number | null; signal: NodeJS.Signals | null }) => end.code === 0 || end.code === 130 || end.signal === 'SIGINT';

/** Whether nothing listens on the port any more. */
const portFree = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });

/**
 * `npm start` as an operator runs it (issue 15, items 2 and 3): after the README's ecology
 * walk-through the next start must start ecology too, name a department it cannot start and serve
 * the rest, and keep every process running through a `kill -9`.
 */
describe('npm start', () => {
  let dataDir = '';
  const env = () => ({ DATA_DIR: dataDir, DATABASE_URL: '', EXPIRY_SWEEP_MS: '0', SUBGRAPH_TIMEOUT_MS: '10000', RELAY_POLL_MS: '500' });
  const stacks: NpmStart[] = [];
  const others: ChildProcess[] = [];
  let blocker: Server | undefined;

  beforeAll(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'credit-npm-start-'));
  });
  afterAll(async () => {
    for (const s of stacks) s.killGroup();
    for (const p of others) p.kill('SIGKILL');
    blocker?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts a department registered at runtime on the next start, serves the rest while one cannot start, and restarts processes killed with kill -9', async () => {
    // The README's walk-through: npm start, then ecology started by hand and published.
    const first = new NpmStart(['--subjects', '300', '--port-base', String(BASE)], env());
    stacks.push(first);
    await first.waitFor(/Credit platform is running/, 'the first start is up');
    const ecology = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'subgraphs/ecology/index.ts')], {
      cwd: ROOT,
      env: { ...process.env, ...env(), PORT: String(ECOLOGY_PORT) },
      stdio: 'ignore',
    });
    others.push(ecology);
    await until('ecology ready', async () => (await fetch(`http://127.0.0.1:${ECOLOGY_PORT}/health/ready`)).ok);
    const published = await runTs('scripts/subgraph.ts', ['publish', '--name', 'ecology', '--url', ECOLOGY_URL, '--gateway', GATEWAY], {});
    assert.equal(published.code, 0, published.stdout + published.stderr);
    await until('the check waits for ecology', async () => (await check())?.verdict === 'CLEAR');

    // The terminal is closed: Ctrl-C stops npm start and the hand-started ecology is gone too.
    const stopped = await first.interrupt();
    assert.ok(stoppedByCtrlC(stopped), `${JSON.stringify(stopped)}\n${first.output.slice(-3000)}`);
    ecology.kill('SIGKILL');
    await until('every port of the first stack free', async () => (await Promise.all([0, 1, 2, 3, 4, 5, 6, 7].map((i) => portFree(BASE + i)))).every(Boolean));

    // Next start, with ecology's port held by a program that does not answer: named, the rest served.
    blocker = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => blocker!.listen(ECOLOGY_PORT, '127.0.0.1', () => resolve()));
    const second = new NpmStart(['--port-base', String(BASE)], env());
    stacks.push(second);
    const named = await second.waitFor(/✗ ecology\s+NOT STARTED: ([^\n]*)/, 'ecology named as not started');
    assert.match(named[1]!, new RegExp(`port ${ECOLOGY_PORT}`));
    await second.waitFor(/Credit platform is running/, 'the second start is up without ecology');
    assert.match(second.output, /Not running \(served without them; checks answer INCOMPLETE naming them\): ecology/);
    const incomplete = await check();
    assert.equal(incomplete?.verdict, 'INCOMPLETE', JSON.stringify(incomplete));
    assert.deepEqual(incomplete?.missingSources, ['ecology']);

    // Once the port is free the supervisor's retry starts ecology, as it would have at start.
    await new Promise<void>((resolve) => blocker!.close(() => resolve()));
    await second.waitFor(/supervisor: ecology is back/, 'ecology started by the supervisor');
    await until('the check answers CLEAR with ecology', async () => (await check())?.verdict === 'CLEAR');

    // kill -9 of a department: restarted with a log line; meanwhile the rest keeps serving.
    const taxPid = Number((await second.waitFor(/✓ tax\s+ready in [\d.]+ s \(pid (\d+)\)/, 'tax pid'))[1]);
    const mark = second.output.length;
    process.kill(taxPid, 'SIGKILL');
    // Asked at once (the supervisor waits a second before starting it again): tax is missing, the rest answers.
    const during = await postGraphQL(GATEWAY, { query: `{ subject(id: "${CLEAN}") { kind tax { known } finance { known } } }` }, { authorization: 'Bearer demo-approval-key' });
    assert.deepEqual([during.data?.subject?.kind, during.data?.subject?.tax, during.data?.subject?.finance], ['NATURAL_PERSON', null, { known: false }], JSON.stringify(during));
    assert.ok(during.errors?.some((e) => e.extensions?.serviceName === 'tax'), JSON.stringify(during.errors));
    await second.waitFor(/supervisor: tax exited \(SIGKILL\); starting it again in [\d.]+ s \(attempt 1\)/, 'the supervisor notices tax', mark);
    await second.waitFor(/supervisor: tax is back \(pid \d+/, 'tax restarted', mark);
    const afterTax = await until('the check answers CLEAR again', async () => {
      const c = await check();
      return c?.verdict === 'CLEAR' ? c : undefined;
    });
    assert.deepEqual(afterTax.missingSources, []);
    // The relay: one line when tax could no longer be read and one when it was read again, with the count.
    const relayTax = await until('the relay reads tax again', () => {
      const lines = second.output.slice(mark).split('\n').filter((l) => /push relay: tax /.test(l));
      const began = lines.filter((l) => /tax cannot be read now/.test(l));
      return began.length === 0 || lines.some((l) => /tax is read again after \d+ failed rounds? over [\d.]+ s/.test(l)) ? lines : undefined;
    });
    assert.ok(relayTax.length <= 2, relayTax.join('\n'));
    // The status page names the client whose request saw tax fail, beside the relay's own failures.
    const status = await (await fetch(`http://127.0.0.1:${BASE}/status.json`, { headers: { authorization: 'Bearer demo-analyst-key' } })).json();
    const approval = status.errors.byClient.find((c: { clientId: string }) => c.clientId === 'demo-approval');
    assert.ok(approval?.sources.includes('tax'), JSON.stringify(status.errors.byClient));

    // The gateway itself, the same way.
    const gatewayPid = Number((await second.waitFor(/✓ gateway\s+ready in [\d.]+ s \(pid (\d+)\)/, 'gateway pid'))[1]);
    const mark2 = second.output.length;
    process.kill(gatewayPid, 'SIGKILL');
    await second.waitFor(/supervisor: gateway exited \(SIGKILL\)/, 'the supervisor notices the gateway', mark2);
    await second.waitFor(/supervisor: gateway is back/, 'gateway restarted', mark2);
    await until('checks answered after the gateway came back', async () => (await check())?.verdict === 'CLEAR');

    // Only Ctrl-C stops the stack, and it leaves nothing running.
    const mark3 = second.output.length;
    const end = await second.interrupt();
    assert.ok(stoppedByCtrlC(end), `${JSON.stringify(end)}\n${second.output.slice(-3000)}`);
    assert.doesNotMatch(second.output.slice(mark3), /supervisor:/, 'nothing is restarted while the stack stops');
    await until('every port free after Ctrl-C', async () => (await Promise.all([0, 1, 2, 3, 4, 5, 6, 7].map((i) => portFree(BASE + i)))).every(Boolean));
    // Two stacks started one after the other on two shared cores: a guard against a hang, not a measure.
  }, 900_000);
});
