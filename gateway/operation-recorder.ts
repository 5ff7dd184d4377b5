import { createHash } from 'node:crypto';
import type { ApolloServerPlugin } from '@apollo/server';
import { usageReportingSignature } from '@apollo/utils.usagereporting';
import type { RegistryStore, ObservedOperationRow } from '../subgraphs/registry/store.js';
import { createLogger } from '../subgraphs/kit/logger.js';
import type { GatewayContext } from './subgraph-datasource.js';

const log = createLogger('gateway');

/**
 * Records which operations each client runs (signature with literals stripped, last seen), for
 * the registry's operation check. Kept in memory and written in batches, off the request path.
 */
export class OperationRecorder {
  private pending = new Map<string, ObservedOperationRow>();
  private readonly signatures = new Map<string, { signature: string; hash: string }>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly store: RegistryStore, flushMs: number) {
    this.timer = setInterval(() => void this.flush().catch((err: unknown) => log.error(`recording operations failed: ${(err as Error).message}`)), flushMs);
    this.timer.unref();
  }

  plugin(): ApolloServerPlugin<GatewayContext> {
    return {
      requestDidStart: async () => ({
        didResolveOperation: async ({ document, operationName, contextValue, source }) => {
          let sig = this.signatures.get(source);
          if (!sig) {
            const signature = usageReportingSignature(document, operationName ?? '');
            sig = { signature, hash: createHash('sha256').update(signature).digest('hex') };
            if (this.signatures.size > 5000) this.signatures.clear();
            this.signatures.set(source, sig);
          }
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
