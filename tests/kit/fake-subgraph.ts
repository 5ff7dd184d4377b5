import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A server that misbehaves in one chosen way, standing in for a broken department. */
export type Misbehaviour =
  | { kind: 'slow'; delayMs: number }
  | { kind: 'garbage' }
  | { kind: 'http500' }
  /** Answers every request with what `answer` makes of its parsed JSON body (a GraphQL response). */
  | { kind: 'answer'; answer(body: { query: string; variables?: Record<string, any> }): unknown };

export async function startFakeSubgraph(misbehaviour: Misbehaviour): Promise<{ url: string; close(): Promise<void> }> {
  const timers = new Set<NodeJS.Timeout>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (misbehaviour.kind === 'answer') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(misbehaviour.answer(JSON.parse(Buffer.concat(chunks).toString('utf8')))));
      } else if (misbehaviour.kind === 'slow') {
        const t = setTimeout(() => {
          timers.delete(t);
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end('{"data":{"_entities":[]}}');
        }, misbehaviour.delayMs);
        timers.add(t);
      } else if (misbehaviour.kind === 'garbage') {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<html><body>502 Bad Gateway, or a proxy login page</body></html>');
      } else {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end('Internal Server Error');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
