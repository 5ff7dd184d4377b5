import assert from './kit/assert.js';
import { createSecretKey } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import { SignJWT } from 'jose';
import { loadClientsFile, sha256Hex } from '../gateway/clients.js';
import { DEFAULT_SUPERGRAPH } from '../gateway/config.js';
import { createGateway, type Gateway } from '../gateway/server.js';
import { ConfigError } from '../subgraphs/kit/env.js';
import { postGraphQL, TestStack } from './kit/stack.js';

const SECRET = 'a-jwt-secret-of-at-least-thirty-two-characters';
const ISSUER = 'https://sso.credit.hunan.example';
const AUDIENCE = 'credit-gateway';
const VIEWER = '{ viewer { clientId role department } }';

function unsigned(payload: Record<string, unknown>): string {
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${b64({ alg: 'none', typ: 'JWT' })}.${b64(payload)}.`;
}

describe('authentication: hashed API keys with expiry and rotation, and JWTs', () => {
  let stack: TestStack;
  let gateway: Gateway;
  let url = '';
  let dir = '';
  const now = Math.floor(Date.now() / 1000);
  const token = (claims: Record<string, unknown>, options: { issuer?: string; audience?: string; exp?: number } = {}) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(options.issuer ?? ISSUER)
      .setAudience(options.audience ?? AUDIENCE)
      .setSubject('sso-analyst-7')
      .setIssuedAt()
      .setExpirationTime(options.exp ?? now + 600)
      .sign(createSecretKey(Buffer.from(SECRET)));
  const ask = (authorization: string) => postGraphQL(url, { query: VIEWER }, { authorization });

  beforeAll(async () => {
    stack = await TestStack.start();
    dir = mkdtempSync(path.join(tmpdir(), 'clients-'));
    const file = path.join(dir, 'clients.json');
    writeFileSync(file, JSON.stringify([
      { clientId: 'procurement-system', role: 'APPROVAL_SYSTEM', matters: ['GOVERNMENT_PROCUREMENT'], keys: [
        { sha256: sha256Hex('old-procurement-key-2025'), expiresAt: new Date(Date.now() - 60_000).toISOString() },
        { sha256: sha256Hex('new-procurement-key-2026'), expiresAt: new Date(Date.now() + 86_400_000).toISOString() },
      ] },
      { clientId: 'tax-bureau', role: 'DEPARTMENT', department: 'tax', keys: [{ sha256: sha256Hex('tax-bureau-key-0001') }] },
    ]));
    gateway = await createGateway({
      port: 0, host: '127.0.0.1', supergraphFile: DEFAULT_SUPERGRAPH, registry: null, registryPollMs: 1000,
      subgraphUrls: Object.fromEntries([...stack.subgraphs].map(([name, s]) => [name, s.running!.url])),
      subgraphTimeoutMs: 30_000, subgraphConnections: 4, maxBodyBytes: 1 << 20, publicRatePerMinute: 60,
      clients: loadClientsFile(file),
      jwt: { issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'], key: createSecretKey(Buffer.from(SECRET)) },
    });
    url = (await gateway.listen(0)).url;
  });
  afterAll(async () => {
    await gateway?.close();
    await stack?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('accepts a key stored only as its hash, and the new key of a rotation', async () => {
    const r = await ask('Bearer new-procurement-key-2026');
    assert.deepEqual(r.data!.viewer, { clientId: 'procurement-system', role: 'APPROVAL_SYSTEM', department: null });
    const dept = await ask('Bearer tax-bureau-key-0001');
    assert.deepEqual(dept.data!.viewer, { clientId: 'tax-bureau', role: 'DEPARTMENT', department: 'tax' });
  });

  it('refuses an expired key with 401, saying it expired', async () => {
    const r = await ask('Bearer old-procurement-key-2025');
    assert.equal(r.status, 401);
    assert.equal(r.errors![0]!.extensions!.code, 'UNAUTHENTICATED');
    assert.match(r.errors![0]!.message, /the API key expired on/);
  });

  it('refuses a clients file that stores a key in clear, or a malformed hash', () => {
    const file = path.join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify([{ clientId: 'x', role: 'ANALYST', key: 'plain-text-key-123456' }]));
    assert.throws(() => loadClientsFile(file), (e: unknown) => e instanceof ConfigError && /not stored in clear/.test(e.message));
    writeFileSync(file, JSON.stringify([{ clientId: 'x', role: 'ANALYST', keys: [{ sha256: 'abc' }] }]));
    assert.throws(() => loadClientsFile(file), /64 lower-case hex characters/);
  });

  it('accepts a JWT with the right issuer, audience and algorithm, the caller taken from its claims', async () => {
    const r = await ask(`Bearer ${await token({ role: 'ANALYST' })}`);
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    assert.deepEqual(r.data!.viewer, { clientId: 'sso-analyst-7', role: 'ANALYST', department: null });
  });

  it('refuses alg none, a wrong audience or issuer, an expired token and an unknown role', async () => {
    const cases: [string, RegExp][] = [
      [unsigned({ sub: 'x', role: 'CREDIT_OFFICE', iss: ISSUER, aud: AUDIENCE, exp: now + 600 }), /not accepted/],
      [await token({ role: 'ANALYST' }, { audience: 'another-service' }), /not accepted.*aud/],
      [await token({ role: 'ANALYST' }, { issuer: 'https://evil.example' }), /not accepted.*iss/],
      [await token({ role: 'ANALYST' }, { exp: now - 120 }), /not accepted.*exp/],
      [await token({ role: 'SUPERUSER' }), /role "SUPERUSER" is not one of/],
      [await token({ role: 'DEPARTMENT' }), /needs a department claim/],
    ];
    for (const [jwt, message] of cases) {
      const r = await ask(`Bearer ${jwt}`);
      assert.equal(r.status, 401, jwt);
      assert.equal(r.errors![0]!.extensions!.code, 'UNAUTHENTICATED');
      assert.match(r.errors![0]!.message, message);
    }
  });
});
