import assert from './kit/assert.js';
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import { naturalPersonId } from '../scripts/demo-data/identities.js';
import { insertRecord, IDS } from './kit/fixtures.js';
import { TestStack } from './kit/stack.js';

/**
 * The timing of a refusal as an oracle. An analyst may not look a natural person up; if the refusal
 * of a person who has records took measurably longer (or shorter) than that of a number nobody
 * holds, the clock would tell which numbers belong to people on a list. The refusal is decided from
 * the operation alone, before any subgraph or database is asked: the two must take the same time.
 */
describe('an analyst timing refusals learns nothing about which persons exist', () => {
  let stack: TestStack;
  const listed = IDS.debtorPerson;
  const nobody = naturalPersonId(987_654);

  beforeAll(async () => {
    stack = await TestStack.start();
    await insertRecord(stack.db('courts'), { subjectId: listed, category: 'DISHONEST_JUDGMENT_DEBTOR', listType: 'BLACK' });
  });
  afterAll(async () => stack?.close());

  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

  it('takes the same time to refuse a listed person and a number nobody holds, and touches no subgraph', async () => {
    const query = `query($id: ID!) { subject(id: $id) { id courts { records { id } } } }`;
    const timings: Record<string, number[]> = { [listed]: [], [nobody]: [] };
    const answers = new Set<string>();
    let statements = 0;
    const count = () => void (statements += 1);
    const dbs = (['platform', 'courts', 'tax', 'market', 'finance'] as const).map((name) => stack.db(name));
    for (const db of dbs) db.on('query', count);
    try {
      for (let i = 0; i < 20; i++) await stack.query(query, { id: i % 2 ? listed : nobody }, 'demo-analyst-key'); // warm-up
      for (let i = 0; i < 300; i++) {
        const id = i % 2 ? listed : nobody;
        const t0 = performance.now();
        const r = await stack.query(query, { id }, 'demo-analyst-key');
        timings[id]!.push(performance.now() - t0);
        assert.equal(r.status, 403);
        answers.add(JSON.stringify({ status: r.status, errors: r.errors, data: r.data ?? null }));
      }
    } finally {
      for (const db of dbs) db.removeListener('query', count);
    }
    assert.equal(answers.size, 1, 'one answer, byte for byte, whoever the number is');
    assert.equal(statements, 0, 'no statement reached any subgraph database');
    const a = median(timings[listed]!);
    const b = median(timings[nobody]!);
    // The same code path either way: only scheduling noise separates the medians.
    assert.ok(Math.abs(a - b) < Math.max(1, 0.25 * Math.min(a, b)), `median ${a.toFixed(2)} ms for a listed person, ${b.toFixed(2)} ms for nobody`);
  });
});
