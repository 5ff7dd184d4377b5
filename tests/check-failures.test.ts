import assert from './kit/assert.js';
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import { legalPersonId, naturalPersonId } from '../scripts/demo-data/identities.js';
import { addYears, today } from '../subgraphs/kit/clock.js';
import type { DEPARTMENTS } from '../subgraphs/services.js';
import { startFakeSubgraph, type Misbehaviour } from './kit/fake-subgraph.js';
import { insertRecord, insertRepresentation } from './kit/fixtures.js';
import { TestStack } from './kit/stack.js';

type Department = (typeof DEPARTMENTS)[number];

const BATCH = `query($ids: [ID!]!, $matter: Matter!) {
  subjects(ids: $ids) { id creditCheck(matter: $matter, caseRef: "BID-2026-07") { verdict missingSources measures { code } } }
}`;

const clean = legalPersonId(9001);
const watched = legalPersonId(9002);
const black = legalPersonId(9003);
const red = legalPersonId(9004);
const firm = legalPersonId(9005);
const boss = naturalPersonId(9006);

/** One subject per verdict, with its record in a department other than `down` where it matters. */
async function seed(stack: TestStack, down: Department): Promise<void> {
  const other: Department = down === 'finance' ? 'tax' : 'finance';
  await insertRecord(stack.db('tax'), { subjectId: clean, category: 'TAX_CREDIT_A', listType: 'RED', decidedOn: addYears(today(), -1) });
  await insertRecord(stack.db(down === 'market' ? 'courts' : 'market'), {
    subjectId: watched,
    ...(down === 'market' ? { category: 'CONSUMPTION_RESTRICTION' } : { category: 'ABNORMAL_OPERATION' }),
    listType: 'WATCH',
    validUntil: null,
  });
  await insertRecord(stack.db(other), { subjectId: black, category: other === 'tax' ? 'MAJOR_TAX_VIOLATION' : 'FISCAL_FUND_FRAUD', listType: 'BLACK' });
  await insertRecord(stack.db(down === 'tax' ? 'market' : 'tax'), { subjectId: red, category: down === 'tax' ? 'CONTRACT_ABIDING_CREDITWORTHY' : 'TAX_CREDIT_A', listType: 'RED' });
  if (down !== 'market') {
    await insertRecord(stack.db(down), { subjectId: firm, category: down === 'courts' ? 'DISHONEST_JUDGMENT_DEBTOR' : down === 'tax' ? 'MAJOR_TAX_VIOLATION' : 'ILLEGAL_FUNDRAISING', listType: 'BLACK' });
    await insertRepresentation(stack.db('market'), firm, boss, addYears(today(), -3), null);
  }
}

/** Asserts the fail-closed answer for one subject: never CLEAR, never missing, the source named. */
function assertFailClosed(check: any, down: Department, expected: string): void {
  assert.ok(check, 'a check is answered');
  assert.notEqual(check.verdict, 'CLEAR');
  assert.equal(check.verdict, expected);
  assert.ok(check.missingSources.includes(down), `${down} in ${JSON.stringify(check.missingSources)}`);
}

/** A slow source stays silent this long: far past the timeout, so no machine's speed decides whether it counts as failed. */
const SILENT_MS = 120_000;
/** The timeout of the slow source alone; the others keep the stack's long default, so on a loaded machine only the slow one counts as failed. */
const SLOW_TIMEOUT_MS = 4000;

const misbehaviours: { name: string; down: Department; make: 'stop' | Misbehaviour }[] = [
  { name: 'down', down: 'courts', make: 'stop' },
  { name: 'slow past its timeout', down: 'tax', make: { kind: 'slow', delayMs: SILENT_MS } },
  { name: 'answering garbage', down: 'finance', make: { kind: 'garbage' } },
  { name: 'answering HTTP 500', down: 'market', make: { kind: 'http500' } },
];

for (const m of misbehaviours) {
  describe(`check with a department ${m.name} (${m.down}): fail-closed`, () => {
    let stack: TestStack;
    let fake: Awaited<ReturnType<typeof startFakeSubgraph>> | undefined;

    beforeAll(async () => {
      if (m.make !== 'stop') fake = await startFakeSubgraph(m.make);
      stack = await TestStack.start({ ...(m.make !== 'stop' && m.make.kind === 'slow' ? { subgraphTimeouts: { [m.down]: SLOW_TIMEOUT_MS } } : {}), urlOverrides: fake ? { [m.down]: fake.url } : {} });
      await seed(stack, m.down);
      if (m.make === 'stop') await stack.stopSubgraph(m.down);
    });
    afterAll(async () => {
      await stack?.close();
      await fake?.close();
    });

    it('answers INCOMPLETE, never CLEAR, for a clean subject and for a red-list one (no incentive)', async () => {
      const r = await stack.query(BATCH, { ids: [clean, red], matter: 'FISCAL_FUNDS' }, 'demo-approval-key');
      for (const s of r.data!.subjects) {
        assertFailClosed(s.creditCheck, m.down, 'INCOMPLETE');
        assert.deepEqual(s.creditCheck.measures, []);
      }
      assert.ok(r.errors?.some((e) => e.extensions?.serviceName === m.down));
    });

    it('answers INCOMPLETE over a recommended punishment', async () => {
      const r = await stack.query(BATCH, { ids: [watched], matter: 'GOVERNMENT_PROCUREMENT' }, 'demo-approval-key');
      assertFailClosed(r.data!.subjects[0].creditCheck, m.down, 'INCOMPLETE');
    });

    it('still answers MANDATORY_RESTRICTION from the sources that answered', async () => {
      const r = await stack.query(BATCH, { ids: [black], matter: 'GOVERNMENT_PROCUREMENT' }, 'demo-approval-key');
      const c = r.data!.subjects[0].creditCheck;
      assertFailClosed(c, m.down, 'MANDATORY_RESTRICTION');
      assert.deepEqual(c.measures.map((x: any) => x.code), ['P_GOVERNMENT_PROCUREMENT_BAN']);
    });

    it('keeps a person INCOMPLETE when the enterprise it represents cannot be read from that source', async () => {
      const r = await stack.query(BATCH, { ids: [boss], matter: 'GOVERNMENT_PROCUREMENT' }, 'demo-approval-key');
      assertFailClosed(r.data!.subjects[0].creditCheck, m.down, 'INCOMPLETE');
    });

    it('answers every subject of a 1,000-subject batch, none of them CLEAR', async () => {
      const ids = [clean, watched, black, red, ...Array.from({ length: 996 }, (_, i) => (i % 2 ? legalPersonId(i) : naturalPersonId(i)))];
      const r = await stack.query(BATCH, { ids, matter: 'GOVERNMENT_PROCUREMENT' }, 'demo-approval-key');
      const subjects = r.data!.subjects as any[];
      assert.equal(subjects.length, 1000);
      assert.deepEqual(subjects.map((s) => s.id), ids);
      for (const s of subjects) assert.ok(s.creditCheck.missingSources.includes(m.down) && s.creditCheck.verdict !== 'CLEAR', JSON.stringify(s));
      assert.equal(subjects[2].creditCheck.verdict, 'MANDATORY_RESTRICTION');
      const stored = await stack.db('platform')('checks').where('case_ref', 'BID-2026-07').count({ n: '*' }).first();
      assert.ok(Number(stored!.n) >= 1000, 'every check of the batch is stored');
    });
  });
}
