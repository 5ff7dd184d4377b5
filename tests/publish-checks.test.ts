import assert from './kit/assert.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import { exampleTabs } from '../gateway/graphiql-examples.js';
import { defaultUrl, DEPARTMENTS, type ServiceName } from '../subgraphs/services.js';
import { runTs } from './kit/processes.js';
import { postToSubgraph, TestStack } from './kit/stack.js';

const PUBLISH = `mutation($input: PublishSubgraphInput!) { registry { publishSubgraph(input: $input) {
  accepted dryRun forced unchanged version { version action subgraph } problems { check subgraph message operations { clientId operationName signature } } } } }`;

/** The SDL a subgraph serves (`_service { sdl }`): printed otherwise than the SDL the registry was bootstrapped with. */
async function servedSdl(stack: TestStack, name: ServiceName): Promise<string> {
  const r = await postToSubgraph<{ _service: { sdl: string } }>(stack.url(name), { query: '{ _service { sdl } }' });
  assert.equal(r.errors, undefined, JSON.stringify(r.errors));
  return r.data!._service.sdl;
}

describe('publishing after real traffic', () => {
  let stack: TestStack;
  const current = async () => (await stack.query(`{ registry { current { version } } }`, {}, 'demo-platform-key')).data!.registry.current.version as number;
  const publish = async (name: ServiceName, sdl: string, key: string, dryRun = false) => {
    const r = await stack.query(PUBLISH, { input: { name, url: defaultUrl(name), sdl, dryRun } }, key);
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    return r.data!.registry.publishSubgraph;
  };

  const tmp = mkdtempSync(path.join(tmpdir(), 'publish-checks-'));
  beforeAll(async () => {
    stack = await TestStack.start({ withRegistry: true });
  });
  afterAll(async () => {
    await stack?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('every GraphiQL example tab runs, then every department re-publishes its unchanged schema: all accepted, no new version', async () => {
    const today = new Date().toISOString().slice(0, 10);
    const tabs = exampleTabs(today);
    assert.ok(tabs.some((t) => /query Statistics/.test(t.query)), 'the Statistics tab (aliased checkStatistics) is among them');
    for (const tab of tabs) {
      const r = await stack.query(tab.query, JSON.parse(tab.variables), 'demo-analyst-key');
      assert.equal(r.errors, undefined, `${tab.query.split('\n').find((l) => l.startsWith('query'))}: ${JSON.stringify(r.errors)}`);
    }
    // The README's view and check, as an analyst and an approval system send them.
    const view = await stack.query(`{ subject(id: "91430100MA4L0L0000") { id kind tax { records { category listType status } } market { registration { name status } records { category listType } } } }`);
    assert.equal(view.errors, undefined, JSON.stringify(view.errors));
    const check = await stack.query(
      `query Check($id: ID!) { subject(id: $id) { creditCheck(matter: GOVERNMENT_PROCUREMENT, caseRef: "ZFCG-2026-0815") { checkId verdict subjectKnown missingSources explanation } } }`,
      { id: '91430100MA4L0L0000' },
      'demo-approval-key',
    );
    assert.equal(check.errors, undefined, JSON.stringify(check.errors));
    await stack.gateway.flushOperations();

    const ops = (await stack.query(`{ registry { operations { clientId operationName signature } } }`)).data!.registry.operations as { clientId: string; operationName: string | null; signature: string }[];
    const statistics = ops.find((o) => o.operationName === 'Statistics' && o.clientId === 'demo-analyst');
    assert.ok(statistics, `the Statistics operation is recorded: ${JSON.stringify(ops.map((o) => o.operationName))}`);
    // As sent: aliases, the fragment and the variables kept; no literal of the check (its case number, the id) stored.
    assert.match(statistics.signature, /byMatter: checkStatistics\(from: \$from, to: \$to, groupBy: MATTER\)/);
    assert.match(statistics.signature, /fragment Stats on CheckStatistics/);
    const recordedCheck = ops.find((o) => o.operationName === 'Check')!;
    assert.ok(!recordedCheck.signature.includes('ZFCG'), recordedCheck.signature);
    assert.ok(!ops.some((o) => o.signature.includes('91430100MA4L0L0000')), 'no subject id is stored');

    const before = await current();
    for (const name of DEPARTMENTS) {
      const result = await publish(name, await servedSdl(stack, name), `demo-${name}-key`);
      assert.equal(result.accepted, true, `${name}: ${JSON.stringify(result.problems)}`);
      assert.deepEqual(result.problems, []);
      assert.equal(result.unchanged, true);
      assert.equal(result.version.version, before, `${name}: an unchanged schema makes no new version`);
    }
    // The same through the command line a department uses.
    const sdlFile = path.join(tmp, 'tax.graphql');
    writeFileSync(sdlFile, await servedSdl(stack, 'tax'));
    const cli = await runTs('scripts/subgraph.ts', ['publish', '--name', 'tax', '--url', defaultUrl('tax'), '--sdl', sdlFile, '--gateway', stack.gatewayUrl, '--key', 'demo-tax-key'], {});
    assert.equal(cli.code, 0, cli.stdout + cli.stderr);
    assert.match(cli.stdout, new RegExp(`change accepted: unchanged, supergraph version ${before} stays current`));
    // The credit office re-publishes the platform and the registry the same way.
    for (const name of ['platform', 'registry'] as const) {
      const result = await publish(name, await servedSdl(stack, name), 'demo-platform-key');
      assert.equal(result.accepted, true, `${name}: ${JSON.stringify(result.problems)}`);
      assert.equal(result.version.version, before);
    }
    assert.equal(await current(), before);
  });

  it('still refuses a change that breaks an operation as it was sent, aliases and fragments included', async () => {
    const aliased = `query TwoLists { tax { black: records(listType: BLACK, limit: 5) { ...Row } red: records(listType: RED, limit: 5) { ...Row } } }
      fragment Row on CreditRecord { category decisionNo }`;
    const r = await stack.query(aliased, {}, 'demo-analyst-key');
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    await stack.gateway.flushOperations();
    const sdl = await servedSdl(stack, 'tax');
    const withoutLimit = sdl.replace('records(listType: ListType, category: String, status: RecordStatus, limit: Int = 100)', 'records(listType: ListType, category: String, status: RecordStatus)');
    assert.notEqual(withoutLimit, sdl, 'the tax SDL has the records field this test changes');
    const result = await publish('tax', withoutLimit, 'demo-tax-key', true);
    assert.equal(result.accepted, false);
    const problem = result.problems.find((p: any) => p.check === 'OPERATION' && p.operations.some((o: any) => o.operationName === 'TwoLists'));
    assert.ok(problem, JSON.stringify(result.problems));
    assert.match(problem.message, /operation TwoLists run by demo-analyst would break: Unknown argument "limit" on field "TaxQuery.records"/);
    assert.doesNotMatch(problem.message, /conflict/);
  });

  it('is not stopped by a recorded operation that does not validate against the supergraph served now either', async () => {
    // What gateways recorded before operations were kept as sent: the Statistics tab without its
    // aliases, which validates against no schema ("Fields "checkStatistics" conflict").
    const collapsed = 'fragment Stats on CheckStatistics{applied checks feedbackRate group hits measures notApplied subjects verdicts{count verdict}}query Statistics($from:String!,$to:String!){platform{checkStatistics(from:$from,groupBy:MATTER,to:$to){...Stats}checkStatistics(from:$from,groupBy:REGION,to:$to){...Stats}checkStatistics(from:$from,groupBy:DEPARTMENT,to:$to){...Stats}}}';
    await stack.db('registry')('observed_operations').insert({ signature_hash: 'f'.repeat(64), client_id: 'demo-analyst', signature: collapsed, operation_name: 'Statistics', last_seen: new Date().toISOString() });
    const sdl = await servedSdl(stack, 'tax');
    // A change that breaks nothing: an optional argument more.
    const changed = sdl.replace('records(listType: ListType, category: String, status: RecordStatus, limit: Int = 100)', 'records(listType: ListType, category: String, status: RecordStatus, limit: Int = 100, region: String)');
    assert.notEqual(changed, sdl);
    const result = await publish('tax', changed, 'demo-tax-key', true);
    assert.equal(result.accepted, true, JSON.stringify(result.problems));
    assert.deepEqual(result.problems, []);
  });

  it('refuses new operations no access rule covers, naming them and how to add rules; changes nothing', async () => {
    const before = await current();
    const sdl = await servedSdl(stack, 'tax');
    const extended = `${sdl}\nextend type TaxQuery {\n  "Every record, exported."\n  exportAll: [CreditRecord!]!\n}\n\nextend type Query {\n  taxHealth: String\n}\n`;
    const result = await publish('tax', extended, 'demo-tax-key');
    assert.equal(result.accepted, false, JSON.stringify(result));
    const policy = result.problems.filter((p: any) => p.check === 'POLICY');
    assert.equal(policy.length, 1, JSON.stringify(result.problems));
    assert.equal(policy[0].subgraph, 'tax');
    assert.match(policy[0].message, /no access rule covers .*TaxQuery\.exportAll \(rule key DepartmentQuery\.exportAll\)/);
    assert.match(policy[0].message, /Query\.taxHealth/);
    assert.match(policy[0].message, /POLICY table in subgraphs\/kit\/policy\.ts/);
    assert.equal(await current(), before);
    // A department's new field the table does cover (by its generic key) is not a policy problem.
    const covered = await publish('tax', sdl, 'demo-tax-key', true);
    assert.equal(covered.accepted, true, JSON.stringify(covered.problems));
  });
});
