import assert from './kit/assert.js';
import { afterAll, beforeAll, it } from '@jest/globals';
import { legalPersonId, naturalPersonId } from '../scripts/demo-data/identities.js';
import { addYears, today } from '../subgraphs/kit/clock.js';
import { DEPARTMENTS } from '../subgraphs/services.js';
import { engines } from './kit/engines.js';
import { countStatements, insertRecord, insertRepresentation, reviseRecord } from './kit/fixtures.js';
import { TestStack } from './kit/stack.js';
import { suite } from './kit/suite.js';

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
  suite(`stored checks, retrieval and replay (${engine})`, skip, () => {
    let stack: TestStack;
    let n = 500;
    const enterprise = () => legalPersonId(n++);

    beforeAll(async () => {
      stack = await TestStack.start({ engine });
    });
    afterAll(async () => stack?.close());

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
