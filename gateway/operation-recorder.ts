import { createHash } from 'node:crypto';
import type { ApolloServerPlugin } from '@apollo/server';
import {
  getOperationAST,
  Kind,
  print,
  visit,
  type ASTNode,
  type DocumentNode,
  type FragmentDefinitionNode,
  type ListValueNode,
} from 'graphql';
import type { RegistryStore, ObservedOperationRow } from '../subgraphs/registry/store.js';
import { createLogger } from '../subgraphs/kit/logger.js';
import type { GatewayContext } from './subgraph-datasource.js';

const log = createLogger('gateway');

/**
 * The operation a client ran, as it sent it — its aliases, fragments, variables and directives
 * kept, so that it still validates against the schema it ran on — with every literal value
 * normalised (strings to "", numbers to 0, lists to []): no subject id or case number is stored,
 * and operations that differ only in their values are one entry. Enum values, booleans and input
 * object field names are kept. Other operations of the document and fragments the operation does
 * not use are dropped. Null when the document has no such operation.
 */
export function operationAsSent(document: DocumentNode, operationName: string | null | undefined): string | null {
  const operation = getOperationAST(document, operationName);
  if (!operation) return null;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const used = new Set<string>();
  const pending: ASTNode[] = [operation];
  while (pending.length > 0) {
    visit(pending.pop()!, {
      FragmentSpread(node) {
        const name = node.name.value;
        if (used.has(name)) return;
        used.add(name);
        const fragment = fragments.get(name);
        if (fragment) pending.push(fragment);
      },
    });
  }
  const kept: DocumentNode = {
    kind: Kind.DOCUMENT,
    definitions: document.definitions.filter((d) => d === operation || (d.kind === Kind.FRAGMENT_DEFINITION && used.has(d.name.value))),
  };
  const normalised = visit(kept, {
    StringValue: () => ({ kind: Kind.STRING, value: '' }),
    IntValue: () => ({ kind: Kind.INT, value: '0' }),
    FloatValue: () => ({ kind: Kind.FLOAT, value: '0' }),
    ListValue: { leave: (node: ListValueNode) => ({ ...node, values: [] }) },
  });
  return print(normalised);
}

/**
 * Records which operations each client runs (as sent, literals normalised, last seen), for the
 * registry's operation check. Kept in memory and written in batches, off the request path.
 */
export class OperationRecorder {
  private pending = new Map<string, ObservedOperationRow>();
  private readonly signatures = new Map<string, { signature: string; hash: string } | null>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly store: RegistryStore, flushMs: number) {
    this.timer = setInterval(() => void this.flush().catch((err: unknown) => log.error(`recording operations failed: ${(err as Error).message}`)), flushMs);
    this.timer.unref();
  }

  plugin(): ApolloServerPlugin<GatewayContext> {
    return {
      requestDidStart: async () => ({
        didResolveOperation: async ({ document, operationName, contextValue, source }) => {
          const key = `${operationName ?? ''}\n${source}`;
          let sig = this.signatures.get(key);
          if (sig === undefined) {
            const signature = operationAsSent(document, operationName);
            sig = signature === null ? null : { signature, hash: createHash('sha256').update(signature).digest('hex') };
            if (this.signatures.size > 5000) this.signatures.clear();
            this.signatures.set(key, sig);
          }
          if (sig === null) return;
          const clientId = contextValue.caller.clientId;
          this.pending.set(`${sig.hash}/${clientId}`, {
            signature_hash: sig.hash,
            client_id: clientId,
            signature: sig.signature,
            operation_name: operationName ?? null,
            last_seen: new Date().toISOString(),
          });
        },
      }),
    };
  }

  async flush(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = [...this.pending.values()];
    this.pending = new Map();
    await this.store.recordOperations(batch);
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush().catch(() => {});
  }
}
