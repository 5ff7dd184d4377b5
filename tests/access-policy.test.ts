import assert from './kit/assert.js';
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Supergraph } from '@apollo/federation-internals';
import { buildSchema, getNamedType, isObjectType, parse, print } from 'graphql';
import { DEMO_CLIENTS } from '../gateway/clients.js';
import { DEFAULT_SUPERGRAPH } from '../gateway/config.js';
import { operationCost } from '../gateway/query-cost.js';
import { DEFAULT_MAX_COST } from '../gateway/query-limits.js';
import { Safelist } from '../gateway/safelist.js';
import { createGateway, type Gateway } from '../gateway/server.js';
import { CallerHeader } from '../subgraphs/kit/caller.js';
import { maskSubjectId } from '../subgraphs/kit/identifiers.js';
import { POLICY, refuseOperation } from '../subgraphs/kit/policy.js';
import { insertRecord, IDS } from './kit/fixtures.js';
import { postGraphQL, postToSubgraph, TestStack, type GraphQLResult } from './kit/stack.js';

/**
 * Every rule of the access policy (subgraphs/kit/policy.ts), tried by a role it must refuse:
 * refused with FORBIDDEN naming the rule (HTTP 403), and nothing written. The subgraphs refuse
 * the same when called with a valid gateway signature, so a bypassed gateway changes nothing.
 */
const CHECK = `query($id: ID!, $matter: Matter!, $caseRef: String!) { subject(id: $id) { creditCheck(matter: $matter, caseRef: $caseRef) { checkId verdict } } }`;
const PUBLISH = `mutation($input: PublishRecordInput!) { market { publishRecord(input: $input) { id } } }`;

function refusedBy(r: GraphQLResult, rule: string): void {
  assert.equal(r.status, 403, JSON.stringify(r));
  assert.equal(r.errors?.[0]?.extensions?.code, 'FORBIDDEN', JSON.stringify(r.errors));
  assert.equal(r.errors?.[0]?.extensions?.rule, rule, JSON.stringify(r.errors));
  assert.match(r.errors![0]!.message, new RegExp(`forbidden by rule ${rule.replace(/\./g, '\\.')}`));
  assert.equal(r.data ?? null, null, 'nothing is answered');
}

const count = async (stack: TestStack, name: 'platform' | 'market' | 'tax' | 'registry', table: string) =>
  Number(((await stack.db(name)(table).count({ n: '*' }).first()) as { n: number | string }).n);

describe('access policy: every rule refuses the roles it excludes', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await TestStack.start({ withRegistry: true });
    await insertRecord(stack.db('tax'), { subjectId: IDS.blackEnterprise, category: 'MAJOR_TAX_VIOLATION', listType: 'BLACK' });
    await insertRecord(stack.db('courts'), { subjectId: IDS.debtorPerson, category: 'DISHONEST_JUDGMENT_DEBTOR', listType: 'BLACK' });
  });
  afterAll(async () => stack?.close());

  describe('checks (check.*)', () => {
    it('only approval systems check: analysts, departments and the credit office are refused, and no check is stored', async () => {
      const before = await count(stack, 'platform', 'checks');
      for (const key of ['demo-analyst-key', 'demo-tax-key', 'demo-platform-key']) {
        refusedBy(await stack.query(CHECK, { id: IDS.blackEnterprise, matter: 'HONORS', caseRef: 'PJ-1' }, key), 'check.approval-systems-only');
      }
      assert.equal(await count(stack, 'platform', 'checks'), before);
    });

    it('an approval system checks only for its own matters', async () => {
      const before = await count(stack, 'platform', 'checks');
      refusedBy(await stack.query(CHECK, { id: IDS.blackEnterprise, matter: 'HONORS', caseRef: 'ZFCG-1' }, 'demo-procurement-key'), 'check.own-matters');
      assert.equal(await count(stack, 'platform', 'checks'), before);
      const allowed = await stack.query(CHECK, { id: IDS.blackEnterprise, matter: 'GOVERNMENT_PROCUREMENT', caseRef: 'ZFCG-1' }, 'demo-procurement-key');
      assert.equal(allowed.data!.subject.creditCheck.verdict, 'MANDATORY_RESTRICTION');
      assert.equal(await count(stack, 'platform', 'checks'), before + 1);
    });

    it('a matter hidden in a batch, an alias or a fragment is seen too', async () => {
      const r = await stack.query(
        `query($ids: [ID!]!) { subjects(ids: $ids) { ok: creditCheck(matter: GOVERNMENT_PROCUREMENT, caseRef: "Z-1") { verdict } ...Sneaky } }
         fragment Sneaky on Subject { honour: creditCheck(matter: HONORS, caseRef: "Z-1") { verdict } }`,
        { ids: [IDS.blackEnterprise, IDS.redEnterprise] },
        'demo-procurement-key',
      );
      refusedBy(r, 'check.own-matters');
    });

    it('a check always has a case reference', async () => {
      refusedBy(await stack.query(CHECK, { id: IDS.blackEnterprise, matter: 'HONORS', caseRef: ' ' }, 'demo-approval-key'), 'check.case-reference');
    });

    it('approval systems do not preview; analysts do, and nothing is stored', async () => {
      const preview = `{ subject(id: "${IDS.blackEnterprise}") { creditPreview(matter: GOVERNMENT_PROCUREMENT) { verdict } } }`;
      refusedBy(await stack.query(preview, {}, 'demo-approval-key'), 'check.preview');
      const before = await count(stack, 'platform', 'checks');
      const r = await stack.query(preview, {}, 'demo-analyst-key');
      assert.equal(r.data!.subject.creditPreview.verdict, 'MANDATORY_RESTRICTION');
      assert.equal(await count(stack, 'platform', 'checks'), before);
    });

    it('execution feedback only from approval systems', async () => {
      const before = await count(stack, 'platform', 'feedback');
      const r = await stack.query(`mutation { platform { reportFeedback(checkId: "x", items: [{ measureCode: "P", outcome: APPLIED }]) { checkId } } }`, {}, 'demo-platform-key');
      refusedBy(r, 'feedback.own-checks');
      assert.equal(await count(stack, 'platform', 'feedback'), before);
    });
  });

  describe('personal identity numbers', () => {
    it('are masked for analysts in the records they read, and whole for approval systems, departments and the credit office', async () => {
      const q = `{ subject(id: "${IDS.debtorPerson}") { id courts { records { subjectId summary } } } courts { records(listType: BLACK) { subjectId } } }`;
      const masked = maskSubjectId(IDS.debtorPerson);
      const analyst = await stack.query(`{ courts { records(listType: BLACK) { subjectId } } }`, {}, 'demo-analyst-key');
      assert.ok(analyst.data!.courts.records.some((r: { subjectId: string }) => r.subjectId === masked), JSON.stringify(analyst.data));
      assert.ok(!JSON.stringify(analyst).includes(IDS.debtorPerson), 'the full number appears nowhere in the answer');
      for (const key of ['demo-courts-key', 'demo-platform-key']) {
        const full = await stack.query(q, {}, key);
        assert.equal(full.data!.subject.id, IDS.debtorPerson, key);
      }
      const check = await stack.query(CHECK, { id: IDS.debtorPerson, matter: 'HIGH_CONSUMPTION', caseRef: 'HC-1' }, 'demo-approval-key');
      assert.equal(check.errors, undefined, JSON.stringify(check.errors));
    });

    it('are not looked up by an analyst (subject-view.natural-persons), at the gateway and at the platform subgraph', async () => {
      const refusals: string[] = [];
      for (const query of [`{ subject(id: "${IDS.debtorPerson}") { id } }`, `{ subjects(ids: ["${IDS.blackEnterprise}", "${IDS.debtorPerson}"]) { id } }`, `{ subject(id: "360426199101010072") { id } }`]) {
        const r = await stack.query(query, {}, 'demo-analyst-key');
        refusedBy(r, 'subject-view.natural-persons');
        refusals.push(r.errors![0]!.message);
      }
      assert.equal(refusals[2], refusals[0], 'one message whatever the number, valid or not');
      assert.ok(!refusals.join().includes('0071') && !refusals.join().includes('0072'), 'the number is not echoed');
      const analyst = { [CallerHeader.client]: 'demo-analyst', [CallerHeader.role]: 'ANALYST' };
      const direct = await postToSubgraph(stack.url('platform'), { query: `{ subject(id: "${IDS.debtorPerson}") { id } }` }, analyst);
      assert.equal(direct.errors![0]!.extensions!.rule, 'subject-view.natural-persons', JSON.stringify(direct));
    });

    it('are masked in error messages too', async () => {
      // The validator quotes the bad value back: an identity number given where a matter belongs.
      const q = `{ subject(id: "91430100MA4L0L0000") { creditPreview(matter: "${IDS.debtorPerson}") { verdict } } }`;
      const full = await stack.query(q, {}, 'demo-platform-key');
      assert.ok(full.errors![0]!.message.includes(IDS.debtorPerson), 'the credit office sees the value as given');
      const analyst = await stack.query(q, {}, 'demo-analyst-key');
      assert.ok(analyst.errors![0]!.message.includes(maskSubjectId(IDS.debtorPerson)), analyst.errors![0]!.message);
      assert.ok(!JSON.stringify(analyst.errors).includes(IDS.debtorPerson));
    });

    it('are masked by the subgraph itself for an analyst, even called with a valid gateway signature', async () => {
      const analyst = { [CallerHeader.client]: 'demo-analyst', [CallerHeader.role]: 'ANALYST' };
      const r = await postToSubgraph(stack.url('courts'), { query: '{ courts { records(listType: BLACK) { subjectId } } }' }, analyst);
      assert.equal(r.errors, undefined, JSON.stringify(r.errors));
      assert.ok(r.data!.courts.records.length > 0);
      assert.ok(r.data!.courts.records.every((x: { subjectId: string }) => !x.subjectId.includes(IDS.debtorPerson)), JSON.stringify(r.data));
    });
  });

  describe('departments (department.*)', () => {
    const input = { subjectId: IDS.watchEnterprise, category: 'ABNORMAL_OPERATION', decisionNo: 'X-1', decidedOn: '2026-01-05', summary: '未按规定公示年度报告' };

    it('a department writes only in its own namespace', async () => {
      const before = await count(stack, 'market', 'credit_records');
      refusedBy(await stack.query(PUBLISH, { input }, 'demo-tax-key'), 'department.write');
      for (const key of ['demo-analyst-key', 'demo-approval-key']) refusedBy(await stack.query(PUBLISH, { input }, key), 'department.write');
      assert.equal(await count(stack, 'market', 'credit_records'), before);
    });

    it("reads only its own objections, repair applications and reports", async () => {
      refusedBy(await stack.query('{ market { objections { id } } }', {}, 'demo-tax-key'), 'department.cases');
      refusedBy(await stack.query('{ market { repairApplications { id } } }', {}, 'demo-analyst-key'), 'department.cases');
      refusedBy(await stack.query('{ market { reports { id } } }', {}, 'demo-tax-key'), 'department.reports');
      refusedBy(await stack.query('{ market { reports { id } } }', {}, 'demo-platform-key'), 'department.reports');
      const own = await stack.query('{ market { objections { id } reports { id } } }', {}, 'demo-market-key');
      assert.equal(own.errors, undefined, JSON.stringify(own.errors));
    });

    it('only the owning department decides objections and repairs; the outbox is the relay\'s', async () => {
      refusedBy(await stack.query(`mutation { market { decideRepair(applicationId: "a", approve: true, note: "n") { id } } }`, {}, 'demo-platform-key'), 'department.owner');
      refusedBy(await stack.query(`mutation { market { resolveObjection(objectionId: "o", outcome: UPHELD, note: "n") { id } } }`, {}, 'demo-tax-key'), 'department.owner');
      refusedBy(await stack.query('{ market { events(after: 0) { seq } } }', {}, 'demo-market-key'), 'department.events');
    });

    it('the subgraph refuses another department\'s write even with a valid gateway signature', async () => {
      const before = await count(stack, 'market', 'credit_records');
      const tax = { [CallerHeader.client]: 'demo-tax', [CallerHeader.role]: 'DEPARTMENT', [CallerHeader.department]: 'tax' };
      const r = await postToSubgraph(stack.url('market'), { query: PUBLISH, variables: { input } }, tax);
      assert.equal(r.errors?.[0]?.extensions?.code, 'FORBIDDEN');
      assert.equal(r.errors?.[0]?.extensions?.rule, 'department.write');
      assert.equal(await count(stack, 'market', 'credit_records'), before);
    });
  });

  describe('platform, registry and introspection', () => {
    it('the measures catalogue changes only by the credit office; statistics only for analysts and the office', async () => {
      const before = await count(stack, 'platform', 'measures');
      refusedBy(await stack.query(`mutation { platform { retireMeasure(code: "P_HONORS_REVOKED", note: "n") { code } } }`, {}, 'demo-approval-key'), 'measures.write');
      refusedBy(await stack.query(`mutation { platform { retireMeasure(code: "P_HONORS_REVOKED", note: "n") { code } } }`, {}, 'demo-analyst-key'), 'measures.write');
      assert.equal(await count(stack, 'platform', 'measures'), before, 'no measure version is written');
      refusedBy(await stack.query(`{ platform { checkStatistics(from: "2026-01-01", to: "2026-01-31", groupBy: MATTER) { group } } }`, {}, 'demo-approval-key'), 'statistics');
    });

    it('the registry: operations for analysts, rollback for the credit office, publishing for departments and the office', async () => {
      refusedBy(await stack.query('{ registry { operations { operationName } } }', {}, 'demo-approval-key'), 'registry.operations');
      refusedBy(await stack.query('mutation { registry { rollback(version: 1, dryRun: true) { accepted } } }', {}, 'demo-tax-key'), 'registry.rollback');
      refusedBy(await stack.query('mutation { registry { removeSubgraph(name: "tax", dryRun: true) { accepted } } }', {}, 'demo-analyst-key'), 'registry.write');
    });

    it('introspection only for analysts and the credit office', async () => {
      for (const key of ['demo-approval-key', 'demo-tax-key']) {
        refusedBy(await stack.query('{ __schema { queryType { name } } }', {}, key), 'introspection');
        refusedBy(await stack.query('{ __type(name: "Subject") { fields { name } } }', {}, key), 'introspection');
      }
      for (const key of ['demo-analyst-key', 'demo-platform-key']) {
        const r = await stack.query('{ __schema { queryType { name } } }', {}, key);
        assert.equal(r.data!.__schema.queryType.name, 'Query');
      }
    });

    it('metrics and status for analysts and the credit office only; a browser may give the key as a Basic password', async () => {
      const origin = new URL(stack.gatewayUrl).origin;
      for (const path of ['/metrics', '/status', '/status.json']) {
        const none = await fetch(`${origin}${path}`);
        assert.equal(none.status, 401, path);
        assert.match(none.headers.get('www-authenticate') ?? '', /^Basic /);
        const approval = await fetch(`${origin}${path}`, { headers: { authorization: 'Bearer demo-approval-key' } });
        assert.equal(approval.status, 403, path);
        assert.match(await approval.text(), /forbidden by rule operators/);
        const basic = await fetch(`${origin}${path}`, { headers: { authorization: `Basic ${Buffer.from('analyst:demo-analyst-key').toString('base64')}` } });
        assert.equal(basic.status, 200, path);
      }
      assert.equal((await fetch(`${origin}/health/ready`)).status, 200, 'health stays open for load balancers');
    });

    it('the public endpoint reaches only the published lists', async () => {
      const r = await postGraphQL(`${new URL(stack.gatewayUrl).origin}/public/graphql`, { query: `{ subject(id: "${IDS.blackEnterprise}") { id } }` });
      assert.equal(r.status, 403);
      assert.equal(r.errors![0]!.extensions!.code, 'FORBIDDEN');
    });
  });

  describe('injection-shaped input is refused by validation, and nothing is written', () => {
    const shapes = [`' OR '1'='1`, `1; DROP TABLE credit_records; --`, `91430100MA4L0L0000' --`, `<script>alert(1)</script>`, `\${jndi:ldap://x}`];

    it('as subject ids, one or in a batch', async () => {
      for (const id of shapes) {
        const r = await stack.query(`query($id: ID!) { subject(id: $id) { id } }`, { id }, 'demo-platform-key');
        assert.equal(r.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT', id);
        assert.ok(r.errors![0]!.message.includes(JSON.stringify(id).slice(1, 10)) || /expected 18 characters/.test(r.errors![0]!.message), r.errors![0]!.message);
      }
      const batch = await stack.query(`query($ids: [ID!]!) { subjects(ids: $ids) { id } }`, { ids: [IDS.blackEnterprise, ...shapes] }, 'demo-platform-key');
      assert.equal(batch.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
      assert.equal(batch.data ?? null, null);
    });

    it('as case references: refused, no check stored', async () => {
      const before = await count(stack, 'platform', 'checks');
      for (const caseRef of shapes) {
        const r = await stack.query(CHECK, { id: IDS.blackEnterprise, matter: 'HONORS', caseRef }, 'demo-approval-key');
        assert.equal(r.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT', caseRef);
        assert.match(r.errors![0]!.message, /is not a case number/);
      }
      assert.equal(await count(stack, 'platform', 'checks'), before);
    });

    it('as search filters: refused naming the value, the tables untouched', async () => {
      for (const category of shapes) {
        const r = await stack.query(`query($c: String) { tax { records(category: $c) { id } } }`, { c: category }, 'demo-analyst-key');
        assert.equal(r.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT', category);
        assert.match(r.errors![0]!.message, /category .* is not valid: expected one of/);
        const pub = await postGraphQL(`${new URL(stack.gatewayUrl).origin}/public/graphql`, { query: `query($c: String) { tax { publicList(listType: BLACK, category: $c) { subjectId } } }`, variables: { c: category } });
        assert.equal(pub.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT', category);
      }
      assert.ok((await count(stack, 'tax', 'credit_records')) >= 1, 'the records table is still there');
    });

    it('as record ids in a write: refused or not found, nothing written', async () => {
      const before = await count(stack, 'market', 'credit_records');
      for (const id of shapes) {
        const r = await stack.query(`mutation($id: ID!) { market { revokeRecord(id: $id, reason: "r") { id } } }`, { id }, 'demo-market-key');
        assert.ok(['BAD_USER_INPUT', 'NOT_FOUND'].includes(r.errors?.[0]?.extensions?.code), JSON.stringify(r.errors));
      }
      assert.equal(await count(stack, 'market', 'credit_records'), before);
    });
  });

  it('an oversized body is refused with 413 before it is read whole, and nothing is written', async () => {
    const before = await count(stack, 'market', 'credit_records');
    const input = { subjectId: IDS.watchEnterprise, category: 'ABNORMAL_OPERATION', decisionNo: 'BIG-1', decidedOn: '2026-01-05', summary: '长'.repeat(1_500_000) };
    const r = await postGraphQL(stack.gatewayUrl, { query: PUBLISH, variables: { input } }, { authorization: 'Bearer demo-market-key' });
    assert.equal(r.status, 413);
    assert.equal(r.errors![0]!.extensions!.code, 'PAYLOAD_TOO_LARGE');
    assert.equal(await count(stack, 'market', 'credit_records'), before);
  });

  it('an operation name the document does not define is a 400, not a 500', async () => {
    const r = await postGraphQL(stack.gatewayUrl, { query: 'query A { viewer { role } }', operationName: 'B' }, { authorization: 'Bearer demo-analyst-key' });
    assert.equal(r.status, 400);
    assert.equal(r.errors![0]!.extensions!.code, 'BAD_REQUEST');
    assert.match(r.errors![0]!.message, /unknown operation named "B"/);
  });

  it('an over-costly operation is refused before any subgraph is asked', async () => {
    const ids = Array.from({ length: 1000 }, () => IDS.blackEnterprise);
    const nested = `query($ids: [ID!]!) { subjects(ids: $ids) { market { representedEnterprises { enterprise { tax { records { id } } market { records { id } representedEnterprises { enterprise { courts { records { id summary } } } } } } } } } }`;
    const r = await stack.query(nested, { ids }, 'demo-platform-key');
    assert.equal(r.status, 400);
    assert.equal(r.errors![0]!.extensions!.code, 'QUERY_TOO_COSTLY');
    assert.match(r.errors![0]!.message, /estimated cost is \d+ or more: at most 2000000/);
  });
});

describe('access policy table', () => {
  it('refuses, by default, an operation no rule covers (a department adds a field nobody has ruled on)', () => {
    const schema = buildSchema(`type Query { tax: TaxQuery } type TaxQuery { records: [Int] exportEverything: [Int] }`);
    const caller = { clientId: 'c', role: 'CREDIT_OFFICE' as const };
    assert.equal(refuseOperation(schema, parse('{ tax { records } }'), null, {}, caller), null);
    assert.deepEqual(refuseOperation(schema, parse('{ tax { exportEverything } }'), null, {}, caller), {
      rule: 'default-deny',
      message: 'DepartmentQuery.exportEverything is covered by no access rule',
    });
  });

  it('has a rule for every operation of every subgraph (nothing falls to the default refusal)', async () => {
    const { buildSubgraphSchema } = await import('@apollo/subgraph');
    const office = { clientId: 'c', role: 'CREDIT_OFFICE' as const, matters: [] };
    let operations = 0;
    for (const name of ['tax', 'market', 'courts', 'finance', 'platform', 'registry']) {
      const schema = buildSubgraphSchema(parse(readFileSync(new URL(`../schema/${name}.graphql`, import.meta.url), 'utf8')));
      for (const [root, keyword] of [[schema.getQueryType(), 'query'], [schema.getMutationType(), 'mutation']] as const) {
        for (const field of Object.values(root?.getFields() ?? {})) {
          if (field.name.startsWith('_')) continue;
          const type = getNamedType(field.type);
          const inner = isObjectType(type) && /(Query|Mutation)$/.test(type.name) ? Object.keys(type.getFields()) : [null];
          for (const sub of inner) {
            operations += 1;
            const doc = parse(`${keyword} { ${field.name}${sub ? ` { ${sub} }` : ''} }`);
            const refusal = refuseOperation(schema, doc, null, {}, office);
            assert.notEqual(refusal?.rule, 'default-deny', `${name}: ${keyword} ${field.name}.${sub}: ${refusal?.message}`);
          }
        }
      }
    }
    assert.ok(operations > 40, `${operations} operations looked at`);
    assert.ok(POLICY['Subject.creditCheck'], 'checks are covered');
  });
});

describe('safelist mode: approval systems run only registered operations', () => {
  let stack: TestStack;
  let gateway: Gateway;
  let url = '';
  const SAFELIST = fileURLToPath(new URL('../gateway/safelist.graphql', import.meta.url));

  beforeAll(async () => {
    stack = await TestStack.start();
    await insertRecord(stack.db('tax'), { subjectId: IDS.blackEnterprise, category: 'MAJOR_TAX_VIOLATION', listType: 'BLACK' });
    gateway = await createGateway({
      port: 0, host: '127.0.0.1', supergraphFile: DEFAULT_SUPERGRAPH, registry: null, registryPollMs: 1000,
      subgraphUrls: Object.fromEntries([...stack.subgraphs].map(([name, s]) => [name, s.running!.url])),
      subgraphTimeoutMs: 30_000, subgraphConnections: 4, maxBodyBytes: 1 << 20, publicRatePerMinute: 60,
      clients: DEMO_CLIENTS,
      safelistFile: SAFELIST,
    });
    url = (await gateway.listen(0)).url;
  });
  afterAll(async () => {
    await gateway?.close();
    await stack?.close();
  });

  const registered = (name: string) => {
    const document = parse(readFileSync(SAFELIST, 'utf8'));
    const operation = document.definitions.find((d) => d.kind === 'OperationDefinition' && d.name?.value === name)!;
    // The fragment is sent too; layout differs from the file (printed anew), which does not matter.
    return [print(operation), ...document.definitions.filter((d) => d.kind === 'FragmentDefinition').map((d) => print(d))].join('\n');
  };

  it('runs a registered operation as written, in another layout', async () => {
    const r = await postGraphQL(url, { query: registered('CreditCheck'), variables: { id: IDS.blackEnterprise, matter: 'GOVERNMENT_PROCUREMENT', caseRef: 'ZFCG-9' } }, { authorization: 'Bearer demo-approval-key' });
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    assert.equal(r.data!.subject.creditCheck.verdict, 'MANDATORY_RESTRICTION');
  });

  it('refuses any other operation of an approval system, and stores no check', async () => {
    const before = Number(((await stack.db('platform')('checks').count({ n: '*' }).first()) as { n: number }).n);
    for (const query of [CHECK, registered('CreditCheck').replace('verdict', 'verdict __typename'), '{ platform { measures { code } } }']) {
      const r = await postGraphQL(url, { query, variables: { id: IDS.blackEnterprise, matter: 'GOVERNMENT_PROCUREMENT', caseRef: 'ZFCG-9' } }, { authorization: 'Bearer demo-approval-key' });
      refusedBy(r, 'safelist');
    }
    assert.equal(Number(((await stack.db('platform')('checks').count({ n: '*' }).first()) as { n: number }).n), before);
  });

  it('leaves other roles alone', async () => {
    const r = await postGraphQL(url, { query: '{ platform { measures { code } } }' }, { authorization: 'Bearer demo-analyst-key' });
    assert.equal(r.errors, undefined);
  });

  it('refuses a safelist file without named operations at start-up, naming the file', () => {
    assert.throws(() => new Safelist('{ viewer { role } }', 'SAFELIST_FILE x.graphql'), /SAFELIST_FILE x\.graphql: every registered operation needs a name/);
  });

  it('a registered 1,000-subject batch check stays under the cost limit', async () => {
    const schema = buildSubgraphSchemaForCost();
    const ids = Array.from({ length: 1000 }, () => IDS.blackEnterprise);
    const cost = operationCost(schema, parse(registered('BatchCreditCheck')), 'BatchCreditCheck', { ids });
    assert.ok(cost < DEFAULT_MAX_COST, `cost ${cost}`);
    assert.ok(cost > 100_000, `cost ${cost} counts every subject`);
  });
});

/** The composed API schema, to price operations the way the gateway does. */
function buildSubgraphSchemaForCost() {
  const supergraph = readFileSync(fileURLToPath(new URL('../schema/supergraph.graphql', import.meta.url)), 'utf8');
  return Supergraph.build(supergraph).apiSchema().toGraphQLJSSchema();
}
