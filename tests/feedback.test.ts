import assert from './kit/assert.js';
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import { legalPersonId } from '../scripts/demo-data/identities.js';
import { insertRecord } from './kit/fixtures.js';
import { TestStack } from './kit/stack.js';

const REPORT = `mutation($checkId: ID!, $items: [MeasureFeedbackInput!]!) { platform { reportFeedback(checkId: $checkId, items: $items) { checkId measureCode outcome reason reportedBy } } }`;

describe('execution feedback (执行反馈)', () => {
  let stack: TestStack;
  let checkId = '';
  const subject = legalPersonId(4242);

  beforeAll(async () => {
    stack = await TestStack.start();
    await insertRecord(stack.db('courts'), { subjectId: subject, category: 'DISHONEST_JUDGMENT_DEBTOR', listType: 'BLACK' });
    await insertRecord(stack.db('market'), { subjectId: subject, category: 'ABNORMAL_OPERATION', listType: 'WATCH', validUntil: null });
    const r = await stack.query(`{ subject(id: "${subject}") { creditCheck(matter: GOVERNMENT_PROCUREMENT, caseRef: "FB-1") { checkId measures { code } } } }`, {}, 'demo-approval-key');
    checkId = r.data!.subject.creditCheck.checkId;
    assert.deepEqual(r.data!.subject.creditCheck.measures.map((m: any) => m.code), ['P_GOVERNMENT_PROCUREMENT_BAN', 'P_WATCH_PROCUREMENT_REVIEW']);
  });
  afterAll(async () => stack?.close());

  it('records APPLIED and NOT_APPLIED with a reason per measure, and shows it on the stored check', async () => {
    const items = [
      { measureCode: 'P_GOVERNMENT_PROCUREMENT_BAN', outcome: 'APPLIED' },
      { measureCode: 'P_WATCH_PROCUREMENT_REVIEW', outcome: 'NOT_APPLIED', reason: '经审慎评审，经营异常已于投标前移出' },
    ];
    const r = await stack.query(REPORT, { checkId, items }, 'demo-approval-key');
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    assert.deepEqual(r.data!.platform.reportFeedback.map((f: any) => [f.measureCode, f.outcome, f.reportedBy]), [
      ['P_GOVERNMENT_PROCUREMENT_BAN', 'APPLIED', 'demo-approval'],
      ['P_WATCH_PROCUREMENT_REVIEW', 'NOT_APPLIED', 'demo-approval'],
    ]);
    const stored = await stack.query(`query($id: ID!) { platform { check(checkId: $id) { feedback { measureCode outcome reason } } } }`, { id: checkId }, 'demo-platform-key');
    assert.equal(stored.data!.platform.check.feedback.length, 2);
  });

  it('is harmless to retry: the same report again writes nothing new', async () => {
    const items = [{ measureCode: 'P_GOVERNMENT_PROCUREMENT_BAN', outcome: 'APPLIED' }];
    const r = await stack.query(REPORT, { checkId, items }, 'demo-approval-key');
    assert.equal(r.errors, undefined);
    const rows = await stack.db('platform')('feedback').where('check_id', checkId);
    assert.equal(rows.length, 2);
  });

  it('refuses a different outcome for a measure already reported, with CONFLICT', async () => {
    const r = await stack.query(REPORT, { checkId, items: [{ measureCode: 'P_GOVERNMENT_PROCUREMENT_BAN', outcome: 'NOT_APPLIED', reason: 'x' }] }, 'demo-approval-key');
    assert.equal(r.errors![0]!.extensions!.code, 'CONFLICT');
  });

  it("refuses feedback on another client's check, on an unknown check, and on a measure not in the check, writing nothing", async () => {
    const before = (await stack.db('platform')('feedback').count({ n: '*' }).first()) as any;
    const other = await stack.query(REPORT, { checkId, items: [{ measureCode: 'P_GOVERNMENT_PROCUREMENT_BAN', outcome: 'APPLIED' }] }, 'demo-procurement-key');
    assert.equal(other.errors![0]!.extensions!.code, 'FORBIDDEN');
    assert.match(other.errors![0]!.message, /made by another client/);
    const analyst = await stack.query(REPORT, { checkId, items: [{ measureCode: 'P_GOVERNMENT_PROCUREMENT_BAN', outcome: 'APPLIED' }] }, 'demo-analyst-key');
    assert.equal(analyst.status, 403);
    assert.equal(analyst.errors![0]!.extensions!.rule, 'feedback.own-checks');
    const unknown = await stack.query(REPORT, { checkId: 'no-such-check', items: [{ measureCode: 'X', outcome: 'APPLIED' }] }, 'demo-approval-key');
    assert.equal(unknown.errors![0]!.extensions!.code, 'NOT_FOUND');
    const foreign = await stack.query(REPORT, { checkId, items: [{ measureCode: 'P_HONORS_REVOKED', outcome: 'APPLIED' }] }, 'demo-approval-key');
    assert.equal(foreign.errors![0]!.extensions!.code, 'BAD_USER_INPUT');
    assert.match(foreign.errors![0]!.message, /measure "P_HONORS_REVOKED" is not in check .*: expected one of P_GOVERNMENT_PROCUREMENT_BAN, P_WATCH_PROCUREMENT_REVIEW/);
    const noReason = await stack.query(REPORT, { checkId, items: [{ measureCode: 'P_WATCH_PROCUREMENT_REVIEW', outcome: 'NOT_APPLIED' }] }, 'demo-approval-key');
    assert.match(noReason.errors![0]!.message, /NOT_APPLIED without a reason/);
    const afterCount = (await stack.db('platform')('feedback').count({ n: '*' }).first()) as any;
    assert.equal(Number(afterCount.n), Number(before.n));
  });
});
