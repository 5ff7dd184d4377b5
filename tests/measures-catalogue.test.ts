import assert from './kit/assert.js';
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import { legalPersonId } from '../scripts/demo-data/identities.js';
import { insertRecord } from './kit/fixtures.js';
import { TestStack } from './kit/stack.js';


describe('measures catalogue', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await TestStack.start();
  });
  afterAll(async () => stack?.close());

  const INPUT = `{ name: "限制参与评优 Test measure", kind: PUNISHMENT, mandatory: false, matters: [HONORS],
    triggers: [{ listType: WATCH, department: "tax" }], legalBasis: "test basis", implementingDepartments: ["省发改委"] }`;

  it('lists at least 20 measures of both kinds, each with matters, triggers and a legal basis', async () => {
    const r = await stack.query(`{ platform { measures { code kind mandatory matters legalBasis implementingDepartments triggers { listType department category } requiresThreeCleanYears version } } }`);
    const measures = r.data!.platform.measures as any[];
    assert.ok(measures.length >= 20, `${measures.length} measures`);
    assert.ok(measures.some((m) => m.kind === 'INCENTIVE') && measures.some((m) => m.kind === 'PUNISHMENT'));
    assert.ok(measures.some((m) => m.mandatory) && measures.some((m) => !m.mandatory));
    for (const m of measures) {
      assert.ok(m.matters.length > 0 && m.legalBasis.length > 0 && m.implementingDepartments.length > 0, m.code);
      assert.ok(m.triggers.length > 0 || m.requiresThreeCleanYears, m.code);
    }
  });

  it('lets only the credit office add, change and retire measures', async () => {
    for (const key of ['demo-approval-key', 'demo-analyst-key', 'demo-tax-key']) {
      const r = await stack.query(`mutation { platform { addMeasure(code: "P_TEST_FORBIDDEN", note: "x", input: ${INPUT}) { code } } }`, {}, key);
      assert.equal(r.errors![0]!.extensions!.code, 'FORBIDDEN', key);
    }
    const rows = await stack.db('platform')('measures').where('code', 'P_TEST_FORBIDDEN');
    assert.equal(rows.length, 0);
  });

  it('keeps every change as a new version with who, when and why, and applies it to new checks', async () => {
    const add = await stack.query(`mutation { platform { addMeasure(code: "P_TEST_WATCH_HONORS", note: "pilot", input: ${INPUT}) { code version changedBy changeNote validFrom validTo } } }`, {}, 'demo-platform-key');
    assert.equal(add.errors, undefined, JSON.stringify(add.errors));
    assert.deepEqual({ ...add.data!.platform.addMeasure, validFrom: undefined }, { code: 'P_TEST_WATCH_HONORS', version: 1, changedBy: 'demo-platform', changeNote: 'pilot', validFrom: undefined, validTo: null });

    const id = legalPersonId(777);
    await insertRecord(stack.db('tax'), { subjectId: id, category: 'TAX_CREDIT_D', listType: 'WATCH' });
    const check = await stack.query(`{ subject(id: "${id}") { creditCheck(matter: HONORS, caseRef: "H-1") { verdict measures { code } } } }`, {}, 'demo-approval-key');
    assert.equal(check.data!.subject.creditCheck.verdict, 'RECOMMENDED_RESTRICTION');

    const retried = await stack.query(`mutation { platform { changeMeasure(code: "P_TEST_WATCH_HONORS", note: "same again", input: ${INPUT}) { version } } }`, {}, 'demo-platform-key');
    assert.equal(retried.data!.platform.changeMeasure.version, 1, 'an identical change (a retry) makes no new version');

    const retire = await stack.query(`mutation { platform { retireMeasure(code: "P_TEST_WATCH_HONORS", note: "pilot over") { version retired } } }`, {}, 'demo-platform-key');
    assert.deepEqual(retire.data!.platform.retireMeasure, { version: 2, retired: true });
    const after = await stack.query(`{ subject(id: "${id}") { creditCheck(matter: HONORS, caseRef: "H-2") { verdict } } }`, {}, 'demo-approval-key');
    assert.equal(after.data!.subject.creditCheck.verdict, 'CLEAR');

    const history = await stack.query(`{ platform { measureHistory(code: "P_TEST_WATCH_HONORS") { version retired changeNote validTo } } }`);
    const versions = history.data!.platform.measureHistory;
    assert.deepEqual(versions.map((v: any) => [v.version, v.retired, v.changeNote]), [[1, false, 'pilot'], [2, true, 'pilot over']]);
    assert.notEqual(versions[0].validTo, null);
    assert.equal(versions[1].validTo, null);
    const listed = await stack.query(`{ platform { active: measures { code } all: measures(includeRetired: true) { code } } }`);
    assert.ok(!listed.data!.platform.active.some((m: any) => m.code === 'P_TEST_WATCH_HONORS'));
    assert.ok(listed.data!.platform.all.some((m: any) => m.code === 'P_TEST_WATCH_HONORS'));
  });

  it('refuses a duplicate code with CONFLICT and bad input with a message naming it, writing nothing', async () => {
    const dup = await stack.query(`mutation { platform { addMeasure(code: "P_HONORS_REVOKED", note: "x", input: ${INPUT}) { code } } }`, {}, 'demo-platform-key');
    assert.equal(dup.errors![0]!.extensions!.code, 'CONFLICT');
    const cases: [string, RegExp][] = [
      [`addMeasure(code: "bad code", note: "x", input: ${INPUT})`, /measure code "bad code" is not valid/],
      [`addMeasure(code: "P_NEW", note: " ", input: ${INPUT})`, /note is empty/],
      [`addMeasure(code: "P_NEW", note: "x", input: ${INPUT.replace('matters: [HONORS]', 'matters: []')})`, /matters is empty/],
      [`addMeasure(code: "P_NEW", note: "x", input: ${INPUT.replace('triggers: [{ listType: WATCH, department: "tax" }]', 'triggers: [{}]')})`, /triggers\[0\] names nothing/],
      [`addMeasure(code: "P_NEW", note: "x", input: ${INPUT.replace('kind: PUNISHMENT, mandatory: false', 'kind: INCENTIVE, mandatory: true')})`, /INCENTIVE cannot be mandatory/],
      [`changeMeasure(code: "P_UNKNOWN", note: "x", input: ${INPUT})`, /no measure with code "P_UNKNOWN"/],
    ];
    const before = await stack.db('platform')('measures').count({ n: '*' }).first();
    for (const [mutation, message] of cases) {
      const r = await stack.query(`mutation { platform { ${mutation} { code } } }`, {}, 'demo-platform-key');
      assert.match(r.errors![0]!.message, message);
    }
    const afterCount = await stack.db('platform')('measures').count({ n: '*' }).first();
    assert.equal(Number(afterCount!.n), Number(before!.n));
  });
});
