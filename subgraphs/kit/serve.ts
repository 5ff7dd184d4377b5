import { databaseConfigFromEnv } from './database.js';
import { envInt, envString, requireProductionSettings } from './env.js';
import { startExpirySweeper } from './lifecycle/expiry.js';
import { stopOnSignals } from './listen.js';
import { createLogger } from './logger.js';
import { RECORD_ID_SECRET } from './record-ids.js';
import { createSubgraph, type SubgraphDefinition } from './subgraph-server.js';
import { startTracing, stopTracing } from './tracing.js';

/**
 * Runs one subgraph as its own process, as production does: `PORT` (default: the service's own),
 * `HOST` (default 127.0.0.1), and the database settings of `databaseConfigFromEnv`. A department
 * also expires its records at the end of their period, once at start and every `EXPIRY_SWEEP_MS`
 * (default 60 s; 0 turns it off). In production (NODE_ENV=production) it does not start while a
 * secret it needs is missing, rather than fall back to a demo value or fail at first use.
 */
export async function serveSubgraph<L>(definition: SubgraphDefinition<L>, defaultPort: number): Promise<void> {
  const port = envInt('PORT', defaultPort, { min: 0, max: 65535 });
  const host = envString('HOST', '127.0.0.1');
  const isDepartment = 'categories' in definition;
  requireProductionSettings(`subgraph ${definition.name}`, [
    { name: 'GATEWAY_SIGNING_SECRET', purpose: 'the secret the gateway signs requests with (at least 32 characters, the same as the gateway)' },
    { name: RECORD_ID_SECRET, purpose: 'the key record ids are made with and aliased by (at least 32 characters, the same in the gateway and every subgraph)' },
    ...(isDepartment ? [{ name: 'REPORT_ENCRYPTION_KEY', purpose: "the key sealing reporters' identities (64 hex characters)" }] : []),
    ...(definition.productionSecrets ?? []),
  ]);
  const sweepMs = isDepartment ? envInt('EXPIRY_SWEEP_MS', 60_000, { min: 0, max: 86_400_000 }) : 0;
  await startTracing(definition.name);
  const subgraph = await createSubgraph(definition, { database: databaseConfigFromEnv(definition.name) });
  const running = await subgraph.listen(port, host);
  createLogger(definition.name).info('subgraph listening', { url: running.url });
  const sweeper = startExpirySweeper(subgraph.db, definition.name, sweepMs);
  stopOnSignals(definition.name, async () => {
    await sweeper.stop();
    await subgraph.close();
    await stopTracing();
  });
}
