import assert from './kit/assert.js';
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import { buildSchema, GraphQLError } from 'graphql';
import { CallerHeader } from '../subgraphs/kit/caller.js';
import { fastGraphQL } from '../subgraphs/kit/fast-graphql.js';
import { signingConfigFromEnv, signRequest } from '../subgraphs/kit/request-signing.js';
import { insertRecord, IDS } from './kit/fixtures.js';
import { subgraphNameAt, TestStack } from './kit/stack.js';

/**
 * A subgraph answers the common request (a JSON POST of a valid operation the policy allows)
 * without Apollo Server's request pipeline (subgraphs/kit/fast-graphql.ts). The answer must be
 * the one Apollo Server gives, byte for byte: every request below is sent twice, once as the
 * gateway sends it (served directly) and once with an Accept header only Apollo Server's content
 * negotiation serves, and the status, content type and body must be equal.
 */
describe('a subgraph answers directly exactly as Apollo Server answers', () => {
  let stack: TestStack;
  const platform = { [CallerHeader.client]: 'demo-platform', [CallerHeader.role]: 'CREDIT_OFFICE' };
  const analyst = { [CallerHeader.client]: 'demo-analyst', [CallerHeader.role]: 'ANALYST' };
  const approval = { [CallerHeader.client]: 'demo-approval', [CallerHeader.role]: 'APPROVAL_SYSTEM' };

  beforeAll(async () => {
    stack = await TestStack.start();
    await insertRecord(stack.db('courts'), { subjectId: IDS.debtorPerson, category: 'DISHONEST_JUDGMENT_DEBTOR', listType: 'BLACK' });
    await insertRecord(stack.db('courts'), { subjectId: IDS.blackEnterprise, category: 'DISHONEST_JUDGMENT_DEBTOR', listType: 'BLACK' });
  });
  afterAll(async () => stack?.close());

  /** Posts signed to a subgraph with the given Accept header; the raw answer. */
  async function post(name: 'courts' | 'platform', body: unknown, caller: Record<string, string>, accept: string) {
    const url = stack.url(name);
    const text = JSON.stringify(body);
    const headers = { 'content-type': 'application/json', accept, ...caller };
    const signed = signRequest(signingConfigFromEnv().secret, await subgraphNameAt(url), 'POST', new URL(url).pathname, headers, text);
    const res = await fetch(url, { method: 'POST', headers: { ...headers, ...signed }, body: text });
    return { status: res.status, type: res.headers.get('content-type'), body: await res.text() };
  }

  /** Sends both ways; `directly`: whether the first is answered by the direct path (false: both by Apollo Server). */
  async function same(name: 'courts' | 'platform', body: unknown, caller: Record<string, string>, directly = true) {
    const subgraph = stack.subgraphs.get(name)!.subgraph;
    const before = subgraph.directAnswers();
    const direct = await post(name, body, caller, 'application/json');
    assert.equal(subgraph.directAnswers() - before, directly ? 1 : 0, `served directly: ${JSON.stringify(body)}`);
    const apollo = await post(name, body, caller, 'application/json, text/plain;q=0.5');
    assert.equal(subgraph.directAnswers() - before, directly ? 1 : 0, 'the second request is Apollo Server\'s');
    assert.deepEqual(direct, apollo);
    return JSON.parse(direct.body) as { data?: any; errors?: { message: string; extensions?: Record<string, unknown> }[] };
  }

  const ENTITIES = `query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Subject { id courts { records { id subjectId listType summary status } known } } } }`;

  it('a batch of entities with records, for a role that sees identity numbers and for one that does not', async () => {
    const variables = { representations: [{ __typename: 'Subject', id: IDS.debtorPerson }, { __typename: 'Subject', id: IDS.blackEnterprise }, { __typename: 'Subject', id: IDS.redEnterprise }] };
    const full = await same('courts', { query: ENTITIES, variables }, platform);
    assert.equal(full.data._entities.length, 3);
    assert.equal(full.data._entities[0].courts.records[0].subjectId, IDS.debtorPerson);
    const masked = await same('courts', { query: ENTITIES, variables }, analyst);
    assert.ok(!JSON.stringify(masked.data._entities[0].courts.records).includes(IDS.debtorPerson), 'masked for an analyst');
  });

  it('a resolver that refuses its input (BAD_USER_INPUT), and one that finds nothing', async () => {
    const limit = await same('courts', { query: '{ courts { records(limit: 100000) { id } } }' }, platform);
    assert.equal(limit.errors![0]!.extensions!.code, 'BAD_USER_INPUT');
    const asOf = await same('courts', { query: `{ _entities(representations: [{ __typename: "SubjectAsOf", id: "${IDS.blackEnterprise}", asOf: "yesterday" }]) { ... on SubjectAsOf { courts { records { id } } } } }` }, platform);
    assert.match(asOf.errors![0]!.message, /asOf "yesterday" is not valid/);
  });

  it('operation names, several operations in one document, and variables', async () => {
    const doc = 'query A { courts { records(limit: 1) { id } } } query B($n: Int) { courts { records(limit: $n) { listType } } }';
    const b = await same('courts', { query: doc, operationName: 'B', variables: { n: 2 } }, platform);
    assert.equal(b.data.courts.records.length, 2);
  });

  it('what Apollo Server answers in either case: refusals, invalid documents and variables, missing operations', async () => {
    const refused = await same('platform', { query: `{ subject(id: "${IDS.debtorPerson}") { id } }` }, analyst, false);
    assert.equal(refused.errors![0]!.extensions!.rule, 'subject-view.natural-persons');
    await same('courts', { query: '{ courts { nothing } }' }, platform, false);
    await same('courts', { query: '{ courts ' }, platform, false);
    await same('courts', { query: 'query($n: Int) { courts { records(limit: $n) { id } } }', variables: { n: 'many' } }, platform, false);
    await same('courts', { query: 'query A { __typename } query B { __typename }' }, platform, false);
    await same('courts', { query: '{ __schema { types { name } } }' }, approval, false);
  });
});

describe('the direct path serves only what it can answer exactly', () => {
  const schema = buildSchema('type Query { hello(name: String!): String fail: String }');
  const fields = schema.getQueryType()!.getFields();
  const ran: string[] = [];
  (fields.hello as { resolve?: unknown }).resolve = (_root: unknown, args: { name: string }) => {
    ran.push('hello');
    return `hello ${args.name}`;
  };
  (fields.fail as { resolve?: unknown }).resolve = () => {
    ran.push('fail');
    throw new GraphQLError('nope', { extensions: { code: 'NOPE', http: { status: 418 } } });
  };
  const run = fastGraphQL<{ id: number }>(schema, {
    refuse: (_doc, operationName) => (operationName === 'Refused' ? 'no' : null),
    didEncounterErrors: () => {},
    formatError: (formatted) => formatted,
    willSendResponse: () => {},
  });
  const json = { 'content-type': 'application/json' };
  const context = async () => ({ id: 1 });

  it('answers a plain JSON POST of a valid operation', async () => {
    const ok = await run('POST', json, JSON.stringify({ query: 'query($n: String!) { hello(name: $n) }', variables: { n: 'x' } }), context);
    assert.deepEqual(ok, { status: 200, body: '{"data":{"hello":"hello x"}}\n' });
  });

  it('turns extensions.http into the status, as Apollo Server does, and keeps the code', async () => {
    const answer = await run('POST', json, JSON.stringify({ query: '{ fail }' }), context);
    assert.equal(answer!.status, 418);
    assert.deepEqual(JSON.parse(answer!.body), { errors: [{ message: 'nope', locations: [{ line: 1, column: 3 }], path: ['fail'], extensions: { code: 'NOPE' } }], data: { fail: null } });
  });

  it('leaves everything else to Apollo Server, having executed nothing', async () => {
    ran.length = 0;
    const cases: [string | undefined, Record<string, string>, string][] = [
      ['GET', json, JSON.stringify({ query: '{ fail }' })],
      ['POST', { 'content-type': 'text/plain' }, JSON.stringify({ query: '{ fail }' })],
      ['POST', { ...json, accept: 'application/graphql-response+json' }, JSON.stringify({ query: '{ fail }' })],
      ['POST', json, '[{"query":"{ fail }"}]'],
      ['POST', json, JSON.stringify({ query: '{ fail }', extensions: { persistedQuery: { version: 1, sha256Hash: 'x' } } })],
      ['POST', json, JSON.stringify({ query: '{ fail ' })],
      ['POST', json, JSON.stringify({ query: '{ nothing }' })],
      ['POST', json, JSON.stringify({ query: '{ __schema { queryType { name } } }' })],
      ['POST', json, JSON.stringify({ query: 'query Refused { fail }', operationName: 'Refused' })],
      ['POST', json, JSON.stringify({ query: 'query($n: String!) { hello(name: $n) }', variables: { n: 3 } })],
      ['POST', json, JSON.stringify({ query: 'query A { fail } query B { fail }' })],
      ['POST', json, JSON.stringify({ query: 'subscription { fail }' })],
      ['POST', json, 'not json'],
    ];
    for (const [method, headers, body] of cases) assert.equal(await run(method, headers, body, context), null, `${method} ${JSON.stringify(headers)} ${body}`);
    assert.deepEqual(ran, [], 'no resolver ran');
  });
});
