import { databaseConfigFromEnv } from './database.js';
import { envInt, envString } from './env.js';
import { stopOnSignals } from './listen.js';
import { createSubgraph, type SubgraphDefinition } from './subgraph-server.js';

/**
 * Runs one subgraph as its own process, as production does: `PORT` (default: the service's own),
 * `HOST` (default 127.0.0.1), and the database settings of `databaseConfigFromEnv`.
 */
export async function serveSubgraph<L>(definition: SubgraphDefinition<L>, defaultPort: number): Promise<void> {
  const port = envInt('PORT', defaultPort, { min: 0, max: 65535 });
  const host = envString('HOST', '127.0.0.1');
  const subgraph = await createSubgraph(definition, { database: databaseConfigFromEnv(definition.name) });
  const running = await subgraph.listen(port, host);
  console.log(`${definition.name} subgraph listening on ${running.url}`);
  stopOnSignals(definition.name, () => subgraph.close());
}
