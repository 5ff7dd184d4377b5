import { readFileSync } from 'node:fs';
import type { SubgraphDefinition } from '../kit/subgraph-server.js';
import { bootstrapRegistry } from './bootstrap.js';
import { REGISTRY_MIGRATIONS } from './migrations/index.js';
import { registryResolvers } from './resolvers.js';
import { RegistryStore } from './store.js';

/**
 * The schema registry (数据报送清单): the subgraphs that make up the supergraph, every accepted
 * version, and the checks a change must pass. Gateways read the current version from its database.
 */
export const registry: SubgraphDefinition<Record<string, never>> = {
  name: 'registry',
  sdl: readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8'),
  resolvers: registryResolvers(),
  migrations: REGISTRY_MIGRATIONS,
  createLoaders: () => ({}),
  init: (db) => bootstrapRegistry(new RegistryStore(db)),
};
