/**
 * Several processes of our gateway behind one port, for `npm run bench -- --scale-out`: a
 * node:cluster primary forks GATEWAY_WORKERS workers (default 2), each of which runs
 * gateway/index.ts unchanged — the same command line (`--port N --host H`) and environment; the
 * primary shares the listening socket and hands incoming connections to the workers in turn.
 * Every worker loads the supergraph from the registry (MySQL, shared) and polls it, as separate
 * gateway machines would. A worker that dies is not replaced: the primary exits, so the bench
 * notices. With READY_PORT set, the primary answers GET http://HOST:READY_PORT/ with 200 once
 * every worker listens (503 before).
 */
import cluster from 'node:cluster';
import { createServer } from 'node:http';

if (cluster.isPrimary) {
  const workers = Number(process.env.GATEWAY_WORKERS ?? '2');
  if (!Number.isInteger(workers) || workers < 1 || workers > 64) {
    console.error(`GATEWAY_WORKERS=${process.env.GATEWAY_WORKERS}: expected a whole number from 1 to 64`);
    process.exit(2);
  }
  // Round robin by the primary on every platform (the default everywhere but Windows, made explicit).
  cluster.schedulingPolicy = cluster.SCHED_RR;
  let listening = 0;
  let stopping = false;
  for (let i = 0; i < workers; i++) cluster.fork();
  cluster.on('listening', () => {
    listening++;
    if (listening === workers) console.log(`gateway cluster: ${workers} worker(s) listening`);
  });
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    console.error(`gateway cluster: worker ${worker.process.pid} exited (${signal ?? `code ${code}`}); stopping`);
    process.exit(1);
  });
  const readyPort = process.env.READY_PORT ? Number(process.env.READY_PORT) : null;
  const ready = readyPort
    ? createServer((req, res) => {
        req.resume();
        res.writeHead(listening >= workers ? 200 : 503, { 'content-type': 'text/plain' });
        res.end(`${listening} of ${workers} workers listening\n`);
      }).listen(readyPort, process.env.HOST ?? '127.0.0.1')
    : null;
  const stop = () => {
    stopping = true;
    ready?.close();
    for (const worker of Object.values(cluster.workers ?? {})) worker?.kill('SIGTERM');
    const timer = setTimeout(() => process.exit(0), 10_000);
    timer.unref();
    cluster.on('exit', () => {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
    });
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
} else {
  await import('../../gateway/index.js');
}
