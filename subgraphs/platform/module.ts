import { readFileSync } from 'node:fs';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/index.js';
import type { Migration } from '../kit/database.js';
import type { SubgraphContext } from '../kit/subgraph-server.js';
import type { PlatformLoaders } from './loaders.js';

export type PlatformContext = SubgraphContext<PlatformLoaders>;

/**
 * One concern of the platform subgraph (the check, push, feedback, statistics…): its SDL file
 * (which extends `PlatformQuery` / `PlatformMutation`), its resolvers and its migrations.
 */
export interface PlatformModule {
  name: string;
  sdl: string;
  resolvers: GraphQLResolverMap<PlatformContext>;
  migrations: readonly Migration[];
}

export function readSdl(url: URL): string {
  return readFileSync(url, 'utf8');
}
