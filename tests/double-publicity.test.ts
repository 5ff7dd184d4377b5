import assert from './kit/assert.js';
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import { legalPersonId } from '../scripts/demo-data/identities.js';
import { WorkingCalendar } from '../subgraphs/kit/working-days.js';
import { TestStack } from './kit/stack.js';

const REPORT = `query($from: String!, $to: String!) { market { doublePublicity(from: $from, to: $to) {
  decided onTime lateCount unpublishedCount
  late { subjectId dueBy workingDays decision { decisionNo decidedOn publishedOn } }
  unpublished { dueBy decision { decisionNo } }
} } }`;

describe('7-day double publicity (7天双公示)', () => {
  let stack: TestStack;
  const decision = (no: string, decided: string, published: string | null, kind = 'PENALTY') => ({
    decision_no: no, subject_id: legalPersonId(1), kind, title: 't', content: 'c', decided_on: decided, published_on: published, authority: '长沙市市场监督管理局', amount: kind === 'PENALTY' ? 1000 : null,
  });

  beforeAll(async () => {
    stack = await TestStack.start();
    await stack.db('market')('administrative_decisions').insert([
      decision('ON-TIME', '2026-03-02', '2026-03-11'),
      decision('ONE-DAY-LATE', '2026-03-02', '2026-03-12'),
      decision('OVER-NATIONAL-DAY', '2026-09-30', '2026-10-16', 'LICENCE'),
      decision('LATE-AFTER-HOLIDAY', '2026-09-30', '2026-10-19', 'LICENCE'),
      decision('NOT-PUBLISHED', '2026-03-20', null),
      decision('OUTSIDE-PERIOD', '2025-12-01', '2026-01-30'),
    ]);
  });
  afterAll(async () => stack?.close());

  it('counts weekends and public holidays out of the 7 working days', async () => {
    const r = await stack.query(REPORT, { from: '2026-01-01', to: '2026-12-31' });
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    const report = r.data!.market.doublePublicity;
    assert.equal(report.decided, 5);
    assert.equal(report.onTime, 2);
    assert.deepEqual(report.late.map((d: any) => [d.decision.decisionNo, d.dueBy, d.workingDays]), [
      ['ONE-DAY-LATE', '2026-03-11', 8],
      ['LATE-AFTER-HOLIDAY', '2026-10-16', 8],
    ]);
    assert.deepEqual(report.unpublished.map((d: any) => [d.decision.decisionNo, d.dueBy]), [['NOT-PUBLISHED', '2026-03-31']]);
    assert.equal(report.lateCount, 2);
    assert.equal(report.unpublishedCount, 1);
  });

  it('refuses a reversed or over-long period and malformed dates, naming them', async () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ from: '2026-05-01', to: '2026-04-01' }, /to 2026-04-01 is before from 2026-05-01/],
      [{ from: '2024-01-01', to: '2026-01-01' }, /spans more than 366 days/],
      [{ from: '2026-13-01', to: '2026-12-01' }, /from "2026-13-01" is not valid/],
    ];
    for (const [vars, message] of cases) {
      const r = await stack.query(REPORT, vars);
      assert.equal(r.errors![0]!.extensions!.code, 'BAD_USER_INPUT');
      assert.match(r.errors![0]!.message, message);
    }
  });

  it('uses the configured holidays', () => {
    const none = new WorkingCalendar([]);
    assert.equal(none.addWorkingDays('2026-09-30', 7), '2026-10-09');
    const national = new WorkingCalendar(['2026-10-01', '2026-10-02', '2026-10-05', '2026-10-06', '2026-10-07']);
    assert.equal(national.addWorkingDays('2026-09-30', 7), '2026-10-16');
  });
});
