import assert from './kit/assert.js';
import { afterAll, beforeAll, it } from '@jest/globals';
import { legalPersonId } from '../scripts/demo-data/identities.js';
import { addDays, today } from '../subgraphs/kit/clock.js';
import { engines } from './kit/engines.js';
import { TestStack } from './kit/stack.js';
import { suite } from './kit/suite.js';

const PUBLISH = `mutation($input: PublishRecordInput!) { courts { publishRecord(input: $input) { id version decisionNo decidedOn } } }`;

for (const { engine, skip } of await engines()) {
  suite(`decision numbers and dates a department publishes (${engine})`, skip, () => {
    let stack: TestStack;
    let n = 7100;
    const publish = (input: Record<string, unknown>) => stack.query(PUBLISH, { input }, 'demo-courts-key');
    const input = (subjectId: string, decisionNo: string, extra: Record<string, unknown> = {}) => ({
      subjectId,
      category: 'DISHONEST_JUDGMENT_DEBTOR',
      decisionNo,
      decidedOn: addDays(today(), -10),
      summary: '有履行能力而拒不履行生效法律文书确定义务',
      ...extra,
    });
    const rowsOf = async (subjectId: string) => stack.db('courts')('credit_records').where('subject_id', subjectId).select('id', 'decision_no');
    const auditEntries = async () => Number((await stack.db('courts')('audit_log').count({ n: '*' }).first())!.n);

    beforeAll(async () => {
      stack = await TestStack.start({ engine });
    });
    afterAll(async () => stack?.close());

    it('keeps one record for look-alike decision numbers: zero-width characters, full-width brackets and digits, extra spaces', async () => {
      const subjectId = legalPersonId(n++);
      const plain = '(2026)湘0102执1号';
      const first = await publish(input(subjectId, plain));
      assert.equal(first.errors, undefined, JSON.stringify(first.errors));
      const entries = await auditEntries();
      for (const lookAlike of ['(2026)湘0102\u200B执1号', '（2026）湘0102执1号', '（２０２６）湘０１０２执１号', ' (2026)湘0102执1号\u2060', '(2026)\uFEFF湘0102执1号']) {
        const again = await publish(input(subjectId, lookAlike));
        assert.equal(again.errors, undefined, `${JSON.stringify(lookAlike)}: ${JSON.stringify(again.errors)}`);
        assert.deepEqual(again.data!.courts.publishRecord, first.data!.courts.publishRecord);
      }
      assert.deepEqual((await rowsOf(subjectId)).map((r: any) => r.decision_no), [plain]);
      assert.equal(await auditEntries(), entries, 'a look-alike retry records nothing new');
    });

    it('stores the normal form and treats a look-alike with other content as a conflict on the same record', async () => {
      const subjectId = legalPersonId(n++);
      const first = await publish(input(subjectId, '（2026）湘0102执2号   补正'));
      assert.equal(first.data!.courts.publishRecord.decisionNo, '(2026)湘0102执2号 补正');
      const other = await publish(input(subjectId, '(2026)湘0102执2号 补正', { summary: '另一内容' }));
      assert.equal(other.errors![0]!.extensions!.code, 'CONFLICT');
      assert.equal(other.errors![0]!.extensions!.recordId, first.data!.courts.publishRecord.id);
      assert.equal((await rowsOf(subjectId)).length, 1);
    });

    it('refuses control and bidirectional characters, naming the character, and stores nothing', async () => {
      const subjectId = legalPersonId(n++);
      const entries = await auditEntries();
      const cases: [string, string][] = [
        ['(2026)湘0102执3号\n', 'U+000A'],
        ['(2026)湘0102\u0000执3号', 'U+0000'],
        ['(2026)湘0102执3号\u0007', 'U+0007'],
        ['(2026)湘0102执\u202E号3', 'U+202E'],
        ['\u2066(2026)湘0102执3号\u2069', 'U+2066'],
        ['(2026)湘0102执3号\u200F', 'U+200F'],
        ['(2026)湘0102\u0085执3号', 'U+0085'],
      ];
      for (const [decisionNo, char] of cases) {
        const r = await publish(input(subjectId, decisionNo));
        assert.equal(r.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT', `${JSON.stringify(decisionNo)}: ${JSON.stringify(r)}`);
        assert.ok(r.errors![0]!.message.includes(char), `${r.errors![0]!.message} names ${char}`);
      }
      const onlyInvisible = await publish(input(subjectId, '\u200B\u200D'));
      assert.match(onlyInvisible.errors![0]!.message, /decisionNo is empty/);
      assert.deepEqual(await rowsOf(subjectId), []);
      assert.equal(await auditEntries(), entries);
    });

    it('refuses a decision date before 1990 or after today, on publish and on correction', async () => {
      const subjectId = legalPersonId(n++);
      const early = await publish(input(subjectId, '(2026)湘0102执4号', { decidedOn: '0001-01-01' }));
      assert.equal(early.errors![0]!.extensions!.code, 'BAD_USER_INPUT');
      assert.match(early.errors![0]!.message, /decidedOn 0001-01-01 is before 1990-01-01/);
      const lastDay = await publish(input(subjectId, '(2026)湘0102执5号', { decidedOn: '1989-12-31' }));
      assert.match(lastDay.errors![0]!.message, /decidedOn 1989-12-31 is before 1990-01-01/);
      const future = await publish(input(subjectId, '(2026)湘0102执6号', { decidedOn: addDays(today(), 1) }));
      assert.match(future.errors![0]!.message, /is in the future/);
      assert.deepEqual(await rowsOf(subjectId), []);
      const first = await publish(input(subjectId, '(2026)湘0102执7号', { decidedOn: '1990-01-01', validUntil: addDays(today(), 30) }));
      assert.equal(first.errors, undefined, JSON.stringify(first.errors));
      const correct = await stack.query(`mutation { courts { correctRecord(id: "${first.data!.courts.publishRecord.id}", input: { decidedOn: "1900-05-01" }) { version } } }`, {}, 'demo-courts-key');
      assert.match(correct.errors![0]!.message, /decidedOn 1900-05-01 is before 1990-01-01/);
    });
  });
}
