import assert from './kit/assert.js';
import { afterAll, beforeAll, it } from '@jest/globals';
import { legalPersonId } from '../scripts/demo-data/identities.js';
import { addDays, addYears, today } from '../subgraphs/kit/clock.js';
import { engines } from './kit/engines.js';
import { TestStack } from './kit/stack.js';
import { suite } from './kit/suite.js';

const PUBLISH = `mutation($input: PublishRecordInput!) { courts { publishRecord(input: $input) { id version subjectId department category listType decisionNo decidedOn validUntil status summary } } }`;
const CHECK = `query($id: ID!) { subject(id: $id) { creditCheck(matter: GOVERNMENT_PROCUREMENT, caseRef: "LIFE-1") { verdict measures { code } suspendedMeasures { code } } } }`;

for (const { engine, skip } of await engines()) {
  suite(`publishing, objections and repair through the gateway (${engine})`, skip, () => {
    let stack: TestStack;
    let n = 3000;
    const subject = () => legalPersonId(n++);
    const publish = (input: Record<string, unknown>, key = 'demo-courts-key') => stack.query(PUBLISH, { input }, key);
    const input = (subjectId: string, extra: Record<string, unknown> = {}) => ({
      subjectId,
      category: 'DISHONEST_JUDGMENT_DEBTOR',
      decisionNo: `(2026)湘0102执${n}号`,
      decidedOn: addDays(today(), -10),
      summary: '有履行能力而拒不履行生效法律文书确定义务',
      ...extra,
    });

    beforeAll(async () => {
      stack = await TestStack.start({ engine });
    });
    afterAll(async () => stack?.close());

    it('publishes a record whose list type follows from the category and whose period defaults to the category\'s', async () => {
      const id = subject();
      const r = await publish(input(id));
      assert.equal(r.errors, undefined, JSON.stringify(r.errors));
      const rec = r.data!.courts.publishRecord;
      assert.equal(rec.listType, 'BLACK');
      assert.equal(rec.status, 'ACTIVE');
      assert.equal(rec.version, 1);
      assert.equal(rec.department, 'courts');
      assert.equal(rec.validUntil, addYears(addDays(today(), -10), 2));
      const events = await stack.db('courts')('record_events').where('record_id', rec.id);
      assert.deepEqual(events.map((e: any) => [e.kind, e.version]), [['PUBLISHED', 1]]);
      const c = await stack.query(CHECK, { id }, 'demo-approval-key');
      assert.equal(c.data!.subject.creditCheck.verdict, 'MANDATORY_RESTRICTION');
    });

    it('returns the same record when the same decision is published twice, and refuses different content', async () => {
      const id = subject();
      const first = await publish(input(id, { decisionNo: 'DUP-1' }));
      const again = await publish(input(id, { decisionNo: 'DUP-1' }));
      assert.deepEqual(again.data!.courts.publishRecord, first.data!.courts.publishRecord);
      const changed = await publish(input(id, { decisionNo: 'DUP-1', summary: 'other' }));
      assert.equal(changed.errors![0]!.extensions!.code, 'CONFLICT');
      assert.equal(await stack.db('courts')('credit_records').where('decision_no', 'DUP-1').count({ n: '*' }).first().then((x: any) => Number(x.n)), 1);
    });

    it('lets only the owning department or the credit office publish', async () => {
      for (const key of ['demo-tax-key', 'demo-approval-key', 'demo-analyst-key']) {
        const r = await publish(input(subject()), key);
        assert.equal(r.errors![0]!.extensions!.code, 'FORBIDDEN', key);
        assert.equal(r.errors![0]!.extensions!.rule, 'department.write', key);
        assert.match(r.errors![0]!.message, /DepartmentMutation\.publishRecord/);
      }
      const office = await publish(input(subject()), 'demo-platform-key');
      assert.equal(office.errors, undefined);
    });

    it('refuses bad input naming the value, and writes nothing', async () => {
      const before = Number((await stack.db('courts')('credit_records').count({ n: '*' }).first())!.n);
      const cases: [Record<string, unknown>, RegExp][] = [
        [{ subjectId: '91430100MA4L0L0001' }, /subjectId "91430100MA4L0L0001" is not valid: check character/],
        [{ category: 'MAJOR_TAX_VIOLATION' }, /category "MAJOR_TAX_VIOLATION" is not one of courts's/],
        [{ decidedOn: '2026-02-30' }, /decidedOn "2026-02-30" is not valid/],
        [{ decidedOn: addDays(today(), 3) }, /is in the future/],
        [{ validUntil: addDays(today(), -20) }, /validUntil .* is before decidedOn/],
        [{ decisionNo: '  ' }, /decisionNo is empty/],
        [{ summary: "'; DROP TABLE credit_records; --", decisionNo: "1' OR '1'='1" }, /^$/],
      ];
      for (const [change, message] of cases) {
        const r = await publish(input(subject(), change));
        if (message.source === '^$') {
          assert.equal(r.errors, undefined, 'injection-shaped text is stored as text');
          continue;
        }
        assert.equal(r.errors![0]!.extensions!.code, 'BAD_USER_INPUT', JSON.stringify(change));
        assert.match(r.errors![0]!.message, message);
      }
      const afterCount = Number((await stack.db('courts')('credit_records').count({ n: '*' }).first())!.n);
      assert.equal(afterCount, before + 1);
    });

    it('corrects a record as a new version and keeps the old one in history', async () => {
      const id = subject();
      const rec = (await publish(input(id))).data!.courts.publishRecord;
      const r = await stack.query(`mutation($id: ID!) { courts { correctRecord(id: $id, input: { summary: "更正后的摘要" }) { version summary } } }`, { id: rec.id }, 'demo-courts-key');
      assert.deepEqual(r.data!.courts.correctRecord, { version: 2, summary: '更正后的摘要' });
      const history = await stack.query(`query($id: ID!) { courts { recordHistory(id: $id) { version summary } } }`, { id: rec.id });
      assert.deepEqual(history.data!.courts.recordHistory.map((v: any) => v.version), [1, 2]);
    });

    it('suspends measures while an objection is verified, and resumes them when it is upheld', async () => {
      const id = subject();
      const rec = (await publish(input(id))).data!.courts.publishRecord;
      const filed = await stack.query(
        `mutation($id: ID!) { courts { fileObjection(input: { recordId: $id, reason: "债务已于判决前清偿", idempotencyKey: "obj-1" }) { id status dueOn overdue } } }`,
        { id: rec.id },
        'demo-platform-key',
      );
      assert.equal(filed.errors, undefined, JSON.stringify(filed.errors));
      const objection = filed.data!.courts.fileObjection;
      assert.equal(objection.status, 'PENDING');
      assert.equal(objection.dueOn, addDays(today(), 20));
      const retry = await stack.query(`mutation($id: ID!) { courts { fileObjection(input: { recordId: $id, reason: "x", idempotencyKey: "obj-1" }) { id } } }`, { id: rec.id }, 'demo-platform-key');
      assert.equal(retry.data!.courts.fileObjection.id, objection.id);

      const during = await stack.query(CHECK, { id }, 'demo-approval-key');
      assert.equal(during.data!.subject.creditCheck.verdict, 'CLEAR');
      assert.deepEqual(during.data!.subject.creditCheck.suspendedMeasures.map((m: any) => m.code), ['P_GOVERNMENT_PROCUREMENT_BAN']);

      const pending = await stack.query(`{ courts { objections(status: PENDING) { id recordId } } }`, {}, 'demo-courts-key');
      assert.ok(pending.data!.courts.objections.some((o: any) => o.id === objection.id));

      const notOwner = await stack.query(`mutation($o: ID!) { courts { resolveObjection(objectionId: $o, outcome: UPHELD, note: "x") { status } } }`, { o: objection.id }, 'demo-platform-key');
      assert.equal(notOwner.errors![0]!.extensions!.code, 'FORBIDDEN');

      const upheld = await stack.query(`mutation($o: ID!) { courts { resolveObjection(objectionId: $o, outcome: UPHELD, note: "经核查，记录无误") { status resolvedAt } } }`, { o: objection.id }, 'demo-courts-key');
      assert.equal(upheld.data!.courts.resolveObjection.status, 'UPHELD');
      const afterwards = await stack.query(CHECK, { id }, 'demo-approval-key');
      assert.equal(afterwards.data!.subject.creditCheck.verdict, 'MANDATORY_RESTRICTION');
      const kinds = (await stack.db('courts')('record_events').where('record_id', rec.id).orderBy('seq')).map((e: any) => e.kind);
      assert.deepEqual(kinds, ['PUBLISHED', 'OBJECTED', 'OBJECTION_UPHELD']);
    });

    it('revokes a record when an objection is found right, and the record stops triggering', async () => {
      const id = subject();
      const rec = (await publish(input(id))).data!.courts.publishRecord;
      const o = (await stack.query(`mutation($id: ID!) { courts { fileObjection(input: { recordId: $id, reason: "误列" }) { id } } }`, { id: rec.id }, 'demo-platform-key')).data!.courts.fileObjection;
      const r = await stack.query(`mutation($o: ID!) { courts { resolveObjection(objectionId: $o, outcome: REVOKED, note: "误列，予以撤销") { status } } }`, { o: o.id }, 'demo-courts-key');
      assert.equal(r.data!.courts.resolveObjection.status, 'REVOKED');
      const c = await stack.query(CHECK, { id }, 'demo-approval-key');
      assert.equal(c.data!.subject.creditCheck.verdict, 'CLEAR');
      assert.deepEqual(c.data!.subject.creditCheck.suspendedMeasures, []);
    });

    it('corrects a record when an objection is partly right, and lists overdue objections', async () => {
      const id = subject();
      const rec = (await publish(input(id))).data!.courts.publishRecord;
      const o = (await stack.query(`mutation($id: ID!) { courts { fileObjection(input: { recordId: $id, reason: "金额有误" }) { id } } }`, { id: rec.id }, 'demo-platform-key')).data!.courts.fileObjection;
      const noCorrection = await stack.query(`mutation($o: ID!) { courts { resolveObjection(objectionId: $o, outcome: CORRECTED, note: "x") { status } } }`, { o: o.id }, 'demo-courts-key');
      assert.match(noCorrection.errors![0]!.message, /outcome CORRECTED needs correction/);
      const r = await stack.query(
        `mutation($o: ID!) { courts { resolveObjection(objectionId: $o, outcome: CORRECTED, note: "更正执行标的", correction: { summary: "更正：执行标的为人民币5万元" }) { status } } }`,
        { o: o.id },
        'demo-courts-key',
      );
      assert.equal(r.data!.courts.resolveObjection.status, 'CORRECTED');
      const history = await stack.query(`query($id: ID!) { courts { recordHistory(id: $id) { version status summary } } }`, { id: rec.id });
      assert.deepEqual(history.data!.courts.recordHistory.map((v: any) => [v.version, v.status]), [[1, 'ACTIVE'], [2, 'IN_OBJECTION'], [3, 'ACTIVE'], [4, 'ACTIVE']]);
      assert.equal(history.data!.courts.recordHistory[3].summary, '更正：执行标的为人民币5万元');

      const late = (await publish(input(subject()))).data!.courts.publishRecord;
      const lateObjection = (await stack.query(`mutation($id: ID!) { courts { fileObjection(input: { recordId: $id, reason: "逾期测试" }) { id } } }`, { id: late.id }, 'demo-platform-key')).data!.courts.fileObjection;
      await stack.db('courts')('objections').where('id', lateObjection.id).update({ due_on: addDays(today(), -1) });
      const overdue = await stack.query(`{ courts { objections(overdueOnly: true) { id overdue dueOn } } }`, {}, 'demo-courts-key');
      assert.deepEqual(overdue.data!.courts.objections.map((x: any) => [x.id, x.overdue]), [[lateObjection.id, true]]);
    });

    it('refuses repair before the minimum publicity period with the date it becomes possible, then repairs after it', async () => {
      const recent = (await publish(input(subject()))).data!.courts.publishRecord;
      const app = await stack.query(`mutation($id: ID!) { courts { applyForRepair(input: { recordId: $id, statement: "已全部履行" }) { id status earliestRepairOn } } }`, { id: recent.id }, 'demo-platform-key');
      assert.equal(app.errors, undefined, JSON.stringify(app.errors));
      const application = app.data!.courts.applyForRepair;
      assert.equal(application.earliestRepairOn, addYears(recent.decidedOn, 1));
      const early = await stack.query(`mutation($a: ID!) { courts { decideRepair(applicationId: $a, approve: true, note: "同意") { status } } }`, { a: application.id }, 'demo-courts-key');
      assert.equal(early.errors![0]!.extensions!.code, 'BAD_USER_INPUT');
      assert.match(early.errors![0]!.message, new RegExp(`possible from ${application.earliestRepairOn}`));
      const still = await stack.query(`query($id: ID!) { courts { record(id: $id) { status version } } }`, { id: recent.id });
      assert.deepEqual(still.data!.courts.record, { status: 'ACTIVE', version: 1 });

      const id = subject();
      const old = (await publish(input(id, { decidedOn: addDays(addYears(today(), -1), -5) }))).data!.courts.publishRecord;
      const app2 = (await stack.query(`mutation($id: ID!) { courts { applyForRepair(input: { recordId: $id, statement: "已全部履行" }) { id } } }`, { id: old.id }, 'demo-platform-key')).data!.courts.applyForRepair;
      const ok = await stack.query(`mutation($a: ID!) { courts { decideRepair(applicationId: $a, approve: true, note: "同意修复") { status } } }`, { a: app2.id }, 'demo-courts-key');
      assert.equal(ok.data!.courts.decideRepair.status, 'APPROVED');
      const c = await stack.query(CHECK, { id }, 'demo-approval-key');
      assert.equal(c.data!.subject.creditCheck.verdict, 'CLEAR');
      const history = await stack.query(`query($id: ID!) { courts { recordHistory(id: $id) { status } } }`, { id: old.id });
      assert.deepEqual(history.data!.courts.recordHistory.map((v: any) => v.status), ['ACTIVE', 'REPAIRED']);
    });
  });
}
