import assert from './kit/assert.js';
import { afterAll, beforeAll, it } from '@jest/globals';
import { legalPersonId } from '../scripts/demo-data/identities.js';
import { addDays, today } from '../subgraphs/kit/clock.js';
import { weekOf } from '../subgraphs/platform/stats/tracking.js';
import { engines } from './kit/engines.js';
import { insertRecord } from './kit/fixtures.js';
import { TestStack } from './kit/stack.js';
import { suite } from './kit/suite.js';

const CHECK = `query($id: ID!, $matter: Matter!) { subject(id: $id) { creditCheck(matter: $matter, caseRef: "TR-1") { checkId verdict measures { code implementingDepartments } } } }`;

for (const { engine, skip } of await engines()) {
  suite(`tracking statistics for the dashboard (${engine})`, skip, () => {
    let stack: TestStack;
    const black = legalPersonId(7100);
    const clean = legalPersonId(7101);
    const day = today();
    const from = addDays(day, -60);

    beforeAll(async () => {
      stack = await TestStack.start({ engine });
      await insertRecord(stack.db('finance'), { subjectId: black, category: 'FISCAL_FUND_FRAUD', listType: 'BLACK' });
      // Published on its decision day, and one published 20 days (at least 12 working days) late.
      await insertRecord(stack.db('courts'), { subjectId: black, category: 'DISHONEST_JUDGMENT_DEBTOR', listType: 'BLACK', decidedOn: addDays(day, -30) });
      const late = await insertRecord(stack.db('courts'), { subjectId: legalPersonId(7103), category: 'DISHONEST_JUDGMENT_DEBTOR', listType: 'BLACK', decidedOn: addDays(day, -40) });
      await stack.db('courts')('credit_records').where({ id: late.id }).update({ valid_from: `${addDays(day, -20)}T08:00:00.000Z` });
      // Two checks of the black enterprise, one of the clean one; feedback on one measure only.
      const first = await stack.query(CHECK, { id: black, matter: 'GOVERNMENT_PROCUREMENT' }, 'demo-approval-key');
      await stack.query(CHECK, { id: black, matter: 'FISCAL_FUNDS' }, 'demo-approval-key');
      await stack.query(CHECK, { id: clean, matter: 'GOVERNMENT_PROCUREMENT' }, 'demo-approval-key');
      const ban = first.data!.subject.creditCheck;
      await stack.query(`mutation($id: ID!) { platform { reportFeedback(checkId: $id, items: [{ measureCode: "P_GOVERNMENT_PROCUREMENT_BAN", outcome: APPLIED }]) { outcome } } }`, { id: ban.checkId }, 'demo-approval-key');
      // A check made 20 days ago while tax could not answer, never fed back: INCOMPLETE and overdue.
      await stack.db('platform')('checks').insert({
        check_id: '00000000-0000-4000-8000-000000007102', client_id: 'demo-approval', matter: 'ADMINISTRATIVE_LICENSE', case_ref: 'TR-OLD', subject_id: clean,
        subject_kind: 'LEGAL_PERSON', verdict: 'INCOMPLETE', subject_known: true, missing_sources: JSON.stringify(['tax']),
        answer: JSON.stringify({ measures: [{ code: 'P_X', version: 1, name: 'x', kind: 'PUNISHMENT', mandatory: false, legalBasis: 'x', implementingDepartments: ['各级行政审批部门'], reason: 'x', evidence: [{ record: { department: 'ecology' }, viaEnterprise: null, viaRole: null }] }], suspendedMeasures: [], explanation: 'x' }),
        evidence_refs: '[]', measure_refs: '[]', checked_at: `${addDays(day, -20)}T10:00:00.000Z`,
      });
    });
    afterAll(async () => stack?.close());

    it('counts list entries per month and list type, and those published more than 7 working days after the decision', async () => {
      const r = await stack.query(`query($from: String!, $to: String!) { courts { listStatistics(from: $from, to: $to) { department month listType published late } } }`, { from, to: day });
      assert.equal(r.errors, undefined, JSON.stringify(r.errors));
      const rows = r.data!.courts.listStatistics as { published: number; late: number; listType: string; department: string }[];
      assert.deepEqual(rows.map((x) => x.department), rows.map(() => 'courts'));
      assert.equal(rows.reduce((n, x) => n + x.published, 0), 2);
      assert.equal(rows.reduce((n, x) => n + x.late, 0), 1);
      const none = await stack.query(`{ tax { listStatistics(from: "${from}", to: "${day}") { published } } }`);
      assert.deepEqual(none.data!.tax.listStatistics, []);
    });

    it('counts checks per week, matter and verdict, narrowed to the checks a department took part in', async () => {
      const r = await stack.query(`query($from: String!, $to: String!, $d: String) { platform { checkWeeks(from: $from, to: $to, department: $d) { week matter verdict checks } } }`, { from, to: day });
      assert.equal(r.errors, undefined, JSON.stringify(r.errors));
      const thisWeek = (r.data!.platform.checkWeeks as any[]).filter((w) => w.week === weekOf(`${day}T00:00:00Z`));
      assert.deepEqual(thisWeek.map((w) => [w.matter, w.verdict, w.checks]), [
        ['FISCAL_FUNDS', 'MANDATORY_RESTRICTION', 1],
        ['GOVERNMENT_PROCUREMENT', 'CLEAR', 1],
        ['GOVERNMENT_PROCUREMENT', 'MANDATORY_RESTRICTION', 1],
      ]);
      const finance = await stack.query(`{ platform { checkWeeks(from: "${from}", to: "${day}", department: "finance") { verdict checks } } }`);
      assert.deepEqual(finance.data!.platform.checkWeeks.map((w: any) => [w.verdict, w.checks]), [['MANDATORY_RESTRICTION', 1], ['MANDATORY_RESTRICTION', 1]]);
      const tax = await stack.query(`{ platform { checkWeeks(from: "${from}", to: "${day}", department: "tax") { verdict checks } } }`);
      assert.deepEqual(tax.data!.platform.checkWeeks, [{ verdict: 'INCOMPLETE', checks: 1 }]);
    });

    it('gives the share of checks answered INCOMPLETE per missing department', async () => {
      const r = await stack.query(`{ platform { missingSources(from: "${from}", to: "${day}") { department checks missing incomplete incompleteShare } } }`);
      assert.equal(r.errors, undefined, JSON.stringify(r.errors));
      assert.deepEqual(r.data!.platform.missingSources, [{ department: 'tax', checks: 4, missing: 1, incomplete: 1, incompleteShare: 0.25 }]);
    });

    it('counts measures per implementing department: applied, fed back, and overdue past the feedback deadline', async () => {
      const r = await stack.query(`{ platform { feedbackStatistics(from: "${from}", to: "${day}") { implementingDepartment measures fedBack applied notApplied overdue } } }`);
      assert.equal(r.errors, undefined, JSON.stringify(r.errors));
      const by = Object.fromEntries((r.data!.platform.feedbackStatistics as any[]).map((f) => [f.implementingDepartment, f]));
      assert.deepEqual(by['省财政厅'], { implementingDepartment: '省财政厅', measures: 2, fedBack: 1, applied: 1, notApplied: 0, overdue: 0 });
      assert.equal(by['各级行政审批部门'].overdue, 1, JSON.stringify(by['各级行政审批部门']));
      const ecology = await stack.query(`{ platform { feedbackStatistics(from: "${from}", to: "${day}", department: "ecology") { implementingDepartment measures } } }`);
      assert.deepEqual(ecology.data!.platform.feedbackStatistics, [{ implementingDepartment: '各级行政审批部门', measures: 1 }]);
    });

    it('refuses a bad period or department filter naming the value, and callers other than analysts and the credit office', async () => {
      const backwards = await stack.query(`{ platform { checkWeeks(from: "${day}", to: "${from}") { week } } }`);
      assert.match(backwards.errors![0]!.message, /is before from/);
      const year = await stack.query(`{ courts { listStatistics(from: "2020-01-01", to: "2026-01-01") { month } } }`);
      assert.match(year.errors![0]!.message, /spans more than 366 days/);
      const bad = await stack.query(`{ platform { feedbackStatistics(from: "${from}", to: "${day}", department: "Tax'--") { measures } } }`);
      assert.match(bad.errors![0]!.message, /department "Tax'--" is not a department name/);
      for (const q of [`{ platform { checkWeeks(from: "${from}", to: "${day}") { week } } }`, `{ platform { missingSources(from: "${from}", to: "${day}") { department } } }`]) {
        const refused = await stack.query(q, {}, 'demo-approval-key');
        assert.equal(refused.status, 403);
        assert.equal(refused.errors![0]!.extensions!.rule, 'statistics');
      }
      const department = await stack.query(`{ courts { listStatistics(from: "${from}", to: "${day}") { published } } }`, {}, 'demo-procurement-key');
      assert.equal(department.errors![0]!.extensions!.code, 'FORBIDDEN');
    });
  });
}
