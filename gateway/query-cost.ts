import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import {
  getArgumentValues,
  getOperationAST,
  getNamedType,
  GraphQLError,
  isCompositeType,
  isInterfaceType,
  isObjectType,
  isListType,
  isNonNullType,
  Kind,
  typeFromAST,
  visit,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type GraphQLType,
  type SelectionSetNode,
} from 'graphql';

/**
 * An operation's estimated cost, so that what the depth, alias and token limits let through cannot
 * still multiply into millions of resolved fields: each field costs 1 (a check's evaluation
 * `FIELD_WEIGHTS`), times the sizes of the lists around it. A list's size is its `ids` argument's
 * length, else its `limit` argument (or that argument's default), else `LIST_ESTIMATE`.
 * Introspection is not counted (it is limited to analysts and bounded by the schema).
 */
const LIST_ESTIMATE = 10;
const FIELD_WEIGHTS: Readonly<Record<string, number>> = {
  'Subject.creditCheck': 10,
  'Subject.creditPreview': 10,
  'SubjectAsOf.reevaluation': 10,
};

function unwrap(type: GraphQLType): { list: boolean; named: GraphQLNamedType } {
  let t = type;
  let list = false;
  while (isNonNullType(t) || isListType(t)) {
    if (isListType(t)) list = true;
    t = t.ofType;
  }
  return { list, named: t };
}

function listSize(args: Record<string, unknown>): number {
  if (Array.isArray(args.ids)) return Math.max(1, args.ids.length);
  if (typeof args.limit === 'number') return Math.max(1, args.limit);
  return LIST_ESTIMATE;
}

/** The cost of the selected operation with these variables (Infinity-safe: stops adding past `cap`). */
export function operationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | undefined,
  cap = Number.MAX_SAFE_INTEGER,
): number {
  const operation = getOperationAST(document, operationName);
  if (!operation) return 0;
  const fragments = new Map(document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((f) => [f.name.value, f]));
  const root = operation.operation === 'mutation' ? schema.getMutationType() : operation.operation === 'subscription' ? schema.getSubscriptionType() : schema.getQueryType();
  if (!root) return 0;

  const costOf = (set: SelectionSetNode, parent: GraphQLNamedType, inFragments: ReadonlySet<string>): number => {
    let total = 0;
    for (const selection of set.selections) {
      if (total > cap) return total;
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value;
        if (name.startsWith('__') || !isObjectType(parent) && !isInterfaceType(parent)) continue;
        const field: GraphQLField<unknown, unknown> | undefined = parent.getFields()[name];
        if (!field) continue;
        const weight = FIELD_WEIGHTS[`${parent.name}.${name}`] ?? 1;
        const { list, named } = unwrap(field.type);
        let size = 1;
        if (list) {
          let args: Record<string, unknown> = {};
          try {
            args = getArgumentValues(field, selection, variables ?? {});
          } catch {
            // Bad arguments are refused by execution; estimate with the defaults.
          }
          size = listSize(args);
        }
        const below = selection.selectionSet && isCompositeType(named) ? costOf(selection.selectionSet, named, inFragments) : 0;
        total += size * (weight + below);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? typeFromAST(schema, selection.typeCondition) : parent;
        total += costOf(selection.selectionSet, type && isCompositeType(type) ? getNamedType(type) : parent, inFragments);
      } else if (!inFragments.has(selection.name.value)) {
        const fragment = fragments.get(selection.name.value);
        if (!fragment) continue;
        const type = typeFromAST(schema, fragment.typeCondition);
        total += costOf(fragment.selectionSet, type ? getNamedType(type) : parent, new Set([...inFragments, selection.name.value]));
      }
    }
    return total;
  };
  return costOf(operation.selectionSet, root, new Set());
}

/** The variables an operation's list sizes depend on (`ids: $ids`, `limit: $n`), found once per document. */
function sizeVariables(document: DocumentNode): string[] {
  const names = new Set<string>();
  visit(document, {
    Argument(node) {
      if ((node.name.value === 'ids' || node.name.value === 'limit') && node.value.kind === Kind.VARIABLE) names.add(node.value.name.value);
    },
  });
  return [...names].sort();
}

/**
 * Costs already computed, per document (documents are cached by the server) and per list sizes:
 * the same operation with other ids of the same number costs the same, so it is priced once.
 */
const priced = new WeakMap<GraphQLSchema, WeakMap<DocumentNode, { variables: string[]; costs: Map<string, number> }>>();

function cachedCost(schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined, variables: Record<string, unknown> | undefined, cap: number): number {
  let bySchema = priced.get(schema);
  if (!bySchema) priced.set(schema, (bySchema = new WeakMap()));
  let entry = bySchema.get(document);
  if (!entry) bySchema.set(document, (entry = { variables: sizeVariables(document), costs: new Map() }));
  const sizes = entry.variables.map((v) => {
    const value = variables?.[v];
    return Array.isArray(value) ? value.length : String(value);
  });
  const key = `${operationName ?? ''}|${sizes.join(',')}`;
  let cost = entry.costs.get(key);
  if (cost === undefined) {
    cost = operationCost(schema, document, operationName, variables, cap);
    if (entry.costs.size >= 100) entry.costs.clear();
    entry.costs.set(key, cost);
  }
  return cost;
}

/** Refuses operations whose estimated cost exceeds `maxCost` (HTTP 400, QUERY_TOO_COSTLY), before execution. */
export function costLimitPlugin<C extends BaseContext>(maxCost: number): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operationName, request }) {
          const cost = cachedCost(schema, document, operationName ?? request.operationName, request.variables, maxCost);
          if (cost > maxCost) {
            throw new GraphQLError(`the operation's estimated cost is ${cost} or more: at most ${maxCost} is allowed (each field counts 1, times the sizes of the lists around it; ask for fewer subjects, a smaller limit or fewer nested lists)`, {
              extensions: { code: 'QUERY_TOO_COSTLY', limit: maxCost, http: { status: 400 } },
            });
          }
        },
      };
    },
  };
}
