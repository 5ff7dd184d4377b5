import assert from './kit/assert.js';
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import { CallerHeader } from '../subgraphs/kit/caller.js';
import { signingConfigFromEnv, signRequest, SignatureHeader } from '../subgraphs/kit/request-signing.js';
import { insertRecord, IDS } from './kit/fixtures.js';
import { postGraphQL, postToSubgraph, TestStack } from './kit/stack.js';

/** Subgraphs believe a caller only on a request the gateway signed. */
describe('gateway to subgraph trust', () => {
  let stack: TestStack;
  let platformUrl = '';
  let courtsUrl = '';
  const secret = signingConfigFromEnv().secret;
  const office = { [CallerHeader.client]: 'demo-platform', [CallerHeader.role]: 'CREDIT_OFFICE' };
  const body = JSON.stringify({ query: '{ viewer { clientId role } }' });

  beforeAll(async () => {
    stack = await TestStack.start();
    platformUrl = stack.url('platform');
    courtsUrl = stack.url('courts');
    await insertRecord(stack.db('courts'), { subjectId: IDS.debtorPerson, category: 'DISHONEST_JUDGMENT_DEBTOR', listType: 'BLACK' });
  });
  afterAll(async () => stack?.close());

  it('answers the gateway: the same query through the gateway works', async () => {
    const r = await stack.query('{ viewer { clientId role } }', {}, 'demo-platform-key');
    assert.deepEqual(r.data!.viewer, { clientId: 'demo-platform', role: 'CREDIT_OFFICE' });
    const signed = await postToSubgraph(platformUrl, JSON.parse(body), office);
    assert.deepEqual(signed.data!.viewer, { clientId: 'demo-platform', role: 'CREDIT_OFFICE' });
  });

  it('refuses a direct call with forged caller headers and no signature', async () => {
    const r = await postGraphQL(platformUrl, body, { 'content-type': 'application/json', ...office });
    assert.equal(r.status, 401);
    assert.equal(r.errors![0]!.extensions!.code, 'UNAUTHENTICATED');
    assert.match(r.errors![0]!.message, /not signed/);
    const mutation = await postGraphQL(courtsUrl, JSON.stringify({ query: `mutation { courts { revokeRecord(id: "x", reason: "y") { id } } }` }), { 'content-type': 'application/json', ...office });
    assert.equal(mutation.status, 401);
  });

  it('refuses a forged signature, a signature of another body, and a changed caller', async () => {
    const headers = { 'content-type': 'application/json', ...office };
    const good = signRequest(secret, 'platform', 'POST', '/graphql', headers, body);
    const forged = await postGraphQL(platformUrl, body, { ...headers, ...signRequest('another secret of enough length 123456', 'platform', 'POST', '/graphql', headers, body) });
    assert.match(forged.errors![0]!.message, /does not match/);
    const otherBody = await postGraphQL(platformUrl, JSON.stringify({ query: '{ viewer { clientId } }' }), { ...headers, ...good });
    assert.match(otherBody.errors![0]!.message, /does not match/);
    const escalated = await postGraphQL(platformUrl, body, { ...headers, [CallerHeader.role]: 'ANALYST', ...good });
    assert.match(escalated.errors![0]!.message, /does not match/);
  });

  it('refuses a request signed for another subgraph: a signature is bound to the subgraph it names', async () => {
    const headers = { 'content-type': 'application/json', ...office };
    const forPlatform = signRequest(secret, 'platform', 'POST', '/graphql', headers, body);
    const atCourts = await postGraphQL(courtsUrl, body, { ...headers, ...forPlatform });
    assert.equal(atCourts.status, 401);
    assert.match(atCourts.errors![0]!.message, /not the gateway's signature of this request to courts/);
    const atPlatform = await postGraphQL(platformUrl, body, { ...headers, ...forPlatform });
    assert.equal(atPlatform.errors, undefined);
  });

  it('refuses a replayed request and one signed outside the time window', async () => {
    const headers = { 'content-type': 'application/json', ...office };
    const signature = signRequest(secret, 'platform', 'POST', '/graphql', headers, body);
    const first = await postGraphQL(platformUrl, body, { ...headers, ...signature });
    assert.equal(first.errors, undefined);
    const replay = await postGraphQL(platformUrl, body, { ...headers, ...signature });
    assert.equal(replay.status, 401);
    assert.match(replay.errors![0]!.message, /replays are refused/);
    const stale = await postGraphQL(platformUrl, body, { ...headers, ...signRequest(secret, 'platform', 'POST', '/graphql', headers, body, Date.now() - 120_000) });
    assert.match(stale.errors![0]!.message, /outside the 30000 ms window/);
    assert.ok(SignatureHeader.signature in signature);
  });
});
