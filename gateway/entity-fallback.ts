import { Kind, parse, type FieldNode, type SelectionSetNode } from 'graphql';

/**
 * For an `_entities` fetch, the response keys it asks of each entity type. When the subgraph
 * cannot answer, each representation is answered with those keys set to null, so the gateway
 * keeps the entities: fields that `@requires` this subgraph's data still run and can see that the
 * source is missing, instead of being silently skipped (which would drop whole subjects).
 */
export class EntityFallback {
  private readonly cache = new Map<string, Map<string, string[]> | null>();

  constructor(private readonly maxEntries = 2000) {}

  /** Response keys by `__typename`, or null when the operation is not an `_entities` fetch. */
  keysFor(query: string): Map<string, string[]> | null {
    let keys = this.cache.get(query);
    if (keys === undefined) {
      keys = extractEntityKeys(query);
      if (this.cache.size >= this.maxEntries) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(query, keys);
    }
    return keys;
  }

  /** Placeholder entities for the representations of a failed fetch, or null if not an entity fetch. */
  placeholders(query: string, representations: unknown): Record<string, unknown>[] | null {
    const keys = this.keysFor(query);
    if (!keys || !Array.isArray(representations)) return null;
    return representations.map((rep: { __typename?: string }) => {
      const typename = rep?.__typename ?? '';
      const entity: Record<string, unknown> = { __typename: typename };
      for (const key of keys.get(typename) ?? []) entity[key] = null;
      return entity;
    });
  }
}

function extractEntityKeys(query: string): Map<string, string[]> | null {
  if (!query.includes('_entities')) return null;
  let document;
  try {
    document = parse(query);
  } catch {
    return null;
  }
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    const root = definition.selectionSet.selections.find(
      (s): s is FieldNode => s.kind === Kind.FIELD && s.name.value === '_entities',
    );
    if (!root?.selectionSet) continue;
    const byType = new Map<string, string[]>();
    collect(root.selectionSet, null, byType);
    return byType;
  }
  return null;
}

function collect(selectionSet: SelectionSetNode, typename: string | null, byType: Map<string, string[]>): void {
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.INLINE_FRAGMENT) {
      collect(selection.selectionSet, selection.typeCondition?.name.value ?? typename, byType);
    } else if (selection.kind === Kind.FIELD && typename && selection.name.value !== '__typename') {
      const key = selection.alias?.value ?? selection.name.value;
      const keys = byType.get(typename) ?? [];
      if (!keys.includes(key)) keys.push(key);
      byType.set(typename, keys);
    }
  }
}
