import assert from './kit/assert.js';
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import { TestStack } from './kit/stack.js';

describe('caller identity', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await TestStack.start();
  });
  afterAll(async () => stack?.close());

  it('reaches the subgraphs: each key is seen as its own client and role', async () => {
    const seen = [];
    for (const key of ['demo-approval-key', 'demo-courts-key', 'demo-platform-key']) {
      const r = await stack.query(`{ viewer { clientId role department } }`, {}, key);
      seen.push(r.data!.viewer);
    }
    assert.deepEqual(seen, [
      { clientId: 'demo-approval', role: 'APPROVAL_SYSTEM', department: null },
      { clientId: 'demo-courts', role: 'DEPARTMENT', department: 'courts' },
      { clientId: 'demo-platform', role: 'CREDIT_OFFICE', department: null },
    ]);
  });
});
