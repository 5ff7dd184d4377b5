import assert from './kit/assert.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import { legalPersonId } from '../scripts/demo-data/identities.js';
import { DEFINITIONS } from '../subgraphs/definitions.js';
import type { RunningServer } from '../subgraphs/kit/listen.js';
import { createSubgraph, type Subgraph } from '../subgraphs/kit/subgraph-server.js';
import { startFakeSubgraph } from './kit/fake-subgraph.js';
import { insertRecord } from './kit/fixtures.js';
import { TestStack } from './kit/stack.js';

/**
 * Per the federation spec a subgraph answers `_entities` with null for a representation it cannot
 * resolve. That is an answer: the other entities of the batch keep theirs, nothing is reported as
 * a source failure. Only an error for that entity, or an unusable answer, is a failure.
 */
const BATCH = `query($ids: [ID!]!) { subjects(ids: $ids) {
  id
  courts { known records { category } }
  tax { known }
  creditPreview(matter: GOVERNMENT_PROCUREMENT) { verdict missingSources }
} }`;

const [A, B, C] = [legalPersonId(9101), legalPersonId(9102), legalPersonId(9103)];

describe('a subgraph answering _entities with [{…}, {…}, null]', () => {
  let stack: TestStack;
  let fake: Awaited<ReturnType<typeof startFakeSubgraph>>;
  /** How the fake courts answers the entity C. */
  let forC: 'null' | 'null with an error' | 'a number' = 'null';

  beforeAll(async () => {
    fake = await startFakeSubgraph({
      kind: 'answer',
      answer: ({ query, variables }) => {
        if (!query.includes('_entities')) return { data: { __typename: 'Query' } };
        const reps = variables!.representations as { __typename: string; id: string }[];
        const cIndex = reps.findIndex((r) => r.id === C);
        const entities = reps.map((r) => (r.id === C ? (forC === 'a number' ? 42 : null) : { __typename: r.__typename, courts: { known: r.id === A, records: [] } }));
        const errors = forC === 'null with an error' && cIndex >= 0 ? [{ message: 'courts database timed out', path: ['_entities', cIndex, 'courts'], extensions: { code: 'INTERNAL_SERVER_ERROR' } }] : undefined;
        return { data: { _entities: entities }, ...(errors ? { errors } : {}) };
      },
    });
    stack = await TestStack.start({ urlOverrides: { courts: fake.url } });
  });
  afterAll(async () => {
    await stack?.close();
    await fake?.close();
  });

  const run = async () => {
    const r = await stack.query(BATCH, { ids: [A, B, C] });
    assert.equal(r.status, 200);
    const byId = Object.fromEntries((r.data!.subjects as any[]).map((s) => [s.id, s]));
    return { r, byId };
  };

  it('a null entity is an answer: the others keep their data and no source is reported failed', async () => {
    forC = 'null';
    const { r, byId } = await run();
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    assert.deepEqual(byId[A].courts, { known: true, records: [] });
    assert.deepEqual(byId[B].courts, { known: false, records: [] });
    assert.equal(byId[C].courts, null);
    for (const id of [A, B, C]) assert.equal(byId[id].tax.known, false);
    assert.equal(byId[A].creditPreview.verdict, 'CLEAR');
    assert.deepEqual(byId[A].creditPreview.missingSources, []);
    assert.deepEqual(byId[B].creditPreview.missingSources, []);
    // Courts has nothing on C the check could rely on: the check still runs for C (the subject is
    // not dropped from the batch), and it cannot be declared clear.
    assert.equal(byId[C].creditPreview.verdict, 'INCOMPLETE');
    assert.deepEqual(byId[C].creditPreview.missingSources, ['courts']);
    // Nothing counted against courts (this test runs first: no earlier courts errors).
    const metrics = await (await fetch(`${new URL(stack.gatewayUrl).origin}/metrics`, { headers: { authorization: 'Bearer demo-analyst-key' } })).text();
    assert.match(metrics, /credit_gateway_subgraph_errors_total/);
    assert.doesNotMatch(metrics, /credit_gateway_subgraph_errors_total\{subgraph="courts"/);
  });

  it('a null entity with an error at its path failed, alone: the error names the source, the others are answered', async () => {
    forC = 'null with an error';
    const { r, byId } = await run();
    assert.deepEqual(byId[A].courts, { known: true, records: [] });
    assert.deepEqual(byId[B].courts, { known: false, records: [] });
    assert.equal(byId[C].courts, null);
    const error = r.errors?.find((e) => /courts database timed out/.test(e.message));
    assert.ok(error, JSON.stringify(r.errors));
    assert.equal(error.extensions?.serviceName, 'courts');
    assert.equal(byId[C].creditPreview.verdict, 'INCOMPLETE');
    assert.deepEqual(byId[C].creditPreview.missingSources, ['courts']);
    assert.deepEqual(byId[A].creditPreview.missingSources, []);
  });

  it('an item that is neither an object nor null makes the whole answer unusable: every entity is answered as unavailable', async () => {
    forC = 'a number';
    const { r, byId } = await run();
    for (const id of [A, B, C]) {
      assert.equal(byId[id].courts, null);
      assert.equal(byId[id].creditPreview.verdict, 'INCOMPLETE');
    }
    assert.ok(r.errors?.some((e) => e.extensions?.code === 'SOURCE_UNAVAILABLE' && /courts unavailable: entity \d of the answer is 42/.test(e.message)), JSON.stringify(r.errors));
  });
});

describe('a department that answers null for a subject it cannot resolve', () => {
  let stack: TestStack;
  let courts: Subgraph;
  let server: RunningServer;
  const tmp = mkdtempSync(path.join(tmpdir(), 'null-entity-'));

  beforeAll(async () => {
    // The real courts department (its database, access policy and request signing), except that
    // it declines to resolve subject C, as the spec allows.
    const definition = DEFINITIONS.courts;
    const subject = (definition.resolvers as any).Subject;
    courts = await createSubgraph(
      { ...definition, resolvers: { ...definition.resolvers, Subject: { ...subject, __resolveReference: (ref: { id: string }, ...rest: unknown[]) => (ref.id === C ? null : subject.__resolveReference(ref, ...rest)) } } } as typeof definition,
      { database: { engine: 'sqlite', file: path.join(tmp, 'courts.sqlite') } },
    );
    server = await courts.listen(0);
    await insertRecord(courts.db, { subjectId: A, category: 'DISHONEST_JUDGMENT_DEBTOR', listType: 'BLACK' });
    stack = await TestStack.start({ urlOverrides: { courts: server.url } });
  });
  afterAll(async () => {
    await stack?.close();
    await courts?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('answers the other subjects of the batch from the department, with no source failure', async () => {
    const r = await stack.query(BATCH, { ids: [A, B, C] });
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    const byId = Object.fromEntries((r.data!.subjects as any[]).map((s) => [s.id, s]));
    assert.deepEqual(byId[A].courts, { known: true, records: [{ category: 'DISHONEST_JUDGMENT_DEBTOR' }] });
    assert.deepEqual(byId[B].courts, { known: false, records: [] });
    assert.equal(byId[C].courts, null);
    assert.equal(byId[A].creditPreview.verdict, 'MANDATORY_RESTRICTION');
    assert.deepEqual(byId[A].creditPreview.missingSources, []);
    assert.equal(byId[C].creditPreview.verdict, 'INCOMPLETE');
    assert.deepEqual(byId[C].creditPreview.missingSources, ['courts']);
  });
});
