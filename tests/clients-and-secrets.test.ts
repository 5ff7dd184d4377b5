import assert from './kit/assert.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, it } from '@jest/globals';
import { DEFAULT_SUPERGRAPH, gatewayConfigFromEnv } from '../gateway/config.js';
import { createGateway, type Gateway } from '../gateway/server.js';
import type { DatabaseConfig } from '../subgraphs/kit/database.js';
import { engines } from './kit/engines.js';
import { postGraphQL, TestStack } from './kit/stack.js';
import { runTs } from './kit/processes.js';
import { suite } from './kit/suite.js';
import { until } from './kit/wait.js';

const VIEWER = '{ viewer { clientId role department } }';
/** How often the gateway under test reads the clients table again. */
const REFRESH_MS = 200;

/** The environment that points `npm run clients` at a registry database. */
function databaseEnv(database: DatabaseConfig): NodeJS.ProcessEnv {
  return database.engine === 'sqlite'
    ? { DATA_DIR: path.dirname(database.file), DATABASE_URL: '' }
    : { DATABASE_URL: database.serverUrl, DATABASE_PREFIX: database.database.slice(0, -'registry'.length) };
}

for (const { engine, skip } of await engines()) {
  suite(`clients and keys from the registry database, managed with npm run clients (${engine})`, skip, () => {
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

    beforeAll(async () => {
      stack = await TestStack.start({ engine });
      const database = stack.subgraphs.get('registry')!.database;
      cliEnv = databaseEnv(database);
      gateway = await createGateway({
        port: 0, host: '127.0.0.1', supergraphFile: DEFAULT_SUPERGRAPH, registry: null, registryPollMs: 1000,
        subgraphUrls: Object.fromEntries([...stack.subgraphs].map(([name, s]) => [name, s.running!.url])),
        subgraphTimeoutMs: 30_000, subgraphConnections: 4, maxBodyBytes: 1 << 20, publicRatePerMinute: 60,
        clients: [],
        clientsDatabase: { database, refreshMs: REFRESH_MS },
      });
      url = (await gateway.listen(0)).url;
    });
    afterAll(async () => {
      await gateway?.close();
      await stack?.close();
    });

    it('accepts a key issued by the CLI, two keys at once while rotating, and refuses a revoked one within the refresh interval', async () => {
      const added = await cli('add', '--client', 'tax-bureau', '--role', 'DEPARTMENT', '--department', 'tax', '--label', 'Tax bureau (税务局)');
      assert.equal(added.code, 0, added.stderr);
      const first = await issue('tax-bureau', '2099-01-01');
      await until('the first key accepted', () => accepted(first.key));
      const r = await ask(first.key);
      assert.deepEqual(r.data!.viewer, { clientId: 'tax-bureau', role: 'DEPARTMENT', department: 'tax' });

      const second = await issue('tax-bureau', '2099-06-30');
      await until('the second key accepted', () => accepted(second.key));
      assert.equal(await accepted(first.key), true, 'both keys are valid while the client changes over');

      const revoked = await cli('revoke-key', '--client', 'tax-bureau', '--key-prefix', first.prefix);
      assert.equal(revoked.code, 0, revoked.stderr);
      // The revocation is committed when the command exits; the first refresh that starts after it must refuse the key.
      const revokedAt = Date.now();
      await until('a clients refresh begun after the revocation', () => gateway.clientsReadAt() > revokedAt);
      assert.equal(await accepted(first.key), false, `refused from the first refresh after the revocation (refresh every ${REFRESH_MS} ms)`);
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
      // The key must be read by a refresh and tried before it expires. On a loaded machine issuing
      // it (a child process) can take longer than a short lifetime, so a key that expired before it
      // could be tried proves nothing: issue another with three times the lifetime.
      let soon: Awaited<ReturnType<typeof issue>> | undefined;
      for (let lifetimeMs = 8000; !soon; lifetimeMs *= 3) {
        const expiresAt = Date.now() + lifetimeMs;
        const candidate = await issue('market-office', new Date(expiresAt).toISOString());
        const issuedAt = Date.now();
        await until('a clients refresh begun after the key was issued', () => gateway.clientsReadAt() > issuedAt);
        const ok = await accepted(candidate.key);
        if (Date.now() < expiresAt) {
          assert.equal(ok, true, 'accepted before its expiry');
          soon = candidate;
        }
      }
      await until('the expired key refused', async () => !(await accepted(soon.key)));
      const r = await ask(soon.key);
      assert.equal(r.status, 401);
      assert.match(r.errors![0]!.message, /the API key expired on/);
    });

    it('refuses every key of a disabled client', async () => {
      await cli('add', '--client', 'courts-office', '--role', 'DEPARTMENT', '--department', 'courts');
      const k = await issue('courts-office', '2099-01-01');
      await until('the key accepted', () => accepted(k.key));
      const disabled = await cli('disable', '--client', 'courts-office');
      assert.equal(disabled.code, 0, disabled.stderr);
      await until('the disabled client refused', async () => !(await accepted(k.key)));
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

    it("with the demo source (npm start's), accepts the demo keys and a department's own key issued with the CLI beside them", async () => {
      const config = gatewayConfigFromEnv(['--port', '0'], {
        ...cliEnv,
        CLIENTS_REFRESH_MS: String(REFRESH_MS),
        SUBGRAPH_URLS: [...stack.subgraphs].map(([name, s]) => `${name}=${s.running!.url}`).join(','),
      });
      assert.equal(config.clients.length > 0 && config.clientsDatabase !== null, true, 'demo clients and the database both');
      const demo = await createGateway(config);
      try {
        const demoUrl = (await demo.listen(0)).url;
        const added = await cli('add', '--client', 'ecology-bureau', '--role', 'DEPARTMENT', '--department', 'ecology', '--label', 'Ecology bureau (生态环境厅)');
        assert.equal(added.code, 0, added.stderr);
        const issued = await cli('issue-key', '--client', 'ecology-bureau', '--expires', '2099-01-01', '--quiet');
        assert.equal(issued.code, 0, issued.stderr);
        const key = issued.stdout.trim();
        assert.match(key, /^ck_[A-Za-z0-9_-]{43}$/, 'only the key on stdout');
        assert.match(issued.stderr, /issued to ecology-bureau, expires 2099-01-01/);
        const viewer = (k: string) => postGraphQL(demoUrl, { query: VIEWER }, { authorization: `Bearer ${k}` });
        const own = await until('the department key accepted', async () => ((await viewer(key)).status === 200 ? viewer(key) : undefined));
        assert.deepEqual(own.data!.viewer, { clientId: 'ecology-bureau', role: 'DEPARTMENT', department: 'ecology' });
        assert.deepEqual((await viewer('demo-analyst-key')).data!.viewer, { clientId: 'demo-analyst', role: 'ANALYST', department: null });
      } finally {
        await demo.close();
      }
    });
  });
}
