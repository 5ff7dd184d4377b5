import assert from './kit/assert.js';
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import { legalPersonId } from '../scripts/demo-data/identities.js';
import { ecology } from '../subgraphs/ecology/server.js';
import type { RunningServer } from '../subgraphs/kit/listen.js';
import { createSubgraph, type Subgraph } from '../subgraphs/kit/subgraph-server.js';
import { DEMO_CLIENTS } from '../gateway/clients.js';
import { DEFAULT_SUPERGRAPH } from '../gateway/config.js';
import { createGateway, type Gateway } from '../gateway/server.js';
import { CallerHeader } from '../subgraphs/kit/caller.js';
import { insertRecord } from './kit/fixtures.js';
import { postGraphQL, postToSubgraph, TestStack } from './kit/stack.js';
import { timeUntil } from './kit/wait.js';

const PUBLISH = `mutation($input: PublishSubgraphInput!) { registry { publishSubgraph(input: $input) {
  accepted dryRun forced version { version action subgraph } problems { check subgraph message locations operations { clientId operationName } } } } }`;
const CHECK = `query($id: ID!) { subject(id: $id) { creditCheck(matter: GOVERNMENT_PROCUREMENT, caseRef: "REG-1") { verdict missingSources measures { code evidence { record { department category } } } } } }`;

describe('schema registry: publish, checks, history, rollback, hot reload', () => {
  let stack: TestStack;
  let eco: Subgraph;
  let ecoServer: RunningServer;
  let second: Gateway;
  let secondUrl = '';
  const black = legalPersonId(7100);
  const publish = (input: Record<string, unknown>, key = 'demo-platform-key') => stack.query(PUBLISH, { input }, key);
  const current = async () => (await stack.query(`{ registry { current { version } } }`, {}, 'demo-platform-key')).data!.registry.current.version as number;

  beforeAll(async () => {
    stack = await TestStack.start({ withRegistry: true });
    eco = await createSubgraph(ecology, { database: { engine: 'sqlite', file: `${stack.subgraphs.get('registry')!.database.engine === 'sqlite' ? (stack.subgraphs.get('registry')!.database as any).file.replace('registry', 'ecology') : '/tmp/ecology.sqlite'}` } });
    ecoServer = await eco.listen(0);
    await insertRecord(eco.db, { subjectId: black, category: 'SERIOUS_ENVIRONMENTAL_VIOLATION', listType: 'BLACK' });
    second = await createGateway({
      port: 0, host: '127.0.0.1', supergraphFile: DEFAULT_SUPERGRAPH, registry: stack.subgraphs.get('registry')!.database, registryPollMs: 100,
      subgraphUrls: Object.fromEntries([...stack.subgraphs].map(([name, s]) => [name, s.running!.url])),
      subgraphTimeoutMs: 30_000, subgraphConnections: 8, maxBodyBytes: 1 << 20, publicRatePerMinute: 1000, clients: DEMO_CLIENTS,
    });
    secondUrl = (await second.listen(0)).url;
  });
  afterAll(async () => {
    await second?.close();
    await eco?.close();
    await stack?.close();
  });

  it('starts from the bootstrapped registry version', async () => {
    assert.equal(await current(), 1);
    assert.equal(stack.gateway.supergraphVersion(), 1);
  });

  it('lets a department publish only under its own name', async () => {
    const r = await publish({ name: 'ecology', url: ecoServer.url }, 'demo-tax-key');
    assert.equal(r.errors![0]!.extensions!.code, 'FORBIDDEN');
    assert.match(r.errors![0]!.message, /publishes only under its own name/);
  });

  it('adds the ecology department at runtime: its black-list record changes a verdict, on every gateway within 5 s', async () => {
    assert.equal((await stack.query(CHECK, { id: black }, 'demo-approval-key')).data!.subject.creditCheck.verdict, 'CLEAR');
    const started = Date.now();
    const r = await publish({ name: 'ecology', url: ecoServer.url });
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    const result = r.data!.registry.publishSubgraph;
    assert.equal(result.accepted, true, JSON.stringify(result.problems));
    assert.deepEqual(result.version, { version: 2, action: 'PUBLISH', subgraph: 'ecology' });
    const first = await timeUntil('first gateway', () => stack.gateway.supergraphVersion() === 2);
    const other = await timeUntil('second gateway', () => second.supergraphVersion() === 2);
    console.log(`publish → served: ${Date.now() - started} ms (first gateway ${first} ms, second ${other} ms after the publish answered)`);

    for (const url of [stack.gatewayUrl, secondUrl]) {
      const c = await postGraphQL(url, { query: CHECK, variables: { id: black } }, { authorization: 'Bearer demo-approval-key' });
      assert.equal(c.errors, undefined, JSON.stringify(c.errors));
      assert.equal(c.data!.subject.creditCheck.verdict, 'MANDATORY_RESTRICTION');
      assert.deepEqual(c.data!.subject.creditCheck.measures[0].evidence, [{ record: { department: 'ecology', category: 'SERIOUS_ENVIRONMENTAL_VIOLATION' } }]);
    }
  });

  it('refuses an SDL that does not parse, naming the location, and leaves the supergraph as it is', async () => {
    const before = await current();
    const r = await publish({ name: 'ecology', url: ecoServer.url, sdl: 'type Query {\n  broken(: Int\n}' });
    const result = r.data!.registry.publishSubgraph;
    assert.equal(result.accepted, false);
    assert.equal(result.problems[0].check, 'PARSE');
    assert.deepEqual(result.problems[0].locations, ['2:10']);
    assert.equal(await current(), before);
  });

  it('refuses a change that does not compose, with the composition errors', async () => {
    const before = await current();
    const sdl = `${ecology.sdl}\nextend type Subject { kind: Int }`;
    const result = (await publish({ name: 'ecology', url: ecoServer.url, sdl })).data!.registry.publishSubgraph;
    assert.equal(result.accepted, false);
    assert.ok(result.problems.every((p: any) => p.check === 'COMPOSITION') && result.problems.length > 0, JSON.stringify(result.problems));
    assert.ok(result.problems.some((p: any) => /Subject\.kind/.test(p.message)), JSON.stringify(result.problems));
    assert.equal(await current(), before);
  });

  it('refuses a breaking change and an operation in use, listing the operations and clients; the credit office may force it', async () => {
    const used = await stack.query(`query PermitsOfSubject { subject(id: "${black}") { ecology { dischargePermits { permitNo } } } }`, {}, 'demo-analyst-key');
    assert.equal(used.errors, undefined, JSON.stringify(used.errors));
    await stack.gateway.flushOperations();
    const before = await current();
    const sdl = ecology.sdl.replace(/\n  "排污许可证[^\n]*\n  dischargePermits: \[DischargePermit!\]!/, '');
    assert.notEqual(sdl, ecology.sdl);
    const dry = (await publish({ name: 'ecology', url: ecoServer.url, sdl, dryRun: true })).data!.registry.publishSubgraph;
    assert.equal(dry.accepted, false);
    const checks = dry.problems.map((p: any) => p.check).sort();
    assert.deepEqual([...new Set(checks)], ['BREAKING_CHANGE', 'OPERATION']);
    const breaking = dry.problems.find((p: any) => p.check === 'BREAKING_CHANGE');
    assert.match(breaking.message, /EcologyView\.dischargePermits was removed/);
    const op = dry.problems.find((p: any) => p.check === 'OPERATION');
    assert.deepEqual(op.operations.map((o: any) => [o.clientId, o.operationName]), [['demo-analyst', 'PermitsOfSubject']]);
    assert.equal(await current(), before);

    const departmentForce = await publish({ name: 'ecology', url: ecoServer.url, sdl, force: true }, 'demo-tax-key');
    assert.equal(departmentForce.errors![0]!.extensions!.code, 'FORBIDDEN');
    const forced = (await publish({ name: 'ecology', url: ecoServer.url, sdl, force: true })).data!.registry.publishSubgraph;
    assert.equal(forced.accepted, true);
    assert.equal(forced.forced, true);
    assert.equal(forced.version.version, before + 1);
  });

  it('keeps every version: history, diff and rollback through the same checks', async () => {
    const history = (await stack.query(`{ registry { history { version action subgraph forced subgraphs { name sdlHash } } } }`, {}, 'demo-analyst-key')).data!.registry.history;
    assert.deepEqual(history.map((h: any) => [h.version, h.action, h.subgraph, h.forced]), [[3, 'PUBLISH', 'ecology', true], [2, 'PUBLISH', 'ecology', false], [1, 'BOOTSTRAP', null, false]]);
    const diff = (await stack.query(`{ registry { diff(from: 2, to: 3) } }`, {}, 'demo-analyst-key')).data!.registry.diff;
    assert.ok(diff.some((d: string) => /subgraph ecology SDL changed/.test(d)), JSON.stringify(diff));
    assert.ok(diff.some((d: string) => /breaking: EcologyView\.dischargePermits was removed/.test(d)), JSON.stringify(diff));

    const refused = (await stack.query(`mutation { registry { rollback(version: 1) { accepted problems { check message } } } }`, {}, 'demo-platform-key')).data!.registry.rollback;
    assert.equal(refused.accepted, false, 'rolling back past ecology removes fields clients see');
    assert.ok(refused.problems.some((p: any) => p.check === 'BREAKING_CHANGE'));
    const back = (await stack.query(`mutation { registry { rollback(version: 2, force: true) { accepted version { version action } } } }`, {}, 'demo-platform-key')).data!.registry.rollback;
    assert.deepEqual(back, { accepted: true, version: { version: 4, action: 'ROLLBACK' } });
    await timeUntil('rollback served', () => stack.gateway.supergraphVersion() === 4);
    const permits = await stack.query(`{ subject(id: "${black}") { ecology { dischargePermits { permitNo } } } }`);
    assert.equal(permits.errors, undefined, 'the field is back');
  });

  it('shows analysts the catalogue of registered departments with categories and field descriptions', async () => {
    const r = await stack.query(`{ registry { catalogue { name creditSource description categories { name description } fields { name description } versions } } }`, {}, 'demo-analyst-key');
    const entry = r.data!.registry.catalogue.find((c: any) => c.name === 'ecology');
    assert.equal(entry.creditSource, true);
    assert.deepEqual(entry.categories.map((c: any) => c.name), ['SERIOUS_ENVIRONMENTAL_VIOLATION', 'ENVIRONMENTAL_CREDIT_GREEN', 'ENVIRONMENTAL_WATCH']);
    assert.ok(entry.fields.some((f: any) => f.name === 'dischargePermits' && /排污许可证/.test(f.description)));
    assert.equal(entry.versions, 2);
    assert.ok(r.data!.registry.catalogue.some((c: any) => c.name === 'courts' && c.categories.some((x: any) => x.name === 'DISHONEST_JUDGMENT_DEBTOR')));
  });

  it('serves a load without a single failed request while the supergraph changes ten times', async () => {
    let stop = false;
    let ok = 0;
    const failures: string[] = [];
    const ids = Array.from({ length: 50 }, (_, i) => legalPersonId(7200 + i));
    const worker = async (w: number) => {
      for (let i = 0; !stop; i++) {
        const url = i % 2 ? secondUrl : stack.gatewayUrl;
        try {
          const r = await postGraphQL(url, { query: `query($id: ID!) { subject(id: $id) { id tax { known } courts { known } ecology { known } creditCheck(matter: HONORS, caseRef: "LOAD") { verdict } } }`, variables: { id: ids[(i + w) % ids.length] } }, { authorization: 'Bearer demo-approval-key' });
          if (r.status !== 200 || r.errors) failures.push(JSON.stringify(r).slice(0, 300));
          else ok += 1;
        } catch (err) {
          failures.push((err as Error).message);
        }
      }
    };
    const workers = Array.from({ length: 6 }, (_, w) => worker(w));
    const start = await current();
    const t0 = Date.now();
    for (let k = 1; k <= 10; k++) {
      const sdl = `${ecology.sdl}\nextend type EcologyView {\n  "试点字段 Pilot field ${k}."\n  pilot${k}: String\n}\n`;
      const result = (await publish({ name: 'ecology', url: ecoServer.url, sdl: k === 1 ? sdl : sdl.replace(/(extend type EcologyView \{\n)/, (m) => m + Array.from({ length: k - 1 }, (_, j) => `  "试点字段 Pilot field ${j + 1}."\n  pilot${j + 1}: String\n`).join('')) })).data!.registry.publishSubgraph;
      assert.equal(result.accepted, true, JSON.stringify(result.problems));
      await timeUntil(`change ${k} served`, () => stack.gateway.supergraphVersion() === start + k && second.supergraphVersion() === start + k);
    }
    stop = true;
    await Promise.all(workers);
    console.log(`load during 10 changes in ${Date.now() - t0} ms: ${ok} requests, ${failures.length} failed`);
    assert.deepEqual(failures, []);
    // Gateways, subgraphs and the registry share this one test process, so composition starves
    // the load; what matters is that every request during the changes succeeded.
    assert.ok(ok >= 20, `${ok} requests`);
  });

  it('is driven from the command line too: npm run subgraph -- check / history', async () => {
    const run = (args: string[]) =>
      new Promise<{ code: number | null; out: string }>((resolve) => {
        const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/subgraph.ts', ...args, '--gateway', stack.gatewayUrl], { stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        child.stdout.on('data', (d) => (out += d));
        child.stderr.on('data', (d) => (out += d));
        child.on('exit', (code) => resolve({ code, out }));
      });
    const check = await run(['check', '--name', 'ecology', '--url', ecoServer.url]);
    assert.equal(check.code, 1, check.out);
    assert.match(check.out, /check refused:\n- \[BREAKING_CHANGE\] ecology: ecology: FIELD_REMOVED/);
    const history = await run(['history', '--limit', '3']);
    assert.equal(history.code, 0, history.out);
    assert.match(history.out, /PUBLISH\s+ecology/);
    const bad = await run(['publish', '--name', 'ecology']);
    assert.equal(bad.code, 2);
    assert.match(bad.out, /publish needs --url/);
  });
  it("lets a department withdraw only its own subgraph, refused while another client's operation uses its fields (no --force for it)", async () => {
    await stack.gateway.flushOperations();
    const as = (clientId: string, department: string) => ({ [CallerHeader.client]: clientId, [CallerHeader.role]: 'DEPARTMENT', [CallerHeader.department]: department });
    const remove = (caller: Record<string, string>, force = false) =>
      postToSubgraph(stack.url('registry'), { query: `mutation { registry { removeSubgraph(name: "ecology", dryRun: true, force: ${force}) { accepted problems { check message operations { clientId } } } } }` }, caller);
    const refused = (await remove(as('ecology-bureau', 'ecology'))).data!.registry.removeSubgraph;
    assert.equal(refused.accepted, false);
    // Judged by the operation check alone: the fields going away are not by themselves a refusal.
    assert.ok(refused.problems.length > 0 && refused.problems.every((p: any) => p.check === 'OPERATION'), JSON.stringify(refused.problems));
    assert.ok(refused.problems.some((p: any) => p.operations.some((o: any) => o.clientId === 'demo-approval')), 'the load test\'s operation on ecology { known } is named');
    assert.equal((await remove(as('ecology-bureau', 'ecology'), true)).errors?.[0]?.extensions?.code, 'FORBIDDEN');
    assert.equal((await remove(as('demo-tax', 'tax'))).errors?.[0]?.extensions?.code, 'FORBIDDEN');
  });
});
