import { Kind, parse } from 'graphql';

/** A subgraph of the supergraph served, and the URL the gateway routes its fetches to. */
export interface SubgraphTarget {
  name: string;
  url: string;
}

/**
 * The subgraphs of a supergraph (its `join__Graph` enum), with the routing URL overrides of the
 * configuration applied, sorted by name.
 */
export function subgraphTargets(supergraphSdl: string, overrides: Readonly<Record<string, string>> = {}): SubgraphTarget[] {
  const targets: SubgraphTarget[] = [];
  for (const definition of parse(supergraphSdl, { noLocation: true }).definitions) {
    if (definition.kind !== Kind.ENUM_TYPE_DEFINITION || definition.name.value !== 'join__Graph') continue;
    for (const value of definition.values ?? []) {
      const graph = value.directives?.find((d) => d.name.value === 'join__graph');
      const arg = (name: string) => {
        const v = graph?.arguments?.find((a) => a.name.value === name)?.value;
        return v?.kind === Kind.STRING ? v.value : undefined;
      };
      const name = arg('name') ?? value.name.value.toLowerCase();
      targets.push({ name, url: overrides[name] ?? arg('url') ?? '' });
    }
  }
  return targets.sort((a, b) => a.name.localeCompare(b.name));
}
