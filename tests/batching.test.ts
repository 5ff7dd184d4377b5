import assert from './kit/assert.js';
import { afterAll, beforeAll, it } from '@jest/globals';
import { legalPersonId, naturalPersonId } from '../scripts/demo-data/identities.js';
import { DEPARTMENTS } from '../subgraphs/services.js';
import { engines } from './kit/engines.js';
import { countStatements, insertRecord } from './kit/fixtures.js';
import { TestStack } from './kit/stack.js';
import { suite } from './kit/suite.js';

const BATCH = `query Batch($ids: [ID!]!) {
  subjects(ids: $ids) {
    id kind
    tax { known records { category listType status } grades { year grade } arrears { amount } }
    market { known records { category } registration { name } licences { decisionNo } penalties { decisionNo } representedEnterprises { enterpriseId } }
    courts { known records { category } debtorCases { caseNo } consumptionRestrictions { orderNo } }
    finance { known records { category } subsidies { amount } creditLoans { standing } }
  }
}`;

function ids(n: number): string[] {
  return Array.from({ length: n }, (_, i) => (i % 3 === 2 ? naturalPersonId(i) : legalPersonId(i)));
}

for (const { engine, skip } of await engines()) {
  suite(`subjects(ids) batching (${engine})`, skip, () => {
    let stack: TestStack;

    beforeAll(async () => {
      stack = await TestStack.start({ engine });
      const all = ids(1000);
      for (let i = 0; i < all.length; i += 50) {
        await insertRecord(stack.db('courts'), { subjectId: all[i]!, category: 'DISHONEST_JUDGMENT_DEBTOR', listType: 'BLACK' });
        await insertRecord(stack.db('tax'), { subjectId: all[i + 1]!, category: 'TAX_CREDIT_A', listType: 'RED' });
      }
    });
    afterAll(async () => stack?.close());

    it('runs the same, constant number of SQL statements per subgraph for 1, 10 and 1,000 subjects', async () => {
      const dbs = Object.fromEntries(DEPARTMENTS.map((d) => [d, stack.db(d)]));
      const perSize: Record<number, Record<string, number>> = {};
      for (const n of [1, 10, 1000]) {
        perSize[n] = await countStatements(dbs, async () => {
          const r = await stack.query(BATCH, { ids: ids(n) }, 'demo-platform-key');
          assert.equal(r.errors, undefined, JSON.stringify(r.errors?.slice(0, 2)));
          assert.equal(r.data!.subjects.length, n);
        });
      }
      for (const d of DEPARTMENTS) {
        assert.ok(perSize[1]![d]! >= 1, `${d} ran statements`);
        assert.equal(perSize[10]![d], perSize[1]![d], `${d}: 10 subjects ${perSize[10]![d]} statements vs 1 subject ${perSize[1]![d]}`);
        assert.equal(perSize[1000]![d], perSize[1]![d], `${d}: 1000 subjects ${perSize[1000]![d]} statements vs 1 subject ${perSize[1]![d]}`);
        // one statement per table the query touches, at most
        assert.ok(perSize[1000]![d]! <= 4, `${d}: ${perSize[1000]![d]} statements`);
      }
    });

    it('returns each subject its own records in a 1,000-subject batch', async () => {
      const all = ids(1000);
      const r = await stack.query(BATCH, { ids: all }, 'demo-platform-key');
      assert.equal(r.errors, undefined, JSON.stringify(r.errors?.slice(0, 2)));
      const subjects = r.data!.subjects as any[];
      assert.deepEqual(subjects.map((s) => s.id), all);
      for (let i = 0; i < all.length; i++) {
        const s = subjects[i];
        assert.equal(s.courts.records.length, i % 50 === 0 ? 1 : 0, `courts records of #${i}`);
        assert.equal(s.tax.records.length, i % 50 === 1 ? 1 : 0, `tax records of #${i}`);
        assert.equal(s.courts.known, i % 50 === 0);
      }
    });
  });
}
