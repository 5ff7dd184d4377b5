import { createServer, connect, type Server, type Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { it, beforeAll, afterAll } from '@jest/globals';
import { Redis } from 'ioredis';
import assert from './kit/assert.js';
import { suite } from './kit/suite.js';
import { until } from './kit/wait.js';
import { redisSkipReason, TEST_REDIS_URL } from './kit/redis.js';
import { TestStack, postGraphQL } from './kit/stack.js';
import { DEFAULT_SUPERGRAPH, rateLimitStoreFromEnv } from '../gateway/config.js';
import { DEMO_CLIENTS } from '../gateway/clients.js';
import { createGateway, type Gateway } from '../gateway/server.js';

const PUBLIC_QUERY = '{ courts { publicList(listType: BLACK, limit: 1) { subjectId } } }';
const CLIENT_QUERY = '{ __typename }';

/**
 * A TCP forwarder to the test Redis that the test can cut and restore: Redis itself is shared with
 * everything else on the machine and is never stopped.
 */
class RedisLink {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  port = 0;

  async open(): Promise<void> {
    const target = new URL(TEST_REDIS_URL);
    this.server = createServer((client) => {
      const upstream = connect(Number(target.port || 6379), target.hostname);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => {});
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async cut(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => server?.close(() => resolve()) ?? resolve());
  }
}

const skip = await redisSkipReason();

suite('rate limits shared by gateway replicas through Redis', skip, () => {
  let stack: TestStack;
  const link = new RedisLink();
  const prefix = `test-rl-${randomBytes(4).toString('hex')}`;
  const gateways: Gateway[] = [];
  const urls: string[] = [];

  beforeAll(async () => {
    stack = await TestStack.start();
    await link.open();
    for (let i = 0; i < 2; i++) {
      const gateway = await createGateway({
        port: 0, host: '127.0.0.1', supergraphFile: DEFAULT_SUPERGRAPH, registry: null, registryPollMs: 1000,
        subgraphUrls: Object.fromEntries([...stack.subgraphs].map(([name, s]) => [name, s.running!.url])),
        subgraphTimeoutMs: 30_000, subgraphConnections: 4, maxBodyBytes: 1 << 20,
        // Public: 4 a minute per address. Clients: 20 a minute, counted in windows of 10.
        publicRatePerMinute: 4,
        clientRatePerMinute: 20,
        clients: DEMO_CLIENTS,
        rateLimitStore: rateLimitStoreFromEnv({ RATE_LIMIT_REDIS_URL: `redis://127.0.0.1:${link.port}`, RATE_LIMIT_REDIS_PREFIX: prefix }),
      });
      gateways.push(gateway);
      urls.push((await gateway.listen(0)).url);
    }
  });
  afterAll(async () => {
    await Promise.all(gateways.map((g) => g.close()));
    await link.cut();
    await stack?.close();
    const redis = new Redis(TEST_REDIS_URL);
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  const publicStatus = async (gateway: number) => (await fetch(urls[gateway]!.replace('/graphql', '/public/graphql'), {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: PUBLIC_QUERY }),
  }));
  const clientStatus = async (gateway: number, key: string) => (await postGraphQL(urls[gateway]!, { query: CLIENT_QUERY }, { authorization: `Bearer ${key}` })).status;

  it('allows the public limit once across two gateways, not once per gateway', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await publicStatus(i % 2)).status);
    assert.equal(statuses.filter((s) => s === 200).length, 4, JSON.stringify(statuses));
    assert.deepEqual(statuses.slice(4), [429, 429, 429, 429, 429, 429]);
    const refused = await publicStatus(1);
    assert.equal(refused.status, 429);
    assert.ok(Number(refused.headers.get('retry-after')) >= 1);
  });

  it('allows a client its limit once across two gateways, and counts clients apart', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 16; i++) statuses.push(await clientStatus(i % 2, 'demo-analyst-key'));
    assert.equal(statuses.filter((s) => s === 200).length, 10, JSON.stringify(statuses));
    assert.equal(statuses.filter((s) => s === 429).length, 6, JSON.stringify(statuses));
    // Another client has its own allowance.
    assert.equal(await clientStatus(0, 'demo-platform-key'), 200);
  });

  it('with Redis unreachable, refuses the public endpoint (fails closed) and serves clients from each gateway\'s memory (fails open)', async () => {
    await link.cut();
    const refused = await until('the public endpoint fails closed', async () => {
      const r = await publicStatus(0);
      return r.status === 503 ? r : null;
    });
    const body = (await refused.json()) as { errors: { message: string; extensions: { code: string } }[] };
    assert.equal(body.errors[0]!.extensions.code, 'RATE_LIMIT_UNAVAILABLE');
    assert.match(body.errors[0]!.message, /public rate limit cannot be checked/);
    assert.ok(Number(refused.headers.get('retry-after')) >= 1);
    assert.equal((await fetch(urls[1]!.replace('/graphql', '/public'))).status, 503);

    // A client the shared limit had not seen yet: each gateway now allows it a window of its own.
    const perGateway = [[], []] as number[][];
    for (let i = 0; i < 24; i++) perGateway[i % 2]!.push(await clientStatus(i % 2, 'demo-finance-key'));
    for (const statuses of perGateway) {
      assert.equal(statuses.filter((s) => s === 200).length, 10, JSON.stringify(perGateway));
      assert.equal(statuses.filter((s) => s === 429).length, 2, JSON.stringify(perGateway));
    }
  });

  it('shares the limits again once Redis answers', async () => {
    await link.open();
    // A new address key in Redis: the public limit resumes from its shared count, which Redis kept.
    await until('the public endpoint answers from the shared limit again', async () => (await publicStatus(1)).status === 429);
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push(await clientStatus(i % 2, 'demo-market-key'));
    assert.equal(statuses.filter((s) => s === 200).length, 10, JSON.stringify(statuses));
  });
});
