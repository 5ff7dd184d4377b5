import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { legalPersonId, naturalPersonId } from '../scripts/demo-data/identities.js';
import { addYears, today } from '../subgraphs/kit/clock.js';
import { DEPARTMENTS } from '../subgraphs/services.js';
import { engines } from './kit/engines.js';
import { countStatements, insertRecord, insertRepresentation, reviseRecord } from './kit/fixtures.js';
import { TestStack } from './kit/stack.js';

const CHECK = `query($id: ID!, $matter: Matter!, $caseRef: String!) {
  subject(id: $id) { creditCheck(matter: $matter, caseRef: $caseRef) { checkId checkedAt verdict measures { code version evidence { record { id version } } } } }
}`;
const STORED = `query($checkId: ID!) { platform { check(checkId: $checkId) {
  checkId checkedAt matter caseRef subjectId verdict subjectKnown missingSources explanation
  measures { code version mandatory legalBasis evidence { record { id version status } viaEnterprise } }
} } }`;
const REPLAY = `query($checkId: ID!) { platform { replayCheck(checkId: $checkId) {
  original { verdict measures { code } }
  subject { id asOf reevaluation(checkId: $checkId) { checkId asOf verdict matchesOriginal differences measures { code version evidence { record { id version status } } } } }
} } }`;

for (const { engine, skip } of await engines()) {
  describe(`stored checks, retrieval and replay (${engine})`, { skip }, () => {
    let stack: TestStack;
    let n = 500;
    const enterprise = () => legalPersonId(n++);

    before(async () => {
      stack = await TestStack.start({ engine });
    });
    after(async () => stack?.close());

    async function makeCheck(id: string, matter: string, caseRef = 'LIC-2026-0042') {
      const r = await stack.query(CHECK, { id, matter, caseRef }, 'demo-approval-key');
      assert.equal(r.errors, undefined, JSON.stringify(r.errors));
      return r.data!.subject.creditCheck;
    }

    it('stores every check with client, matter, case, subject, verdict, measures and evidence versions', async () => {
      const id = enterprise();
      const rec = await insertRecord(stack.db('courts'), { subjectId: id, category: 'DISHONEST_JUDGMENT_DEBTOR', listType: 'BLACK' });
      const c = await makeCheck(id, 'GOVERNMENT_PROCUREMENT');
      const row = await stack.db('platform')('checks').where('check_id', c.checkId).first();
      assert.equal(row.client_id, 'demo-approval');
      assert.equal(row.matter, 'GOVERNMENT_PROCUREMENT');
      assert.equal(row.case_ref, 'LIC-2026-0042');
      assert.equal(row.subject_id, id);
      assert.equal(row.verdict, 'MANDATORY_RESTRICTION');
      assert.equal(row.checked_at, c.checkedAt);
      assert.deepEqual(JSON.parse(row.evidence_refs), [`courts/${rec.id}@1`]);
      assert.deepEqual(JSON.parse(row.measure_refs), [{ code: 'P_GOVERNMENT_PROCUREMENT_BAN', version: 1 }]);
    });

    it('returns a stored check to the client that made it, the credit office and analysts', async () => {
      const id = enterprise();
      await insertRecord(stack.db('tax'), { subjectId: id, category: 'MAJOR_TAX_VIOLATION', listType: 'BLACK' });
      const c = await makeCheck(id, 'PUBLIC_RESOURCE_TRADING');
      for (const key of ['demo-approval-key', 'demo-platform-key', 'demo-analyst-key']) {
        const r = await stack.query(STORED, { checkId: c.checkId }, key);
        assert.equal(r.errors, undefined, `${key}: ${JSON.stringify(r.errors)}`);
        assert.equal(r.data!.platform.check.verdict, 'MANDATORY_RESTRICTION');
        assert.equal(r.data!.platform.check.caseRef, 'LIC-2026-0042');
        assert.deepEqual(r.data!.platform.check.measures.map((m: any) => m.code), ['P_PUBLIC_RESOURCE_TRADING_BAN']);
      }
    });

    it("refuses another client's check with FORBIDDEN and an unknown one with NOT_FOUND", async () => {
      const c = await makeCheck(enterprise(), 'HONORS');
      const other = await stack.query(STORED, { checkId: c.checkId }, 'demo-tax-key');
      assert.equal(other.errors![0]!.extensions!.code, 'FORBIDDEN');
      assert.match(other.errors![0]!.message, /belongs to another client/);
      const unknown = await stack.query(STORED, { checkId: '00000000-0000-0000-0000-000000000000' }, 'demo-platform-key');
      assert.equal(unknown.errors![0]!.extensions!.code, 'NOT_FOUND');
    });

    it('replays a check with the verdict it had, after its record was revoked and the measure changed', async () => {
      const id = enterprise();
      const rec = await insertRecord(stack.db('finance'), { subjectId: id, category: 'PROCUREMENT_SERIOUS_VIOLATION', listType: 'BLACK' });
      const c = await makeCheck(id, 'GOVERNMENT_PROCUREMENT');
      assert.equal(c.verdict, 'MANDATORY_RESTRICTION');

      await reviseRecord(stack.db('finance'), rec.id, { status: 'REVOKED' });
      const change = await stack.query(
        `mutation { platform { changeMeasure(code: "P_GOVERNMENT_PROCUREMENT_BAN", note: "narrowed for the test", input: {
          name: "限制参与政府采购活动", kind: PUNISHMENT, mandatory: true, matters: [GOVERNMENT_PROCUREMENT],
          triggers: [{ listType: BLACK, department: "courts" }], legalBasis: "政府采购法第二十二条", implementingDepartments: ["省财政厅"] }) { version } } }`,
        {},
        'demo-platform-key',
      );
      assert.equal(change.errors, undefined, JSON.stringify(change.errors));
      const now = await makeCheck(id, 'GOVERNMENT_PROCUREMENT');
      assert.equal(now.verdict, 'CLEAR', 'today the record is revoked');

      const r = await stack.query(REPLAY, { checkId: c.checkId }, 'demo-approval-key');
      assert.equal(r.errors, undefined, JSON.stringify(r.errors));
      const replay = r.data!.platform.replayCheck;
      assert.equal(replay.subject.id, id);
      assert.equal(replay.subject.asOf, c.checkedAt);
      assert.equal(replay.subject.reevaluation.verdict, 'MANDATORY_RESTRICTION');
      assert.equal(replay.subject.reevaluation.matchesOriginal, true, JSON.stringify(replay.subject.reevaluation.differences));
      assert.deepEqual(replay.subject.reevaluation.measures, [
        { code: 'P_GOVERNMENT_PROCUREMENT_BAN', version: 1, evidence: [{ record: { id: rec.id, version: 1, status: 'ACTIVE' } }] },
      ]);
      // restore the catalogue for the other tests
      const restore = await stack.query(
        `mutation { platform { changeMeasure(code: "P_GOVERNMENT_PROCUREMENT_BAN", note: "restored", input: {
          name: "限制参与政府采购活动", kind: PUNISHMENT, mandatory: true, matters: [GOVERNMENT_PROCUREMENT],
          triggers: [{ listType: BLACK }], legalBasis: "政府采购法第二十二条", implementingDepartments: ["省财政厅"] }) { version } } }`,
        {},
        'demo-platform-key',
      );
      assert.equal(restore.data!.platform.changeMeasure.version, 3);
    });

    it('replays a person\'s check with the enterprise records as they were', async () => {
      const firm = enterprise();
      const boss = naturalPersonId(n++);
      const rec = await insertRecord(stack.db('tax'), { subjectId: firm, category: 'MAJOR_TAX_VIOLATION', listType: 'BLACK' });
      await insertRepresentation(stack.db('market'), firm, boss, addYears(today(), -4), null);
      const c = await makeCheck(boss, 'FISCAL_FUNDS');
      assert.equal(c.verdict, 'MANDATORY_RESTRICTION');
      await reviseRecord(stack.db('tax'), rec.id, { status: 'REPAIRED' });
      const r = await stack.query(REPLAY, { checkId: c.checkId }, 'demo-platform-key');
      assert.equal(r.data!.platform.replayCheck.subject.reevaluation.matchesOriginal, true, JSON.stringify(r.data!.platform.replayCheck.subject.reevaluation));
    });

    it('shows what differs when a stored check was altered', async () => {
      const id = enterprise();
      await insertRecord(stack.db('courts'), { subjectId: id, category: 'DISHONEST_JUDGMENT_DEBTOR', listType: 'BLACK' });
      const c = await makeCheck(id, 'HONORS');
      await stack.db('platform')('checks').where('check_id', c.checkId).update({ verdict: 'CLEAR' });
      const r = await stack.query(REPLAY, { checkId: c.checkId }, 'demo-platform-key');
      const re = r.data!.platform.replayCheck.subject.reevaluation;
      assert.equal(re.matchesOriginal, false);
      assert.deepEqual(re.differences, ['verdict is MANDATORY_RESTRICTION now, CLEAR then']);
    });

    it('checks 1, 10 and 1,000 subjects with the same number of SQL statements per subgraph', async () => {
      const ids = (k: number) => Array.from({ length: k }, (_, i) => (i % 2 ? legalPersonId(20_000 + i) : naturalPersonId(20_000 + i)));
      for (let i = 0; i < 1000; i += 97) await insertRecord(stack.db('courts'), { subjectId: ids(1000)[i]!, category: 'DISHONEST_JUDGMENT_DEBTOR', listType: 'BLACK' });
      const dbs = Object.fromEntries(['platform', ...DEPARTMENTS].map((d) => [d, stack.db(d as any)]));
      const counts: Record<number, Record<string, number>> = {};
      for (const k of [1, 10, 1000]) {
        counts[k] = await countStatements(dbs, async () => {
          const r = await stack.query(`query($ids: [ID!]!) { subjects(ids: $ids) { id creditCheck(matter: GOVERNMENT_PROCUREMENT, caseRef: "BATCH") { verdict } } }`, { ids: ids(k) }, 'demo-approval-key');
          assert.equal(r.errors, undefined, JSON.stringify(r.errors?.slice(0, 1)));
          assert.equal(r.data!.subjects.length, k);
          if (k === 1000) assert.equal(r.data!.subjects.filter((s: any) => s.creditCheck.verdict === 'MANDATORY_RESTRICTION').length, 11);
        });
      }
      for (const name of Object.keys(dbs)) {
        assert.equal(counts[10]![name], counts[1]![name], `${name}: ${JSON.stringify(counts)}`);
        assert.equal(counts[1000]![name], counts[1]![name], `${name}: ${JSON.stringify(counts)}`);
      }
    });
  });
}

describe('measures catalogue', () => {
  let stack: TestStack;
  before(async () => {
    stack = await TestStack.start();
  });
  after(async () => stack?.close());

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
