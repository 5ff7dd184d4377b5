import assert from './kit/assert.js';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import { DEFAULT_SUPERGRAPH } from '../gateway/config.js';
import { callerFromJwt } from '../gateway/jwt.js';
import { ConfigError, envSecret } from '../subgraphs/kit/env.js';
import { createLogger, setLogDestination } from '../subgraphs/kit/logger.js';
import { postGraphQL, TestStack } from './kit/stack.js';
import { runTs } from './kit/processes.js';
import { until } from './kit/wait.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const VIEWER = '{ viewer { clientId role department } }';
const SIGNING_SECRET = 'a-signing-secret-for-these-tests-only-0123456789';

describe('production start-up: every missing setting is named, no demo value is used', () => {
  let dir = '';
  let secretFile = '';
  let recordIdSecretFile = '';
  /** A production environment with nothing inherited from the test's. */
  const production = (extra: NodeJS.ProcessEnv) => ({ PATH: process.env.PATH, NODE_ENV: 'production', DATA_DIR: dir, LOG_FORMAT: 'json', PORT: '0', ...extra });
  const complete = () => ({ GATEWAY_SIGNING_SECRET_FILE: secretFile, RECORD_ID_SECRET_FILE: recordIdSecretFile, CLIENTS_SOURCE: 'database' });
  const start = (file: string, env: NodeJS.ProcessEnv) => runTs(file, [], production(env), { inherit: false, timeoutMs: 120_000 });

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'production-'));
    secretFile = path.join(dir, 'signing-secret');
    writeFileSync(secretFile, `${SIGNING_SECRET}\n`);
    recordIdSecretFile = path.join(dir, 'record-id-secret');
    writeFileSync(recordIdSecretFile, 'a-record-id-secret-for-these-tests-only-0123456789\n');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('the gateway refuses to start without each setting, listing all that are missing', async () => {
    const cases: [string, NodeJS.ProcessEnv, RegExp[]][] = [
      ['nothing set', {}, [/GATEWAY_SIGNING_SECRET \(or GATEWAY_SIGNING_SECRET_FILE\) is not set/, /RECORD_ID_SECRET \(or RECORD_ID_SECRET_FILE\) is not set/, /no client source is set: the demo keys are never accepted in production/]],
      ['no signing secret', { CLIENTS_SOURCE: 'database' }, [/GATEWAY_SIGNING_SECRET \(or GATEWAY_SIGNING_SECRET_FILE\) is not set/]],
      ['no client source', { GATEWAY_SIGNING_SECRET_FILE: secretFile }, [/no client source is set/]],
      ['the demo keys asked for', { ...complete(), CLIENTS_SOURCE: 'demo' }, [/CLIENTS_SOURCE=demo: the demo keys are never accepted in production/]],
      ['JWT settings in part', { ...complete(), JWT_ISSUER: 'https://sso.example' }, [/the JWT settings are incomplete: JWT_ISSUER is set but JWT_AUDIENCE and a key \(JWT_PUBLIC_KEY_FILE or JWT_SECRET\) are missing/]],
      ['a secret given twice', { ...complete(), GATEWAY_SIGNING_SECRET: SIGNING_SECRET }, [/GATEWAY_SIGNING_SECRET and GATEWAY_SIGNING_SECRET_FILE are both set/]],
      ['a short JWT secret', { ...complete(), JWT_ISSUER: 'https://sso.example', JWT_AUDIENCE: 'credit', JWT_SECRET: 'short-jwt-secret-value' }, [/JWT_SECRET is too short/]],
    ];
    const runs = await Promise.all(cases.map(([, env]) => start('gateway/index.ts', env)));
    for (const [i, [name, env, messages]] of cases.entries()) {
      const r = runs[i]!;
      assert.notEqual(r.code, 0, `${name}: ${r.stdout}`);
      for (const m of messages) assert.match(r.stderr, m, name);
      for (const value of [SIGNING_SECRET, env.JWT_SECRET].filter(Boolean)) assert.ok(!r.stderr.includes(value!), `${name}: the error shows a secret`);
    }
    assert.match(runs[0]!.stderr, /the gateway cannot start in production \(NODE_ENV=production\)/);
  });

  it('a department and the push relay refuse to start without their secrets', async () => {
    const [tax, relay] = await Promise.all([
      start('subgraphs/tax/index.ts', {}),
      start('subgraphs/platform/relay.ts', {}),
    ]);
    assert.notEqual(tax.code, 0);
    assert.match(tax.stderr, /subgraph tax cannot start in production/);
    assert.match(tax.stderr, /GATEWAY_SIGNING_SECRET \(or GATEWAY_SIGNING_SECRET_FILE\) is not set/);
    assert.match(tax.stderr, /REPORT_ENCRYPTION_KEY \(or REPORT_ENCRYPTION_KEY_FILE\) is not set/);
    assert.match(tax.stderr, /RECORD_ID_SECRET \(or RECORD_ID_SECRET_FILE\) is not set/);
    assert.notEqual(relay.code, 0);
    assert.match(relay.stderr, /RELAY_KEY is not set \(nor RELAY_KEY_FILE\): it is required in production/);
  });

  it('the gateway starts in production once every setting is there, a secret read from its file', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'gateway/index.ts')], { cwd: ROOT, env: production(complete()), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d));
    child.stderr.on('data', (d: Buffer) => (out += d));
    try {
      // Compiling and starting a gateway in a fresh process takes long on a loaded machine.
      await until('the gateway listening', async () => /gateway listening/.test(out) || child.exitCode !== null, { timeoutMs: 120_000 });
      assert.match(out, /gateway listening/);
      assert.ok(!out.includes(SIGNING_SECRET));
    } finally {
      child.kill('SIGKILL');
    }
  });
});

describe('secrets from files (X_FILE)', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'secrets-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads X_FILE without its trailing line break, refuses X and X_FILE together, and never shows the value', () => {
    const file = path.join(dir, 'report-key');
    writeFileSync(file, 'f'.repeat(64) + '\r\n');
    assert.equal(envSecret('REPORT_ENCRYPTION_KEY', { REPORT_ENCRYPTION_KEY_FILE: file }), 'f'.repeat(64));
    assert.equal(envSecret('REPORT_ENCRYPTION_KEY', { REPORT_ENCRYPTION_KEY: 'direct-value-1234' }), 'direct-value-1234');
    assert.equal(envSecret('REPORT_ENCRYPTION_KEY', {}), undefined);
    const both = () => envSecret('REPORT_ENCRYPTION_KEY', { REPORT_ENCRYPTION_KEY: 'direct-value-1234', REPORT_ENCRYPTION_KEY_FILE: file });
    assert.throws(both, (e: unknown) => e instanceof ConfigError && /REPORT_ENCRYPTION_KEY and REPORT_ENCRYPTION_KEY_FILE are both set/.test(e.message) && !e.message.includes('direct-value-1234'));
    assert.throws(() => envSecret('JWT_SECRET', { JWT_SECRET_FILE: path.join(dir, 'missing') }), /JWT_SECRET_FILE ".*missing" cannot be read \(ENOENT\)/);
    writeFileSync(path.join(dir, 'empty'), '\n');
    assert.throws(() => envSecret('JWT_SECRET', { JWT_SECRET_FILE: path.join(dir, 'empty') }), /JWT_SECRET_FILE ".*empty" is empty/);
  });
});

describe('no key, token or secret in logs and errors', () => {
  let stack: TestStack;
  let dir = '';
  const saved = process.env.GATEWAY_SIGNING_SECRET;

  beforeAll(async () => {
    // The subgraphs in this process check the same secret the gateway process signs with.
    process.env.GATEWAY_SIGNING_SECRET = SIGNING_SECRET;
    stack = await TestStack.start();
    dir = mkdtempSync(path.join(tmpdir(), 'logs-'));
  });
  afterAll(async () => {
    await stack?.close();
    if (saved === undefined) delete process.env.GATEWAY_SIGNING_SECRET;
    else process.env.GATEWAY_SIGNING_SECRET = saved;
    rmSync(dir, { recursive: true, force: true });
  });

  it('a gateway at LOG_LEVEL=debug logs the requests it answers without their key or the signing secret', async () => {
    const secretFile = path.join(dir, 'signing-secret');
    writeFileSync(secretFile, `${SIGNING_SECRET}\n`);
    const env = {
      LOG_LEVEL: 'debug', LOG_FORMAT: 'json', PORT: '0', DATA_DIR: dir, DATABASE_URL: '', SUPERGRAPH_FILE: DEFAULT_SUPERGRAPH,
      GATEWAY_SIGNING_SECRET: '', GATEWAY_SIGNING_SECRET_FILE: secretFile,
      SUBGRAPH_URLS: [...stack.subgraphs].map(([name, s]) => `${name}=${s.running!.url}`).join(','),
    };
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'gateway/index.ts')], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    const unknownKey = 'ck_not-a-key-of-anyone-0123456789abcdefghijklmnopq';
    const fakeToken = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJzb21lb25lIn0.c2lnbmF0dXJlLW9mLW5vLWtleQ';
    try {
      await until('the gateway listening', async () => /gateway listening/.test(stdout) || child.exitCode !== null, { timeoutMs: 120_000 });
      const gatewayUrl = JSON.parse(stdout.split('\n').find((l) => l.includes('gateway listening'))!).url as string;
      const ok = await postGraphQL(gatewayUrl, { query: VIEWER }, { authorization: 'Bearer demo-analyst-key' });
      assert.equal(ok.errors, undefined, JSON.stringify(ok.errors));
      assert.equal(ok.data!.viewer.clientId, 'demo-analyst', 'signed with the secret read from GATEWAY_SIGNING_SECRET_FILE');
      for (const credential of [unknownKey, fakeToken]) {
        const refused = await postGraphQL(gatewayUrl, { query: VIEWER }, { authorization: `Bearer ${credential}` });
        assert.equal(refused.status, 401);
        assert.ok(!JSON.stringify(refused).includes(credential), 'the refusal does not echo the credential');
      }
      await until('the request lines written', async () => (stdout.match(/"msg":"request"/g) ?? []).length >= 3);
    } finally {
      child.kill('SIGKILL');
    }
    const lines = stdout.split('\n').filter(Boolean);
    assert.ok(lines.some((l) => l.includes('"msg":"request"') && l.includes('"client":"demo-analyst"') && l.includes('"status":200')), stdout);
    for (const value of ['demo-analyst-key', unknownKey, fakeToken, SIGNING_SECRET]) {
      assert.ok(!stdout.includes(value) && !stderr.includes(value), `the output contains ${value.slice(0, 12)}…`);
    }
  });

  it('redacts authorization headers, passwords and secrets read through envSecret in any log line', () => {
    const lines: string[] = [];
    setLogDestination({ write: (line: string) => void lines.push(line) });
    try {
      envSecret('GATEWAY_SIGNING_SECRET', { GATEWAY_SIGNING_SECRET: SIGNING_SECRET });
      const log = createLogger('test');
      log.error(`failed with ${SIGNING_SECRET} at mysql://credit:hunter2-password@db.internal:3306`, {
        req: { headers: { authorization: 'Bearer demo-analyst-key', cookie: 'session=abc' } },
        config: { password: 'hunter2-password', signingSecret: SIGNING_SECRET },
      });
    } finally {
      setLogDestination();
    }
    const text = lines.join('');
    for (const value of ['demo-analyst-key', 'session=abc', 'hunter2-password', SIGNING_SECRET]) assert.ok(!text.includes(value), `${value} in ${text}`);
    assert.match(text, /mysql:\/\/credit:\*\*\*@db\.internal/);
  });

  it('a refused JWT is explained without the token', async () => {
    const key = new Uint8Array(32).fill(7);
    const token = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.' + 'A'.repeat(43);
    const r = await callerFromJwt(token, { issuer: 'i', audience: 'a', algorithms: ['HS256'], key });
    assert.ok('reason' in r);
    assert.match(r.reason, /the token is not accepted/);
    for (const part of token.split('.')) assert.ok(!r.reason.includes(part), r.reason);
  });
});
