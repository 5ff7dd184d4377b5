import { getOperationAST, Kind, parse, type DocumentNode, type FieldNode, type ObjectTypeDefinitionNode, type TypeNode } from 'graphql';

/**
 * The only fields the public may reach, under any namespace that offers them: each department's
 * published lists (and the registered enterprises to search them by name), the verification of a
 * check certificate, and reporting conduct.
 */
const PUBLIC_FIELDS = {
  query: ['publicList', 'publicListPage', 'publicEnterprises', 'verifyCheck'],
  mutation: ['submitReport'],
} as const;

function namedType(type: TypeNode): string {
  return type.kind === Kind.NAMED_TYPE ? type.name.value : namedType(type.type);
}

/**
 * The namespaces (root fields) whose type offers some of `fields`, each with those it offers, read
 * from the supergraph SDL's object types.
 */
function namespacesOffering(types: ReadonlyMap<string, ObjectTypeDefinitionNode>, root: 'Query' | 'Mutation', fields: readonly string[]): Map<string, Set<string>> {
  const namespaces = new Map<string, Set<string>>();
  for (const f of types.get(root)?.fields ?? []) {
    const offered = (types.get(namedType(f.type))?.fields ?? []).map((x) => x.name.value).filter((name) => fields.includes(name));
    if (offered.length > 0) namespaces.set(f.name.value, new Set(offered));
  }
  return namespaces;
}

/**
 * Decides whether an operation stays inside what the public may do: read the published red and
 * black lists (`<department> { publicList publicListPage }`, `market { publicEnterprises }`),
 * verify a check certificate (`platform { verifyCheck }`) and report conduct
 * (`<department> { submitReport }`). Returns null when allowed, else the reason.
 */
export class PublicAccessPolicy {
  private readonly queries: Map<string, Set<string>>;
  private readonly mutations: Map<string, Set<string>>;

  constructor(supergraphSdl: string) {
    const types = new Map<string, ObjectTypeDefinitionNode>();
    for (const def of parse(supergraphSdl).definitions) if (def.kind === Kind.OBJECT_TYPE_DEFINITION) types.set(def.name.value, def);
    this.queries = namespacesOffering(types, 'Query', PUBLIC_FIELDS.query);
    this.mutations = namespacesOffering(types, 'Mutation', PUBLIC_FIELDS.mutation);
  }

  /** The department namespaces that publish lists (for the public lists page). */
  listNamespaces(): string[] {
    return [...this.queries].filter(([, fields]) => fields.has('publicListPage')).map(([name]) => name);
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
    const namespaces = op.operation === 'query' ? this.queries : this.mutations;
    const allowed = op.operation === 'query' ? PUBLIC_FIELDS.query : PUBLIC_FIELDS.mutation;
    for (const selection of op.selectionSet.selections) {
      if (selection.kind !== Kind.FIELD) return 'fragments are not accepted on the public endpoint';
      if (selection.name.value === '__typename') continue;
      const offered = namespaces.get(selection.name.value);
      if (!offered) return `${selection.name.value} is not public: the public may ${op.operation === 'query' ? `read ${allowed.join(', ')}` : `call ${allowed.join(', ')}`} only`;
      const refused = this.onlyFields(selection, offered);
      if (refused) return refused;
    }
    return null;
  }

  private onlyFields(namespace: FieldNode, offered: ReadonlySet<string>): string | null {
    for (const s of namespace.selectionSet?.selections ?? []) {
      if (s.kind !== Kind.FIELD) return 'fragments are not accepted on the public endpoint';
      if (!offered.has(s.name.value) && s.name.value !== '__typename') return `${namespace.name.value}.${s.name.value} is not public: only ${[...offered].map((f) => `${namespace.name.value}.${f}`).join(', ')} ${offered.size === 1 ? 'is' : 'are'}`;
    }
    return null;
  }
}
