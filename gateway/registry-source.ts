import { readFileSync } from 'node:fs';
import type { SupergraphSdlHook } from '@apollo/gateway';
import type { Knex } from 'knex';
import { migrate, openDatabase, type DatabaseConfig } from '../subgraphs/kit/database.js';
import { registryTables } from '../subgraphs/registry/migrations/20261127002000_registry.js';
import { RegistryStore } from '../subgraphs/registry/store.js';

/**
 * Where the gateway gets its supergraph: the last accepted version in the registry database,
 * polled so that every gateway process sharing the registry converges on a new version within a
 * poll interval, never from live introspection. Until the registry holds a version the supergraph
 * file is served.
 */
export class RegistrySource {
  version = 0;
  private timer: NodeJS.Timeout | undefined;

  private constructor(
    readonly store: RegistryStore,
    private readonly db: Knex,
    private readonly fallbackFile: string,
    private readonly pollMs: number,
  ) {}

  static async open(database: DatabaseConfig, fallbackFile: string, pollMs: number): Promise<RegistrySource> {
    const db = await openDatabase(database);
    await migrate(db, [registryTables]);
    return new RegistrySource(new RegistryStore(db), db, fallbackFile, pollMs);
  }

  /** The hook ApolloGateway calls once: the initial supergraph, then `update` on every new version. */
  hook(onUpdate: (version: number) => void = () => {}): SupergraphSdlHook {
    return async ({ update }) => {
      const latest = await this.store.latest();
      this.version = latest?.version ?? 0;
      const initial = latest?.supergraph_sdl ?? readFileSync(this.fallbackFile, 'utf8');
      let busy = false;
      this.timer = setInterval(() => {
        if (busy) return;
        busy = true;
        this.poll(update, onUpdate)
          .catch((err: unknown) => console.error(`gateway: registry poll failed: ${(err as Error).message}`))
          .finally(() => {
            busy = false;
          });
      }, this.pollMs);
      this.timer.unref();
      return { supergraphSdl: initial, cleanup: async () => clearInterval(this.timer) };
    };
  }

  private async poll(update: (sdl: string) => void, onUpdate: (version: number) => void): Promise<void> {
    const latest = await this.store.latestVersion();
    if (latest <= this.version) return;
    const row = await this.store.version(latest);
    if (!row) return;
    update(row.supergraph_sdl);
    this.version = row.version;
    onUpdate(row.version);
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.db.destroy();
  }
}
