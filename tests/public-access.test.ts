import assert from './kit/assert.js';
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import { legalPersonId, naturalPersonId } from '../scripts/demo-data/identities.js';
import { addDays, today } from '../subgraphs/kit/clock.js';
import { insertRecord } from './kit/fixtures.js';
import { postGraphQL, TestStack } from './kit/stack.js';

describe('published red and black lists, and reports from the public', () => {
  let stack: TestStack;
  let publicUrl = '';
  const enterprise = legalPersonId(6100);
  const person = naturalPersonId(6101);
  const ask = (query: string, variables: Record<string, unknown> = {}) => postGraphQL(publicUrl, { query, variables });

  beforeAll(async () => {
    stack = await TestStack.start({ publicRatePerMinute: 30 });
    publicUrl = stack.gatewayUrl.replace('/graphql', '/public/graphql');
    await insertRecord(stack.db('courts'), { subjectId: person, category: 'DISHONEST_JUDGMENT_DEBTOR', listType: 'BLACK', summary: '拒不履行' });
    await insertRecord(stack.db('courts'), { subjectId: enterprise, category: 'DISHONEST_JUDGMENT_DEBTOR', listType: 'BLACK' });
    await insertRecord(stack.db('courts'), { subjectId: legalPersonId(6102), category: 'DISHONEST_JUDGMENT_DEBTOR', listType: 'BLACK', status: 'REPAIRED' });
    await insertRecord(stack.db('courts'), { subjectId: legalPersonId(6103), category: 'DISHONEST_JUDGMENT_DEBTOR', listType: 'BLACK', validUntil: addDays(today(), -1) });
    await insertRecord(stack.db('courts'), { subjectId: legalPersonId(6104), category: 'DISHONEST_JUDGMENT_DEBTOR', listType: 'BLACK', status: 'REVOKED' });
    await insertRecord(stack.db('courts'), { subjectId: legalPersonId(6105), category: 'CONSUMPTION_RESTRICTION', listType: 'WATCH' });
    await insertRecord(stack.db('tax'), { subjectId: enterprise, category: 'TAX_CREDIT_A', listType: 'RED' });
  });
  afterAll(async () => stack?.close());

  it('lists active entries without a key, identity numbers masked, public fields only', async () => {
    const r = await ask(`{ courts { publicList(listType: BLACK) { department subjectId category listType decisionNo decidedOn validUntil } } tax { publicList(listType: RED) { subjectId } } }`);
    assert.equal(r.status, 200, JSON.stringify(r));
    const ids = r.data!.courts.publicList.map((e: any) => e.subjectId).sort();
    assert.deepEqual(ids, [`${person.slice(0, 4)}**********${person.slice(14)}`, enterprise].sort());
    assert.deepEqual(r.data!.tax.publicList, [{ subjectId: enterprise }]);
    assert.ok(!JSON.stringify(r).includes(person), 'the full identity number never appears');
  });

  it('leaves out repaired, expired and revoked entries, and refuses the watch list', async () => {
    const r = await ask(`{ courts { publicList(listType: BLACK) { subjectId } } }`);
    for (const gone of [6102, 6103, 6104]) assert.ok(!r.data!.courts.publicList.some((e: any) => e.subjectId === legalPersonId(gone)));
    const watch = await ask(`{ courts { publicList(listType: WATCH) { subjectId } } }`);
    assert.match(watch.errors![0]!.message, /listType WATCH is not published/);
  });

  it('refuses anything else on the public endpoint with 403 FORBIDDEN naming what is not public', async () => {
    const cases: [string, RegExp][] = [
      [`{ subject(id: "${enterprise}") { id } }`, /subject is not public/],
      [`{ courts { records { id } } }`, /courts.records is not public/],
      [`{ __schema { types { name } } }`, /__schema is not public/],
      [`query { ...F } fragment F on Query { courts { publicList(listType: BLACK) { subjectId } } }`, /fragments are not accepted/],
      [`mutation { courts { publishRecord(input: { subjectId: "${enterprise}", category: "DISHONEST_JUDGMENT_DEBTOR", decisionNo: "x", decidedOn: "2026-01-01", summary: "x" }) { id } } }`, /courts.publishRecord is not public/],
    ];
    for (const [query, message] of cases) {
      const r = await ask(query);
      assert.equal(r.status, 403, query);
      assert.equal(r.errors![0]!.extensions!.code, 'FORBIDDEN');
      assert.match(r.errors![0]!.message, message);
    }
  });

  it('takes reports from anyone, seals the reporter, and shows the reporter only to the receiving department', async () => {
    const r = await ask(`mutation($input: ConductReportInput!) { market { submitReport(input: $input) { id submittedAt } } }`, {
      input: { subjectId: enterprise, conduct: '销售假冒伪劣产品', reporterName: '张举报', reporterContact: '13800000000' },
    });
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    const row = await stack.db('market')('reports').where('id', r.data!.market.submitReport.id).first();
    assert.ok(!row.reporter_sealed.includes('张举报') && !row.reporter_sealed.includes('13800000000'), 'encrypted at rest');
    const seen = await stack.query(`{ market { reports { subjectId conduct reporterName reporterContact } } }`, {}, 'demo-market-key');
    assert.deepEqual(seen.data!.market.reports, [{ subjectId: enterprise, conduct: '销售假冒伪劣产品', reporterName: '张举报', reporterContact: '13800000000' }]);
    for (const key of ['demo-analyst-key', 'demo-platform-key', 'demo-courts-key']) {
      const other = await stack.query(`{ market { reports { reporterName } } }`, {}, key);
      assert.equal(other.errors![0]!.extensions!.code, 'FORBIDDEN', key);
      assert.ok(!JSON.stringify(other).includes('张举报'));
    }
    const wrongDept = await stack.query(`{ courts { reports { reporterName } } }`, {}, 'demo-courts-key');
    assert.deepEqual(wrongDept.data!.courts.reports, []);
  });

  it('rate-limits each address and says when to retry', async () => {
    let limited: Awaited<ReturnType<typeof ask>> | undefined;
    for (let i = 0; i < 40 && !limited; i++) {
      const r = await ask(`{ tax { publicList(listType: RED) { subjectId } } }`);
      if (r.status === 429) limited = r;
    }
    assert.ok(limited, 'a 429 within 40 requests at 30 a minute');
    assert.equal(limited!.errors![0]!.extensions!.code, 'RATE_LIMITED');
    assert.match(limited!.errors![0]!.message, /retry in \d+ s/);
  });
});
