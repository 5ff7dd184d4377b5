import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_SUPERGRAPH } from '../gateway/config.js';
import { callerFromJwt } from '../gateway/jwt.js';
import { createGateway, type Gateway } from '../gateway/server.js';
import type { DatabaseConfig } from '../subgraphs/kit/database.js';
import { ConfigError, envSecret } from '../subgraphs/kit/env.js';
import { createLogger, setLogDestination } from '../subgraphs/kit/logger.js';
import { engines } from './kit/engines.js';
import { postGraphQL, TestStack } from './kit/stack.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const VIEWER = '{ viewer { clientId role department } }';
/** How often the gateway under test reads the clients table again. */
const REFRESH_MS = 200;
const SIGNING_SECRET = 'a-signing-secret-for-these-tests-only-0123456789';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a TypeScript entry point of the project to its end. */
function runTs(file: string, args: readonly string[], env: NodeJS.ProcessEnv, options: { inherit?: boolean; timeoutMs?: number } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, file), ...args], {
      cwd: ROOT,
      env: options.inherit === false ? env : { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The environment that points `npm run clients` at a registry database. */
function databaseEnv(database: DatabaseConfig): NodeJS.ProcessEnv {
  return database.engine === 'sqlite'
    ? { DATA_DIR: path.dirname(database.file), DATABASE_URL: '' }
    : { DATABASE_URL: database.serverUrl, DATABASE_PREFIX: database.database.slice(0, -'registry'.length) };
}

async function until(what: string, condition: () => Promise<boolean>, timeoutMs: number): Promise<number> {
  const start = Date.now();
  while (!(await condition())) {
    if (Date.now() - start > timeoutMs) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return Date.now() - start;
}

for (const { engine, skip } of await engines()) {
  describe(`clients and keys from the registry database, managed with npm run clients (${engine})`, { skip }, () => {
    let stack: TestStack;
    let gateway: Gateway;
    let url = '';
    let cliEnv: NodeJS.ProcessEnv = {};
    const cli = (...args: string[]) => runTs('scripts/clients.ts', args, cliEnv);
    const ask = (key: string) => postGraphQL(url, { query: VIEWER }, { authorization: `Bearer ${key}` });
    const accepted = async (key: string) => (await ask(key)).status === 200;
    const clientRows = async () => (await stack.db('registry')('clients').select('client_id', 'role', 'department', 'matters', 'label', 'disabled_at').orderBy('client_id')) as unknown[];
    /** Issues a key with the CLI and returns it with the start of its hash, as printed. */
    const issue = async (clientId: string, expires: string) => {
      const r = await cli('issue-key', '--client', clientId, '--expires', expires);
      assert.equal(r.code, 0, r.stderr);
      const key = /^\s+(ck_[A-Za-z0-9_-]{43})\s*$/m.exec(r.stdout)?.[1];
      const prefix = /^key ([0-9a-f]{12})… issued/m.exec(r.stdout)?.[1];
      assert.ok(key && prefix, r.stdout);
      return { key, prefix };
    };

    before(async () => {
      stack = await TestStack.start({ engine });
      const database = stack.subgraphs.get('registry')!.database;
      cliEnv = databaseEnv(database);
      gateway = await createGateway({
        port: 0, host: '127.0.0.1', supergraphFile: DEFAULT_SUPERGRAPH, registry: null, registryPollMs: 1000,
        subgraphUrls: Object.fromEntries([...stack.subgraphs].map(([name, s]) => [name, s.running!.url])),
        subgraphTimeoutMs: 2000, subgraphConnections: 4, maxBodyBytes: 1 << 20, publicRatePerMinute: 60,
        clients: [],
        clientsDatabase: { database, refreshMs: REFRESH_MS },
      });
      url = (await gateway.listen(0)).url;
    });
    after(async () => {
      await gateway?.close();
      await stack?.close();
    });

    it('accepts a key issued by the CLI, two keys at once while rotating, and refuses a revoked one within the refresh interval', async () => {
      const added = await cli('add', '--client', 'tax-bureau', '--role', 'DEPARTMENT', '--department', 'tax', '--label', 'Tax bureau (税务局)');
      assert.equal(added.code, 0, added.stderr);
      const first = await issue('tax-bureau', '2099-01-01');
      await until('the first key accepted', () => accepted(first.key), REFRESH_MS + 5000);
      const r = await ask(first.key);
      assert.deepEqual(r.data!.viewer, { clientId: 'tax-bureau', role: 'DEPARTMENT', department: 'tax' });

      const second = await issue('tax-bureau', '2099-06-30');
      await until('the second key accepted', () => accepted(second.key), REFRESH_MS + 5000);
      assert.equal(await accepted(first.key), true, 'both keys are valid while the client changes over');

      const revoked = await cli('revoke-key', '--client', 'tax-bureau', '--key-prefix', first.prefix);
      assert.equal(revoked.code, 0, revoked.stderr);
      const ms = await until('the revoked key refused', async () => !(await accepted(first.key)), REFRESH_MS + 5000);
      assert.ok(ms <= REFRESH_MS + 1000, `refused ${ms} ms after the revocation, refresh every ${REFRESH_MS} ms`);
      const refused = await ask(first.key);
      assert.equal(refused.status, 401);
      assert.match(refused.errors![0]!.message, /the API key was revoked on/);
      assert.equal(await accepted(second.key), true);

      const listed = await cli('list');
      assert.equal(listed.code, 0, listed.stderr);
      for (const k of [first, second]) {
        assert.ok(!listed.stdout.includes(k.key), 'list never shows a key');
        assert.match(listed.stdout, new RegExp(`key ${k.prefix}…`));
      }
      assert.doesNotMatch(listed.stdout, /[0-9a-f]{13}/, 'list shows no more than 12 characters of a hash');
    });

    it('refuses a key once its expiry has passed', async () => {
      await cli('add', '--client', 'market-office', '--role', 'DEPARTMENT', '--department', 'market');
      const soon = await issue('market-office', new Date(Date.now() + 2500).toISOString());
      await until('the short-lived key accepted', () => accepted(soon.key), REFRESH_MS + 2000);
      await until('the expired key refused', async () => !(await accepted(soon.key)), 5000);
      const r = await ask(soon.key);
      assert.equal(r.status, 401);
      assert.match(r.errors![0]!.message, /the API key expired on/);
    });

    it('refuses every key of a disabled client', async () => {
      await cli('add', '--client', 'courts-office', '--role', 'DEPARTMENT', '--department', 'courts');
      const k = await issue('courts-office', '2099-01-01');
      await until('the key accepted', () => accepted(k.key), REFRESH_MS + 5000);
      const disabled = await cli('disable', '--client', 'courts-office');
      assert.equal(disabled.code, 0, disabled.stderr);
      await until('the disabled client refused', async () => !(await accepted(k.key)), REFRESH_MS + 5000);
      assert.match((await ask(k.key)).errors![0]!.message, /client courts-office is disabled/);
    });

    it('treats add of the same client again as done, and refuses a different definition under the same id unless --update', async () => {
      const args = ['add', '--client', 'procurement', '--role', 'APPROVAL_SYSTEM', '--matters', 'PUBLIC_RESOURCE_TRADING,GOVERNMENT_PROCUREMENT'];
      assert.equal((await cli(...args)).code, 0);
      const rows = await clientRows();
      const again = await cli(...args);
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stdout, /nothing changed/);
      assert.deepEqual(await clientRows(), rows);

      const conflicting = await cli('add', '--client', 'procurement', '--role', 'ANALYST');
      assert.equal(conflicting.code, 1);
      assert.match(conflicting.stderr, /client procurement is already defined differently .*--update/);
      assert.deepEqual(await clientRows(), rows, 'a refused add writes nothing');

      const updated = await cli('add', '--client', 'procurement', '--role', 'ANALYST', '--update');
      assert.equal(updated.code, 0, updated.stderr);
      assert.notDeepEqual(await clientRows(), rows);
    });

    it('refuses a bad role, matter, date or key prefix, naming the value and the expected form, and writes nothing', async () => {
      const rows = await clientRows();
      const keys = await stack.db('registry')('client_keys').count({ n: '*' });
      const cases: [string[], RegExp][] = [
        [['add', '--client', 'x1', '--role', 'SUPERUSER'], /--role "SUPERUSER" is not valid: expected one of APPROVAL_SYSTEM, ANALYST/],
        [['add', '--client', 'x2', '--role', 'APPROVAL_SYSTEM', '--matters', 'GOVERNMENT_PROCUREMENT,BRIBERY'], /matter "BRIBERY" in --matters is not valid: expected some of ADMINISTRATIVE_LICENSE/],
        [['add', '--client', 'x3', '--role', 'APPROVAL_SYSTEM'], /needs --matters/],
        [['add', '--client', 'bad id!', '--role', 'ANALYST'], /--client "bad id!" is not valid/],
        [['issue-key', '--client', 'tax-bureau', '--expires', '2027-02-30'], /--expires "2027-02-30" is not a date of the calendar: expected a date YYYY-MM-DD/],
        [['issue-key', '--client', 'tax-bureau', '--expires', 'next year'], /--expires "next year" is not valid/],
        [['issue-key', '--client', 'tax-bureau', '--expires', '2001-01-01'], /--expires 2001-01-01 is in the past/],
        [['revoke-key', '--client', 'tax-bureau', '--key-prefix', 'xyz'], /--key-prefix "xyz" is not valid: expected at least 8 lower-case hex/],
        [['frobnicate'], /unknown command "frobnicate": expected one of add, issue-key/],
      ];
      for (const [args, message] of cases) {
        const r = await cli(...args);
        assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
        assert.match(r.stderr, message);
        assert.match(r.stderr, /nothing was written/);
      }
      const unknown = await cli('issue-key', '--client', 'nobody', '--expires', '2099-01-01');
      assert.equal(unknown.code, 1);
      assert.match(unknown.stderr, /client "nobody" is not known/);
      assert.deepEqual(await clientRows(), rows);
      assert.deepEqual(await stack.db('registry')('client_keys').count({ n: '*' }), keys);
    });

    it('imports a clients file all or nothing', async () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'clients-import-'));
      try {
        const file = path.join(dir, 'clients.json');
        const sha = (c: string) => c.repeat(64);
        writeFileSync(file, JSON.stringify([
          { clientId: 'finance-office', role: 'DEPARTMENT', department: 'finance', keys: [{ sha256: sha('a'), expiresAt: '2099-01-01T00:00:00Z' }] },
          { clientId: 'procurement', role: 'CREDIT_OFFICE', keys: [{ sha256: sha('b') }] },
        ]));
        const rows = await clientRows();
        const refused = await cli('import', '--file', file);
        assert.equal(refused.code, 1);
        assert.match(refused.stderr, /client procurement is already defined differently/);
        assert.deepEqual(await clientRows(), rows, 'the client before the conflict was not written either');
        const done = await cli('import', '--file', file, '--update');
        assert.equal(done.code, 0, done.stderr);
        assert.match(done.stdout, /clients 1 added, 1 updated, 0 unchanged; keys 2 added/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}

describe('production start-up: every missing setting is named, no demo value is used', () => {
  let dir = '';
  let secretFile = '';
  /** A production environment with nothing inherited from the test's. */
  const production = (extra: NodeJS.ProcessEnv) => ({ PATH: process.env.PATH, NODE_ENV: 'production', DATA_DIR: dir, LOG_FORMAT: 'json', PORT: '0', ...extra });
  const complete = () => ({ GATEWAY_SIGNING_SECRET_FILE: secretFile, CLIENTS_SOURCE: 'database' });
  const start = (file: string, env: NodeJS.ProcessEnv) => runTs(file, [], production(env), { inherit: false, timeoutMs: 30_000 });

  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'production-'));
    secretFile = path.join(dir, 'signing-secret');
    writeFileSync(secretFile, `${SIGNING_SECRET}\n`);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('the gateway refuses to start without each setting, listing all that are missing', async () => {
    const cases: [string, NodeJS.ProcessEnv, RegExp[]][] = [
      ['nothing set', {}, [/GATEWAY_SIGNING_SECRET \(or GATEWAY_SIGNING_SECRET_FILE\) is not set/, /no client source is set: the demo keys are never accepted in production/]],
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
    assert.notEqual(relay.code, 0);
    assert.match(relay.stderr, /RELAY_KEY is not set \(nor RELAY_KEY_FILE\): it is required in production/);
  });

  it('the gateway starts in production once every setting is there, a secret read from its file', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'gateway/index.ts')], { cwd: ROOT, env: production(complete()), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d));
    child.stderr.on('data', (d: Buffer) => (out += d));
    try {
      await until('the gateway listening', async () => /gateway listening/.test(out) || child.exitCode !== null, 30_000);
      assert.match(out, /gateway listening/);
      assert.ok(!out.includes(SIGNING_SECRET));
    } finally {
      child.kill('SIGKILL');
    }
  });
});

describe('secrets from files (X_FILE)', () => {
  let dir = '';
  before(() => (dir = mkdtempSync(path.join(tmpdir(), 'secrets-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

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

  before(async () => {
    // The subgraphs in this process check the same secret the gateway process signs with.
    process.env.GATEWAY_SIGNING_SECRET = SIGNING_SECRET;
    stack = await TestStack.start();
    dir = mkdtempSync(path.join(tmpdir(), 'logs-'));
  });
  after(async () => {
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
      await until('the gateway listening', async () => /gateway listening/.test(stdout) || child.exitCode !== null, 30_000);
      const gatewayUrl = JSON.parse(stdout.split('\n').find((l) => l.includes('gateway listening'))!).url as string;
      const ok = await postGraphQL(gatewayUrl, { query: VIEWER }, { authorization: 'Bearer demo-analyst-key' });
      assert.equal(ok.errors, undefined, JSON.stringify(ok.errors));
      assert.equal(ok.data!.viewer.clientId, 'demo-analyst', 'signed with the secret read from GATEWAY_SIGNING_SECRET_FILE');
      for (const credential of [unknownKey, fakeToken]) {
        const refused = await postGraphQL(gatewayUrl, { query: VIEWER }, { authorization: `Bearer ${credential}` });
        assert.equal(refused.status, 401);
        assert.ok(!JSON.stringify(refused).includes(credential), 'the refusal does not echo the credential');
      }
      await until('the request lines written', async () => (stdout.match(/"msg":"request"/g) ?? []).length >= 3, 5000);
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
