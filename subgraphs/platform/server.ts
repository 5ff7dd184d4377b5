import { readFileSync } from 'node:fs';
import type { SubgraphDefinition } from '../kit/subgraph-server.js';
import { platformResolvers, type PlatformLoaders } from './resolvers.js';

/** The credit office's subgraph (省信用办): subjects, and the check before approval built on them. */
export const platform: SubgraphDefinition<PlatformLoaders> = {
  name: 'platform',
  sdl: readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8'),
  resolvers: platformResolvers,
  migrations: [],
  createLoaders: () => ({}),
};
