import { courts } from './courts/server.js';
import { finance } from './finance/server.js';
import type { SubgraphDefinition } from './kit/subgraph-server.js';
import { market } from './market/server.js';
import { platform } from './platform/server.js';
import { registry } from './registry/server.js';
import type { ServiceName } from './services.js';
import { tax } from './tax/server.js';

/** Every subgraph of the default supergraph, by name: an explicit list, never a directory scan. */
export const DEFINITIONS: Record<ServiceName, SubgraphDefinition<unknown>> = {
  platform: platform as SubgraphDefinition<unknown>,
  tax: tax as SubgraphDefinition<unknown>,
  market: market as SubgraphDefinition<unknown>,
  courts: courts as SubgraphDefinition<unknown>,
  finance: finance as SubgraphDefinition<unknown>,
  registry: registry as SubgraphDefinition<unknown>,
};
