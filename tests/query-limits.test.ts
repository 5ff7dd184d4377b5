import assert from './kit/assert.js';
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import { getIntrospectionQuery } from 'graphql';
import { TestStack } from './kit/stack.js';

describe('limits on client operations', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await TestStack.start();
  });
  afterAll(async () => stack?.close());

  it('refuses a too-deep query, naming the limit, before asking any subgraph', async () => {
    let inner = 'id';
    for (let i = 0; i < 6; i++) inner = `market { representedEnterprises { enterprise { ${inner} } } }`;
    inner = `subject(id: "91430100MA4L0L0000") { ${inner} }`;
    const r = await stack.query(`{ ${inner} }`);
    assert.equal(r.status, 400);
    assert.equal(r.errors![0]!.extensions!.code, 'GRAPHQL_VALIDATION_FAILED');
    assert.match(r.errors![0]!.message, /levels deep: at most 15 are allowed/);
  });

  it('refuses an alias bomb', async () => {
    const fields = Array.from({ length: 40 }, (_, i) => `a${i}: subject(id: "91430100MA4L0L0000") { id }`).join(' ');
    const r = await stack.query(`{ ${fields} }`);
    assert.match(r.errors![0]!.message, /40 aliased fields: at most 30 are allowed/);
  });

  it('refuses a document with too many tokens', async () => {
    const r = await stack.query(`{ ${'__typename '.repeat(6000)} }`);
    assert.match(r.errors![0]!.message, /contains more th\w+ 5000 tokens/);
  });

  it('still lets GraphiQL introspect the schema', async () => {
    const r = await stack.query(getIntrospectionQuery());
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    assert.ok(r.data!.__schema.types.length > 50);
  });

  it('answers the README check query', async () => {
    const r = await stack.query(`query Check($id: ID!) { subject(id: $id) { creditCheck(matter: GOVERNMENT_PROCUREMENT, caseRef: "ZFCG-2026-0815") {
      checkId verdict measures { code evidence { record { department category } viaEnterprise viaRole } } suspendedMeasures { code reason } } } }`, { id: '91430100MA4L0L0000' }, 'demo-approval-key');
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
  });

  it('rate-limits each client on its own, and says when to retry', async () => {
    const limited = await TestStack.start({ clientRatePerMinute: 20 });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 15; i++) statuses.push((await limited.query('{ __typename }', {}, 'demo-analyst-key')).status);
      assert.ok(statuses.includes(429), JSON.stringify(statuses));
      const refused = await limited.query('{ __typename }', {}, 'demo-analyst-key');
      assert.equal(refused.errors![0]!.extensions!.code, 'RATE_LIMITED');
      assert.match(refused.errors![0]!.message, /client demo-analyst sent too many requests: retry in \d+ s/);
      const other = await limited.query('{ __typename }', {}, 'demo-approval-key');
      assert.equal(other.status, 200, 'another client is not held back');
    } finally {
      await limited.close();
    }
  });
});
