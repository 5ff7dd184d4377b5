import { getOperationAST, Kind, parse, type DocumentNode, type FieldNode, type ObjectTypeDefinitionNode, type TypeNode } from 'graphql';

/** The only fields the public may reach, under each department's namespace. */
const PUBLIC_QUERY_FIELD = 'publicList';
const PUBLIC_MUTATION_FIELD = 'submitReport';

function namedType(type: TypeNode): string {
  return type.kind === Kind.NAMED_TYPE ? type.name.value : namedType(type.type);
}

/** The namespaces (root fields) whose type offers `field`, read from the supergraph SDL's object types. */
function namespacesOffering(types: ReadonlyMap<string, ObjectTypeDefinitionNode>, root: 'Query' | 'Mutation', field: string): Set<string> {
  const names = new Set<string>();
  for (const f of types.get(root)?.fields ?? []) {
    if (types.get(namedType(f.type))?.fields?.some((x) => x.name.value === field)) names.add(f.name.value);
  }
  return names;
}

/**
 * Decides whether an operation stays inside what the public may do: read the published red and
 * black lists (`<department> { publicList }`) and report conduct (`<department> { submitReport }`).
 * Returns null when allowed, else the reason.
 */
export class PublicAccessPolicy {
  private readonly queries: Set<string>;
  private readonly mutations: Set<string>;

  constructor(supergraphSdl: string) {
    const types = new Map<string, ObjectTypeDefinitionNode>();
    for (const def of parse(supergraphSdl).definitions) if (def.kind === Kind.OBJECT_TYPE_DEFINITION) types.set(def.name.value, def);
    this.queries = namespacesOffering(types, 'Query', PUBLIC_QUERY_FIELD);
    this.mutations = namespacesOffering(types, 'Mutation', PUBLIC_MUTATION_FIELD);
  }

  refuse(query: unknown, operationName?: unknown): string | null {
    if (typeof query !== 'string') return 'the request has no query';
    let doc: DocumentNode;
    try {
      doc = parse(query);
    } catch (err) {
      return `the query does not parse: ${(err as Error).message}`;
    }
    const operations = doc.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
    if (doc.definitions.length !== operations.length) return 'fragments are not accepted on the public endpoint';
    const op = getOperationAST(doc, typeof operationName === 'string' ? operationName : undefined);
    if (!op) return 'send exactly one operation, or name the one to run';
    if (op.operation === 'subscription') return 'subscriptions are not offered';
    const [namespaces, allowed] = op.operation === 'query' ? [this.queries, PUBLIC_QUERY_FIELD] : [this.mutations, PUBLIC_MUTATION_FIELD];
    for (const selection of op.selectionSet.selections) {
      if (selection.kind !== Kind.FIELD) return 'fragments are not accepted on the public endpoint';
      if (selection.name.value === '__typename') continue;
      if (!namespaces.has(selection.name.value)) {
        return `${selection.name.value} is not public: the public may ${op.operation === 'query' ? 'read <department> { publicList }' : 'call <department> { submitReport }'} only`;
      }
      const refused = this.onlyField(selection, allowed);
      if (refused) return refused;
    }
    return null;
  }

  private onlyField(namespace: FieldNode, allowed: string): string | null {
    for (const s of namespace.selectionSet?.selections ?? []) {
      if (s.kind !== Kind.FIELD) return 'fragments are not accepted on the public endpoint';
      if (s.name.value !== allowed && s.name.value !== '__typename') return `${namespace.name.value}.${s.name.value} is not public: only ${namespace.name.value}.${allowed} is`;
    }
    return null;
  }
}
