import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { ApolloServerPlugin } from '@apollo/server';
import { getOperationAST, GraphQLError, Kind, parse, print, visit, type DefinitionNode, type DocumentNode, type FragmentDefinitionNode, type OperationDefinitionNode } from 'graphql';
import type { Caller, Role } from '../subgraphs/kit/caller.js';
import { ConfigError } from '../subgraphs/kit/env.js';
import { ErrorCode } from '../subgraphs/kit/errors.js';

/** Roles that may run only registered operations when the safelist is on. */
const SAFELISTED_ROLES: readonly Role[] = ['APPROVAL_SYSTEM'];

/** The fragments an operation uses, followed transitively. */
function fragmentsUsed(operation: OperationDefinitionNode, fragments: Map<string, FragmentDefinitionNode>): FragmentDefinitionNode[] {
  const used = new Map<string, FragmentDefinitionNode>();
  const pending: DefinitionNode[] = [operation];
  while (pending.length > 0) {
    visit(pending.pop()!, {
      FragmentSpread(node) {
        const fragment = fragments.get(node.name.value);
        if (fragment && !used.has(node.name.value)) {
          used.set(node.name.value, fragment);
          pending.push(fragment);
        }
      },
    });
  }
  return [...used.values()].sort((a, b) => a.name.value.localeCompare(b.name.value));
}

/** One key per operation: SHA-256 of the printed operation and its fragments (whitespace and comments do not matter). */
function operationKey(operation: OperationDefinitionNode, fragments: Map<string, FragmentDefinitionNode>): string {
  const text = [operation, ...fragmentsUsed(operation, fragments)].map((d) => print(d)).join('\n');
  return createHash('sha256').update(text).digest('hex');
}

function fragmentsOf(document: DocumentNode): Map<string, FragmentDefinitionNode> {
  return new Map(document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((f) => [f.name.value, f]));
}

/**
 * The registered operations an approval system may run when SAFELIST_FILE is set: a GraphQL file
 * of named operations (and their fragments). A client sends one of them as it is written there
 * (layout and comments may differ); anything else is refused with FORBIDDEN, rule `safelist`.
 */
export class Safelist {
  private readonly keys = new Map<string, string>();
  private readonly decided = new WeakMap<DocumentNode, Map<string, string | null>>();

  constructor(source: string, origin: string) {
    let document: DocumentNode;
    try {
      document = parse(source);
    } catch (err) {
      throw new ConfigError(`${origin} is not a GraphQL document: ${(err as Error).message}`);
    }
    const fragments = fragmentsOf(document);
    for (const definition of document.definitions) {
      if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
      if (!definition.name) throw new ConfigError(`${origin}: every registered operation needs a name (line ${definition.loc?.startToken.line ?? '?'})`);
      this.keys.set(operationKey(definition, fragments), definition.name.value);
    }
    if (this.keys.size === 0) throw new ConfigError(`${origin} registers no operation: expected named queries or mutations`);
  }

  static fromFile(file: string): Safelist {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new ConfigError(`SAFELIST_FILE ${file} could not be read: ${(err as Error).message}`);
    }
    return new Safelist(text, `SAFELIST_FILE ${file}`);
  }

  get size(): number {
    return this.keys.size;
  }

  /** The registered name of the operation the request runs, or null when it is not registered. */
  registeredName(document: DocumentNode, operationName: string | null | undefined): string | null {
    let byName = this.decided.get(document);
    if (!byName) this.decided.set(document, (byName = new Map()));
    const cached = byName.get(operationName ?? '');
    if (cached !== undefined) return cached;
    const operation = getOperationAST(document, operationName);
    const name = operation ? (this.keys.get(operationKey(operation, fragmentsOf(document))) ?? null) : null;
    byName.set(operationName ?? '', name);
    return name;
  }
}

/** Refuses, for the safelisted roles, any operation the safelist does not register. */
export function safelistPlugin<C extends { caller: Caller | null }>(safelist: Safelist): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operationName, request, contextValue }) {
          const caller = contextValue.caller;
          if (!caller || !SAFELISTED_ROLES.includes(caller.role)) return;
          if (safelist.registeredName(document, operationName ?? request.operationName) !== null) return;
          throw new GraphQLError(
            `forbidden by rule safelist: ${caller.role} ${caller.clientId} may run only the ${safelist.size} registered operations (SAFELIST_FILE); this operation is not one of them`,
            { extensions: { code: ErrorCode.Forbidden, rule: 'safelist', http: { status: 403 } } },
          );
        },
      };
    },
  };
}
