import assert from './kit/assert.js';
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import { legalPersonId, naturalPersonId } from '../scripts/demo-data/identities.js';
import { addDays, today } from '../subgraphs/kit/clock.js';
import { insertRecord } from './kit/fixtures.js';
import { TestStack } from './kit/stack.js';

describe('tracking and assessment (跟踪问效)', () => {
  let stack: TestStack;
  const black = legalPersonId(5100); // a Changsha enterprise (division 430100 or a district)
  const clean = naturalPersonId(5101);

  beforeAll(async () => {
    stack = await TestStack.start();
    await insertRecord(stack.db('finance'), { subjectId: black, category: 'FISCAL_FUND_FRAUD', listType: 'BLACK' });
    const checks: [string, string][] = [[black, 'GOVERNMENT_PROCUREMENT'], [black, 'FISCAL_FUNDS'], [clean, 'GOVERNMENT_PROCUREMENT']];
    let reported = false;
    for (const [id, matter] of checks) {
      const r = await stack.query(`{ subject(id: "${id}") { creditCheck(matter: ${matter}, caseRef: "ST-1") { checkId measures { code } } } }`, {}, 'demo-approval-key');
      const c = r.data!.subject.creditCheck;
      if (c.measures.length > 0 && !reported) {
        reported = true;
        await stack.query(`mutation($id: ID!, $code: String!) { platform { reportFeedback(checkId: $id, items: [{ measureCode: $code, outcome: APPLIED }]) { outcome } } }`, { id: c.checkId, code: c.measures[0].code }, 'demo-approval-key');
      }
    }
    const rec = await insertRecord(stack.db('courts'), { subjectId: clean, category: 'DISHONEST_JUDGMENT_DEBTOR', listType: 'BLACK' });
    await stack.query(`mutation($id: ID!) { courts { fileObjection(input: { recordId: $id, reason: "已履行" }) { id } } }`, { id: rec.id }, 'demo-platform-key');
    await stack.db('courts')('objections').insert({
      id: 'obj-old', record_id: 'x', subject_id: clean, filed_by: 'demo-platform', reason: 'old', filed_at: `${addDays(today(), -30)}T00:00:00.000Z`,
      due_on: addDays(today(), -10), status: 'PENDING', resolved_at: null, resolved_by: null, resolution_note: null, idempotency_key: null,
    });
  });
  afterAll(async () => stack?.close());

  it('groups checks by matter with verdicts, hits and the feedback rate', async () => {
    const r = await stack.query(`query($from: String!, $to: String!) { platform { checkStatistics(from: $from, to: $to, groupBy: MATTER) {
      group checks subjects hits measures applied notApplied feedbackRate verdicts { verdict count } } } }`, { from: today(), to: today() });
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    const byMatter = Object.fromEntries(r.data!.platform.checkStatistics.map((g: any) => [g.group, g]));
    assert.deepEqual(byMatter.GOVERNMENT_PROCUREMENT.verdicts, [{ verdict: 'MANDATORY_RESTRICTION', count: 1 }, { verdict: 'CLEAR', count: 1 }]);
    assert.equal(byMatter.GOVERNMENT_PROCUREMENT.checks, 2);
    assert.equal(byMatter.GOVERNMENT_PROCUREMENT.hits, 1);
    assert.equal(byMatter.GOVERNMENT_PROCUREMENT.applied, 1);
    assert.equal(byMatter.GOVERNMENT_PROCUREMENT.feedbackRate, 1);
    assert.equal(byMatter.FISCAL_FUNDS.feedbackRate, 0);
  });

  it('groups by region (division code) and by the department whose records the measures rest on', async () => {
    const region = await stack.query(`{ platform { checkStatistics(from: "${today()}", to: "${today()}", groupBy: REGION) { group checks } } }`);
    const groups = region.data!.platform.checkStatistics.map((g: any) => g.group);
    assert.ok(groups.includes(black.slice(2, 8)), JSON.stringify(groups));
    assert.ok(groups.includes(clean.slice(0, 6)), JSON.stringify(groups));
    const dept = await stack.query(`{ platform { checkStatistics(from: "${today()}", to: "${today()}", groupBy: DEPARTMENT) { group checks measures } } }`);
    assert.deepEqual(dept.data!.platform.checkStatistics.map((g: any) => [g.group, g.checks]), [['finance', 2], ['NONE', 1]]);
  });

  it('counts objections filed, open and overdue per department', async () => {
    const r = await stack.query(`{ courts { caseStatistics(from: "${addDays(today(), -60)}", to: "${today()}") { department objectionsFiled objectionsOpen objectionsOverdue repairsApplied } } }`, {}, 'demo-platform-key');
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    assert.deepEqual(r.data!.courts.caseStatistics, { department: 'courts', objectionsFiled: 2, objectionsOpen: 2, objectionsOverdue: 1, repairsApplied: 0 });
  });

  it('shows analysts the case counts too', async () => {
    const r = await stack.query(`{ courts { caseStatistics(from: "${today()}", to: "${today()}") { objectionsFiled } } }`, {}, 'demo-analyst-key');
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    const refused = await stack.query(`{ courts { caseStatistics(from: "${today()}", to: "${today()}") { objectionsFiled } } }`, {}, 'demo-approval-key');
    assert.equal(refused.errors![0]!.extensions!.code, 'FORBIDDEN');
  });

  it('is for analysts and the credit office only', async () => {
    const r = await stack.query(`{ platform { checkStatistics(from: "${today()}", to: "${today()}", groupBy: MATTER) { group } } }`, {}, 'demo-approval-key');
    assert.equal(r.errors![0]!.extensions!.code, 'FORBIDDEN');
  });
});
