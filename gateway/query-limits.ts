import { GraphQLError, Kind, type ASTVisitor, type SelectionSetNode, type ValidationContext } from 'graphql';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { envInt } from '../subgraphs/kit/env.js';

/** A 1,000-subject check with every field of its answer (measures, evidence) costs about 1,230,000. */
export const DEFAULT_MAX_COST = 2_000_000;

/** How large a client's operation may be; refused before any subgraph is asked. */
export interface QueryLimits {
  /** Deepest nesting of selections, fragments followed. */
  maxDepth: number;
  /** Aliased fields in one operation (an alias bomb repeats one expensive field under many names). */
  maxAliases: number;
  /** Lexical tokens in the document, checked while parsing. */
  maxTokens: number;
  /** Estimated cost (gateway/query-cost.ts): fields times the sizes of the lists around them. */
  maxCost?: number;
}

/** MAX_QUERY_DEPTH (15), MAX_QUERY_ALIASES (30), MAX_QUERY_TOKENS (5000), MAX_QUERY_COST (2000000). */
export function queryLimitsFromEnv(env: NodeJS.ProcessEnv = process.env): QueryLimits {
  return {
    maxDepth: envInt('MAX_QUERY_DEPTH', 15, { min: 2, max: 100 }, env),
    maxAliases: envInt('MAX_QUERY_ALIASES', 30, { min: 0, max: 10_000 }, env),
    maxTokens: envInt('MAX_QUERY_TOKENS', 5000, { min: 100, max: 1_000_000 }, env),
    maxCost: envInt('MAX_QUERY_COST', DEFAULT_MAX_COST, { min: 100, max: 1_000_000_000 }, env),
  };
}

function depthOf(set: SelectionSetNode, context: ValidationContext, seen: Set<string>): number {
  let deepest = 0;
  for (const s of set.selections) {
    if (s.kind === Kind.FIELD) deepest = Math.max(deepest, s.selectionSet ? 1 + depthOf(s.selectionSet, context, seen) : 1);
    else if (s.kind === Kind.INLINE_FRAGMENT) deepest = Math.max(deepest, depthOf(s.selectionSet, context, seen));
    else if (!seen.has(s.name.value)) {
      const fragment = context.getFragment(s.name.value);
      if (fragment) deepest = Math.max(deepest, depthOf(fragment.selectionSet, context, new Set([...seen, s.name.value])));
    }
  }
  return deepest;
}

/** Validation rules enforcing the depth and alias limits, with messages that name the limit. */
export function limitRules(limits: QueryLimits): ((context: ValidationContext) => ASTVisitor)[] {
  const depth = (context: ValidationContext): ASTVisitor => ({
    OperationDefinition(node) {
      const d = depthOf(node.selectionSet, context, new Set());
      if (d > limits.maxDepth) {
        context.reportError(new GraphQLError(`operation ${node.name?.value ?? '(anonymous)'} is ${d} levels deep: at most ${limits.maxDepth} are allowed`, { nodes: [node], extensions: { code: 'QUERY_TOO_DEEP', limit: limits.maxDepth } }));
      }
    },
  });
  const aliases = (context: ValidationContext): ASTVisitor => {
    let count = 0;
    return {
      Field(node) {
        if (node.alias) count += 1;
      },
      Document: {
        leave() {
          if (count > limits.maxAliases) {
            context.reportError(new GraphQLError(`the document has ${count} aliased fields: at most ${limits.maxAliases} are allowed`, { extensions: { code: 'TOO_MANY_ALIASES', limit: limits.maxAliases } }));
          }
        },
      },
    };
  };
  return [depth, aliases];
}

/**
 * A request whose operationName names no operation of its document is the client's mistake:
 * answered 400 BAD_REQUEST here, before the gateway's planner would fail on it with a 500.
 */
export function knownOperationPlugin<C extends BaseContext>(): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, request }) {
          if (operation) return;
          const name = request.operationName;
          throw new GraphQLError(
            name ? `unknown operation named ${JSON.stringify(name)}: the document does not define it` : 'the document defines several operations: name the one to run in operationName',
            { extensions: { code: 'BAD_REQUEST', http: { status: 400 } } },
          );
        },
      };
    },
  };
}
