import assert from '../kit/assert.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { composeSupergraph } from '../../gateway/compose.js';
import { SignatureHeader } from '../../subgraphs/kit/request-signing.js';
import { ROOT, runTs } from '../kit/processes.js';
import { postGraphQL } from '../kit/stack.js';
import { until } from '../kit/wait.js';

/** Ports of this file: TEST_PORT_BASE (5300 by default) + 1 and + 2. */
const BASE = Number(process.env.TEST_PORT_BASE ?? 5300);
/** A gateway process starting on a loaded machine (two shared cores): a guard, not a measure. */
const STARTUP = { timeoutMs: 180_000 };

/**
 * A department developer's own subgraph, which knows nothing of keys, signatures or the credit
 * platform's access policy (its root field has no rule in the policy table).
 */
const SDL = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
type Query { greenhouses: [Greenhouse!]! }
type Greenhouse @key(fields: "id") { id: ID! name: String! }`;

function startGateway(args: string[], env: NodeJS.ProcessEnv = {}): { child: ChildProcess; output: () => string } {
  let output = '';
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'gateway/index.ts'), ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (d: Buffer) => (output += d));
  child.stderr!.on('data', (d: Buffer) => (output += d));
  return { child, output: () => output };
}

describe('npm run gateway -- --dev: a local federation mode for department developers', () => {
  const tmp = mkdtempSync(path.join(tmpdir(), 'dev-gateway-'));
  const supergraph = path.join(tmp, 'supergraph.graphql');
  const seen: IncomingHttpHeaders[] = [];
  let subgraph: ApolloServer;
  const gateways: ChildProcess[] = [];

  beforeAll(async () => {
    subgraph = new ApolloServer({ schema: buildSubgraphSchema({ typeDefs: parse(SDL), resolvers: { Query: { greenhouses: () => [{ id: 'g1', name: '长沙温室一号' }] } } }), plugins: [ApolloServerPluginInlineTraceDisabled()] });
    const { url } = await startStandaloneServer(subgraph, { listen: { port: 0, host: '127.0.0.1' }, context: async ({ req }) => (seen.push(req.headers), {}) });
    writeFileSync(supergraph, composeSupergraph([{ name: 'greenhouse', url, sdl: SDL }]));
  });
  afterAll(async () => {
    for (const g of gateways) g.kill('SIGKILL');
    await subgraph?.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('is refused with NODE_ENV=production, saying why', async () => {
    const run = await runTs('gateway/index.ts', ['--dev', '--supergraph', supergraph, '--port', String(BASE + 1)], { NODE_ENV: 'production' });
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /gateway not started: --dev is refused with NODE_ENV=production: development mode serves without authentication, access policy or request signing/);
  });

  it('is refused on an address other than loopback, naming it', async () => {
    for (const host of ['0.0.0.0', '192.168.1.20']) {
      const run = await runTs('gateway/index.ts', ['--dev', '--supergraph', supergraph, '--port', String(BASE + 1), '--host', host], {});
      assert.equal(run.code, 1, run.stderr);
      assert.match(run.stderr, new RegExp(`--dev is refused on host "${host.replace(/\./g, '\\.')}": development mode listens only on a loopback address`));
    }
  });

  it('serves any supergraph with no key, no access policy and unsigned subgraph requests; without --dev the same supergraph asks for a key', async () => {
    const dev = startGateway(['--dev', '--supergraph', supergraph, '--port', String(BASE + 1)]);
    gateways.push(dev.child);
    const url = `http://127.0.0.1:${BASE + 1}/graphql`;
    const r = await until('the development gateway answers', async () => {
      const answer = await postGraphQL(url, { query: '{ greenhouses { id name } }' });
      return answer.data ? answer : null;
    }, STARTUP);
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    assert.deepEqual(r.data, { greenhouses: [{ id: 'g1', name: '长沙温室一号' }] });
    assert.match(dev.output(), /DEVELOPMENT MODE/);
    const last = seen.at(-1)!;
    assert.equal(last[SignatureHeader.signature], undefined, `unsigned: ${JSON.stringify(Object.keys(last))}`);
    assert.equal(last[SignatureHeader.timestamp], undefined);

    const normal = startGateway(['--supergraph', supergraph, '--port', String(BASE + 2)]);
    gateways.push(normal.child);
    const refused = await until('the normal gateway answers', async () => {
      const answer = await postGraphQL(`http://127.0.0.1:${BASE + 2}/graphql`, { query: '{ greenhouses { id name } }' });
      return answer.status === 401 ? answer : null;
    }, STARTUP);
    assert.equal(refused.errors![0]!.extensions!.code, 'UNAUTHENTICATED');
    const withKey = await postGraphQL(`http://127.0.0.1:${BASE + 2}/graphql`, { query: '{ greenhouses { id name } }' }, { authorization: 'Bearer demo-analyst-key' });
    assert.equal(withKey.errors![0]!.extensions!.rule, 'default-deny', JSON.stringify(withKey.errors));
  });
});
