import assert from './kit/assert.js';
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import { legalPersonId } from '../scripts/demo-data/identities.js';
import type { DEPARTMENTS } from '../subgraphs/services.js';
import { startFakeSubgraph, type Misbehaviour } from './kit/fake-subgraph.js';
import { IDS, insertRecord } from './kit/fixtures.js';
import { TestStack } from './kit/stack.js';

const VIEW = `query($id: ID!) { subject(id: $id) {
  id kind
  tax { known records { category } }
  market { known records { category } }
  courts { known records { category } }
  finance { known records { category } }
} }`;
const BATCH = `query($ids: [ID!]!) { subjects(ids: $ids) {
  id
  tax { records { category } }
  market { records { category } }
  courts { records { category } }
  finance { records { category } }
} }`;

type Department = (typeof DEPARTMENTS)[number];

async function seed(stack: TestStack): Promise<void> {
  await insertRecord(stack.db('tax'), { subjectId: IDS.blackEnterprise, category: 'MAJOR_TAX_VIOLATION', listType: 'BLACK' });
  await insertRecord(stack.db('finance'), { subjectId: IDS.blackEnterprise, category: 'FISCAL_FUND_FRAUD', listType: 'BLACK' });
  await insertRecord(stack.db('courts'), { subjectId: IDS.blackEnterprise, category: 'DISHONEST_JUDGMENT_DEBTOR', listType: 'BLACK' });
  await insertRecord(stack.db('market'), { subjectId: IDS.blackEnterprise, category: 'ABNORMAL_OPERATION', listType: 'WATCH' });
}

/** Asserts the failed department is null with an error naming it, and the others are answered. */
function assertOnlyMissing(subject: any, errors: any[] | undefined, missing: Department): void {
  assert.equal(subject[missing], null, `${missing} is null`);
  assert.ok(errors?.some((e) => e.extensions?.serviceName === missing && e.message.includes(missing)), `an error names ${missing}: ${JSON.stringify(errors)}`);
  const expected: Record<Department, string> = { tax: 'MAJOR_TAX_VIOLATION', market: 'ABNORMAL_OPERATION', courts: 'DISHONEST_JUDGMENT_DEBTOR', finance: 'FISCAL_FUND_FRAUD' };
  for (const d of Object.keys(expected) as Department[]) {
    if (d === missing) continue;
    assert.deepEqual(subject[d].records, [{ category: expected[d] }], `${d} still answered`);
  }
}

describe('a department that is down', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await TestStack.start();
    await seed(stack);
    await stack.stopSubgraph('courts');
  });
  afterAll(async () => stack?.close());

  it('nulls its fields with an error naming it and answers everything else', async () => {
    const r = await stack.query(VIEW, { id: IDS.blackEnterprise });
    assert.equal(r.status, 200);
    assert.equal(r.data!.subject.kind, 'LEGAL_PERSON');
    assertOnlyMissing(r.data!.subject, r.errors, 'courts');
    assert.match(r.errors!.find((e) => e.extensions?.serviceName === 'courts')!.message, /connection refused/);
  });

  it('keeps every subject of a 1,000-subject batch', async () => {
    const ids = [IDS.blackEnterprise, ...Array.from({ length: 999 }, (_, i) => legalPersonId(i))];
    const r = await stack.query(BATCH, { ids });
    assert.equal(r.data!.subjects.length, 1000);
    assertOnlyMissing(r.data!.subjects[0], r.errors, 'courts');
    assert.ok(r.data!.subjects.every((s: any) => s.courts === null && Array.isArray(s.tax.records)));
  });
});

/** The misbehaving source's timeout; the healthy ones keep the stack's long default, so a loaded machine cannot make them fail too. */
const TIMEOUT_MS = 4000;
/** A slow source stays silent this long, far past the timeout. */
const SILENT_MS = 120_000;

const cases: { name: string; misbehaviour: Misbehaviour; department: Department; reason: RegExp }[] = [
  { name: 'slow past its timeout', misbehaviour: { kind: 'slow', delayMs: SILENT_MS }, department: 'tax', reason: new RegExp(`no answer within ${TIMEOUT_MS} ms`) },
  { name: 'answering garbage', misbehaviour: { kind: 'garbage' }, department: 'market', reason: /not JSON/ },
  { name: 'answering HTTP 500', misbehaviour: { kind: 'http500' }, department: 'finance', reason: /HTTP 500/ },
];

for (const c of cases) {
  describe(`a department ${c.name}`, () => {
    let stack: TestStack;
    let fake: Awaited<ReturnType<typeof startFakeSubgraph>>;
    beforeAll(async () => {
      fake = await startFakeSubgraph(c.misbehaviour);
      stack = await TestStack.start({ subgraphTimeouts: { [c.department]: TIMEOUT_MS }, urlOverrides: { [c.department]: fake.url } });
      await seed(stack);
    });
    afterAll(async () => {
      await stack?.close();
      await fake?.close();
    });

    it('nulls its fields with an error naming it and answers everything else', async () => {
      const started = Date.now();
      const r = await stack.query(VIEW, { id: IDS.blackEnterprise });
      assert.ok(Date.now() - started < SILENT_MS, 'answered without waiting for the slow source');
      assertOnlyMissing(r.data!.subject, r.errors, c.department);
      assert.match(r.errors!.find((e) => e.extensions?.serviceName === c.department)!.message, c.reason);
    });

    it('keeps every subject of a 1,000-subject batch', async () => {
      const ids = [IDS.blackEnterprise, ...Array.from({ length: 999 }, (_, i) => legalPersonId(i))];
      const r = await stack.query(BATCH, { ids });
      assert.equal(r.data!.subjects.length, 1000);
      assertOnlyMissing(r.data!.subjects[0], r.errors, c.department);
      assert.ok(r.data!.subjects.every((s: any) => s[c.department] === null));
    });
  });
}
