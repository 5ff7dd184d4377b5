import assert from './kit/assert.js';
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import type { Knex } from 'knex';
import { openDatabase } from '../subgraphs/kit/database.js';
import { closeReads } from '../subgraphs/kit/sql.js';
import { newMeasureVersion } from '../subgraphs/platform/measures/repository.js';
import { insertRecord, IDS } from './kit/fixtures.js';
import { TestStack } from './kit/stack.js';

/**
 * The platform keeps the measure catalogue between checks (subgraphs/platform/measures/repository.ts)
 * and reads it again only when the table changed. The second day of a deployment with two platform
 * replicas: the catalogue is changed through the other replica (here: another pool on the same
 * database, as another process would hold), and the very next check through this one must apply
 * the new version, and a replay of a check made before must still use the old one.
 */
describe('a catalogue change made by another platform replica', () => {
  let stack: TestStack;
  let otherReplica: Knex;
  const CHECK = `query($id: ID!) { subject(id: $id) { creditCheck(matter: GOVERNMENT_PROCUREMENT, caseRef: "R-1") { checkId verdict measures { code version } } } }`;

  beforeAll(async () => {
    stack = await TestStack.start();
    await insertRecord(stack.db('tax'), { subjectId: IDS.blackEnterprise, category: 'MAJOR_TAX_VIOLATION', listType: 'BLACK' });
    otherReplica = await openDatabase(stack.subgraphs.get('platform')!.database);
  });
  afterAll(async () => {
    closeReads(otherReplica);
    await otherReplica?.destroy();
    await stack?.close();
  });

  it('is applied by the next check, and a replay of an earlier check keeps the version it used', async () => {
    const before = await stack.query(CHECK, { id: IDS.blackEnterprise }, 'demo-approval-key');
    assert.equal(before.errors, undefined, JSON.stringify(before.errors));
    const first = before.data!.subject.creditCheck;
    assert.equal(first.verdict, 'MANDATORY_RESTRICTION');
    const applied = first.measures[0] as { code: string; version: number };

    // Retired through the other replica: this replica's cached catalogue is now stale.
    const retired = await newMeasureVersion(otherReplica, applied.code, (current) => ({ content: current, retired: true }), 'demo-platform', 'retired elsewhere');
    assert.equal(retired!.version, applied.version + 1);

    const after = await stack.query(CHECK, { id: IDS.blackEnterprise }, 'demo-approval-key');
    assert.equal(after.errors, undefined, JSON.stringify(after.errors));
    assert.ok(!after.data!.subject.creditCheck.measures.some((m: { code: string }) => m.code === applied.code), `${applied.code} retired on the other replica is not applied: ${JSON.stringify(after.data)}`);

    const replay = await stack.query(
      `query($checkId: ID!) { platform { replayCheck(checkId: $checkId) { subject { reevaluation(checkId: $checkId) { matchesOriginal measures { code version } } } } } }`,
      { checkId: first.checkId },
      'demo-platform-key',
    );
    assert.equal(replay.errors, undefined, JSON.stringify(replay.errors));
    const again = replay.data!.platform.replayCheck.subject.reevaluation;
    assert.equal(again.matchesOriginal, true);
    assert.ok(again.measures.some((m: { code: string; version: number }) => m.code === applied.code && m.version === applied.version));
  });
});
