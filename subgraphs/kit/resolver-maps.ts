import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/index.js';

/** Merges resolver maps type by type; a later map's field wins over an earlier one's. */
export function mergeResolvers<C>(...maps: GraphQLResolverMap<C>[]): GraphQLResolverMap<C> {
  const merged: Record<string, Record<string, unknown>> = {};
  for (const map of maps) {
    for (const [type, fields] of Object.entries(map)) merged[type] = { ...(merged[type] ?? {}), ...(fields as Record<string, unknown>) };
  }
  return merged as GraphQLResolverMap<C>;
}
