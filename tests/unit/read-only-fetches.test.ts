import assert from '../kit/assert.js';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import { READ_ONLY_HEADER, SubgraphDataSource } from '../../gateway/subgraph-datasource.js';
import { haproxyConfig } from '../../scripts/cluster/haproxy.js';

/**
 * HAProxy replays a subgraph fetch a dead replica held only when the gateway marked it read-only
 * (docs/deployment.md): the mark must be on a department's queries and never on a mutation or on
 * a platform fetch (the platform stores checks and person lookups on reads).
 */
describe('subgraph fetches that HAProxy may send again', () => {
  const seen: IncomingHttpHeaders[] = [];
  const server = createServer((req, res) => {
    seen.push(req.headers);
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"data":{"ok":true}}');
    });
  });
  let url = '';
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const fetchWith = async (name: string, query: string) => {
    const source = new SubgraphDataSource({ name, url, timeoutMs: 5000, connections: 1, signingSecret: null });
    try {
      seen.length = 0;
      await source.process({ request: { query, variables: {} }, context: {} } as never);
      assert.equal(seen.length, 1);
      return seen[0]![READ_ONLY_HEADER];
    } finally {
      await source.close();
    }
  };

  it('marks a department\'s queries, in every form the query planner writes them', async () => {
    assert.equal(await fetchWith('courts', '{ courts { records { id } } }'), '1');
    assert.equal(await fetchWith('tax', 'query Op__tax__1($representations:[_Any!]!){_entities(representations:$representations){...on Subject{taxStatus}}}'), '1');
    assert.equal(await fetchWith('registry', '  query { subgraphs { name } }'), '1');
  });

  it('never marks a mutation, nor any platform fetch', async () => {
    assert.equal(await fetchWith('courts', 'mutation($input: PublishRecordInput!) { courts { publishRecord(input: $input) { id } } }'), undefined);
    assert.equal(await fetchWith('platform', '{ subject(id: "x") { creditCheck(matter: GOVERNMENT_PROCUREMENT, caseRef: "c") { checkId } } }'), undefined);
    assert.equal(await fetchWith('platform', 'query($representations:[_Any!]!){_entities(representations:$representations){...on Subject{name}}}'), undefined);
  });

  it('HAProxy replays only marked requests, only in subgraph groups, and starts every server in maintenance', () => {
    const config = haproxyConfig('127.0.0.1', [
      { name: 'gateway', frontendPort: 6000, serverPorts: [6020, 6021], replayReadOnly: false },
      { name: 'courts', frontendPort: 6003, serverPorts: [6030, 6031], replayReadOnly: true },
    ], '/tmp/haproxy.sock');
    const backend = (name: string) => config.slice(config.indexOf(`\nbackend ${name}_replicas`) + 1).split('\n\n')[0]!;
    assert.ok(!/empty-response/.test(backend('gateway')), 'a client\'s request to a gateway is never replayed');
    assert.match(backend('gateway'), /retry-on conn-failure\n/);
    assert.match(backend('courts'), /retry-on conn-failure empty-response/);
    assert.match(backend('courts'), new RegExp(`disable-l7-retry unless \\{ req\\.hdr\\(${READ_ONLY_HEADER}\\) -m str 1 \\}`));
    assert.equal(config.match(/ check disabled$/gm)?.length, 4);
    assert.match(config, /stats socket \/tmp\/haproxy\.sock mode 600 level admin/);
  });
});
