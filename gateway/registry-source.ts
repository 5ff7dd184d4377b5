import { readFileSync } from 'node:fs';
import type { SupergraphSdlHook } from '@apollo/gateway';
import type { Knex } from 'knex';
import { migrate, openDatabase, type DatabaseConfig } from '../subgraphs/kit/database.js';
import { createLogger } from '../subgraphs/kit/logger.js';
import { REGISTRY_MIGRATIONS } from '../subgraphs/registry/migrations/index.js';
import { RegistryStore } from '../subgraphs/registry/store.js';

const log = createLogger('gateway');

/** The supergraph version a gateway serves, as the status page shows it. */
export interface ServedVersion {
  version: number;
  composedAt: string;
  supergraphHash: string;
  /** Each subgraph of the version with the hash of its SDL and the URL it was registered with. */
  subgraphs: { name: string; url: string; sdlHash: string; publishedAt: string }[];
}

/**
 * Where the gateway gets its supergraph: the last accepted version in the registry database,
 * polled so that every gateway process sharing the registry converges on a new version within a
 * poll interval, never from live introspection. Until the registry holds a version the supergraph
 * file is served.
 */
export class RegistrySource {
  version = 0;
  /** True once the initial supergraph was read (from the registry, or the file while it holds none). */
  loaded = false;
  private timer: NodeJS.Timeout | undefined;

  private constructor(
    readonly store: RegistryStore,
    private readonly db: Knex,
    private readonly fallbackFile: string,
    private readonly pollMs: number,
  ) {}

  static async open(database: DatabaseConfig, fallbackFile: string, pollMs: number): Promise<RegistrySource> {
    const db = await openDatabase(database);
    await migrate(db, REGISTRY_MIGRATIONS);
    return new RegistrySource(new RegistryStore(db), db, fallbackFile, pollMs);
  }

  /** The hook ApolloGateway calls once: the initial supergraph, then `update` on every new version. */
  hook(onUpdate: (version: number) => void = () => {}): SupergraphSdlHook {
    return async ({ update }) => {
      const latest = await this.store.latest();
      this.version = latest?.version ?? 0;
      const initial = latest?.supergraph_sdl ?? readFileSync(this.fallbackFile, 'utf8');
      this.loaded = true;
      let busy = false;
      this.timer = setInterval(() => {
        if (busy) return;
        busy = true;
        this.poll(update, onUpdate)
          .catch((err: unknown) => log.error(`registry poll failed: ${(err as Error).message}`))
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

  /** The registry row of the version served, with its subgraphs; null before the registry holds one. */
  async served(): Promise<ServedVersion | null> {
    const row = this.version > 0 ? await this.store.version(this.version) : null;
    if (!row) return null;
    const members = await this.store.members(row);
    return {
      version: row.version,
      composedAt: row.composed_at,
      supergraphHash: row.supergraph_hash,
      subgraphs: members.map((m) => ({ name: m.name, url: m.url, sdlHash: m.sdlHash, publishedAt: m.publishedAt })),
    };
  }

  /** Whether the registry database answers a trivial statement now. */
  async reachable(): Promise<boolean> {
    try {
      await this.db.raw('select 1');
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.db.destroy();
  }
}
