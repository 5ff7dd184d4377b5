/**
 * Several replicas of a subgraph behind one address, for `npm run bench -- --scale-out`: a TCP
 * proxy that hands each new connection to the next backend in turn (round robin) and pipes the
 * bytes both ways. The gateway keeps a pool of keep-alive connections to each subgraph, so its
 * connections, and with them its requests, spread evenly over the replicas. A backend that
 * refuses a connection is skipped for that connection (the next one is tried).
 *
 * Usage: node --import tsx scripts/bench/round-robin-proxy.ts --listen HOST:PORT --to HOST:PORT,HOST:PORT
 * On SIGTERM it prints how many connections each backend got, then exits.
 */
import net from 'node:net';
import { parseArgs } from 'node:util';

export interface Backend {
  host: string;
  port: number;
}

export function parseAddress(text: string): Backend {
  const colon = text.lastIndexOf(':');
  const port = Number(text.slice(colon + 1));
  if (colon <= 0 || !Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`${JSON.stringify(text)} is not HOST:PORT`);
  return { host: text.slice(0, colon), port };
}

/** Starts the proxy; resolves once it listens. `counts[i]`: connections handed to backend i so far. */
export function startProxy(listen: Backend, backends: readonly Backend[]): Promise<{ server: net.Server; counts: number[] }> {
  const counts = backends.map(() => 0);
  let next = 0;
  const server = net.createServer((client) => {
    client.setNoDelay(true);
    client.pause();
    const connect = (attempt: number) => {
      const index = next;
      next = (next + 1) % backends.length;
      const backend = backends[index]!;
      const upstream = net.connect(backend.port, backend.host);
      upstream.setNoDelay(true);
      const onError = (err: Error) => {
        upstream.destroy();
        if (attempt + 1 < backends.length && (err as NodeJS.ErrnoException).code === 'ECONNREFUSED') connect(attempt + 1);
        else client.destroy();
      };
      upstream.once('error', onError);
      upstream.once('connect', () => {
        counts[index]!++;
        upstream.off('error', onError);
        upstream.on('error', () => client.destroy());
        client.on('error', () => upstream.destroy());
        client.pipe(upstream);
        upstream.pipe(client);
        client.resume();
      });
    };
    connect(0);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => resolve({ server, counts }));
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { listen: { type: 'string' }, to: { type: 'string' } }, strict: true });
  if (!values.listen || !values.to) {
    console.error('usage: round-robin-proxy.ts --listen HOST:PORT --to HOST:PORT,HOST:PORT');
    process.exit(2);
  }
  const backends = values.to.split(',').map((s) => parseAddress(s.trim()));
  const { server, counts } = await startProxy(parseAddress(values.listen), backends);
  console.log(`round-robin proxy on ${values.listen} → ${values.to}`);
  const stop = () => {
    console.log(`connections per backend: ${backends.map((b, i) => `${b.host}:${b.port} ${counts[i]}`).join(', ')}`);
    server.close();
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
