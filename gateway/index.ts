import { ConfigError } from '../subgraphs/kit/env.js';
import { stopOnSignals } from '../subgraphs/kit/listen.js';
import { createLogger } from '../subgraphs/kit/logger.js';
import { gatewayConfigFromEnv } from './config.js';
import { jwtConfigFromEnv } from './jwt.js';
import { createGateway } from './server.js';
import { startTracing, stopTracing } from '../subgraphs/kit/tracing.js';

try {
  const config = { ...gatewayConfigFromEnv(), jwt: await jwtConfigFromEnv() };
  await startTracing('gateway');
  const gateway = await createGateway(config);
  const running = await gateway.listen();
  createLogger('gateway').info(config.development ? 'gateway listening in DEVELOPMENT MODE (local development only)' : 'gateway listening', { url: running.url, supergraph: config.registry ? 'registry' : config.supergraphFile, ...(config.development ? { development: true } : {}) });
  stopOnSignals('gateway', async () => {
    await gateway.close();
    await stopTracing();
  });
} catch (err) {
  // A configuration mistake is the operator's to fix: say what it is, without a stack trace.
  if (!(err instanceof ConfigError)) throw err;
  process.stderr.write(`gateway not started: ${err.message}\n`);
  process.exit(1);
}
