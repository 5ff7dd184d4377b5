import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TestStack } from './kit/stack.js';

describe('smoke', () => {
  let stack: TestStack;
  before(async () => {
    stack = await TestStack.start();
  });
  after(async () => stack.close());

  it('answers a subject through the gateway', async () => {
    const r = await stack.query(`{ subject(id: "91430100MA4L0L0000") { id kind tax { known records { id } } market { known } courts { known } finance { known } } }`);
    console.log(JSON.stringify(r));
    assert.equal(r.status, 200);
  });
});
