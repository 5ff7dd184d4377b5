import type { Knex } from 'knex';
import { appendAudit, systemActor, type AuditActor } from '../kit/audit.js';
import { sha256Hex as sha256 } from '../kit/audit.js';


export type Action = 'BOOTSTRAP' | 'PUBLISH' | 'REMOVE' | 'ROLLBACK';

/** The audit action of each kind of supergraph version. */
const AUDIT_ACTIONS: Record<Action, string> = {
  BOOTSTRAP: 'registry.bootstrap',
  PUBLISH: 'registry.publishSubgraph',
  REMOVE: 'registry.removeSubgraph',
  ROLLBACK: 'registry.rollback',
};

export interface SubgraphVersionRow {
  id: number;
  name: string;
  url: string;
  sdl: string;
  sdl_hash: string;
  published_by: string;
  published_at: string;
}

export interface SupergraphVersionRow {
  version: number;
  supergraph_sdl: string;
  supergraph_hash: string;
  members: string;
  action: Action;
  subgraph: string | null;
  rollback_of: number | null;
  forced: number | boolean;
  published_by: string;
  composed_at: string;
}

export interface Member {
  name: string;
  url: string;
  sdl: string;
}

export interface ObservedOperationRow {
  signature_hash: string;
  client_id: string;
  signature: string;
  operation_name: string | null;
  last_seen: string;
}

/** Thrown when another publish got in first; the caller re-reads and checks again. */
export class StaleVersion extends Error {
  override name = 'StaleVersion';
}

/** The registry database: subgraph SDL versions, supergraph versions and observed operations. */
export class RegistryStore {
  constructor(readonly db: Knex) {}

  async latest(): Promise<SupergraphVersionRow | null> {
    return (await this.db<SupergraphVersionRow>('supergraph_versions').orderBy('version', 'desc').first()) ?? null;
  }

  /** Only the number: what every gateway polls. */
  async latestVersion(): Promise<number> {
    const row = await this.db('supergraph_versions').max({ v: 'version' }).first();
    return Number(row?.v ?? 0);
  }

  async version(version: number): Promise<SupergraphVersionRow | null> {
    return (await this.db<SupergraphVersionRow>('supergraph_versions').where({ version }).first()) ?? null;
  }

  async history(limit: number): Promise<SupergraphVersionRow[]> {
    return this.db<SupergraphVersionRow>('supergraph_versions').orderBy('version', 'desc').limit(limit);
  }

  /** The subgraphs of a supergraph version, with their SDL. */
  async members(row: SupergraphVersionRow): Promise<(Member & { id: number; sdlHash: string; publishedAt: string; publishedBy: string })[]> {
    const ids = Object.values(JSON.parse(row.members) as Record<string, number>);
    const rows = ids.length === 0 ? [] : await this.db<SubgraphVersionRow>('subgraph_versions').whereIn('id', ids);
    return rows
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((r) => ({ id: r.id, name: r.name, url: r.url, sdl: r.sdl, sdlHash: r.sdl_hash, publishedAt: r.published_at, publishedBy: r.published_by }));
  }

  /**
   * Appends a supergraph version made of `members`, reusing stored subgraph versions whose name,
   * URL and SDL are unchanged, and its audit entry (SDL by their SHA-256), in one transaction.
   * Fails with StaleVersion if `expected` is no longer the latest. Without `actor` the change is
   * attributed to the registry itself (its bootstrap).
   */
  async append(
    expected: number,
    members: readonly Member[],
    supergraphSdl: string,
    meta: { action: Action; subgraph: string | null; rollbackOf?: number | null; forced: boolean; by: string; actor?: AuditActor },
  ): Promise<SupergraphVersionRow> {
    return this.db.transaction(async (trx) => {
      const latest = Number((await trx('supergraph_versions').max({ v: 'version' }).first())?.v ?? 0);
      if (latest !== expected) throw new StaleVersion(`the registry moved from version ${expected} to ${latest} meanwhile`);
      const now = new Date().toISOString();
      const ids: Record<string, number> = {};
      const added: { id: number; name: string; url: string; sdlSha256: string }[] = [];
      for (const m of members) {
        const hash = sha256(m.sdl);
        const same = await trx<SubgraphVersionRow>('subgraph_versions').where({ name: m.name, url: m.url, sdl_hash: hash }).orderBy('id', 'desc').first();
        if (same) {
          ids[m.name] = same.id;
          continue;
        }
        const [id] = await trx('subgraph_versions').insert({ name: m.name, url: m.url, sdl: m.sdl, sdl_hash: hash, published_by: meta.by, published_at: now });
        ids[m.name] = Number(id);
        added.push({ id: Number(id), name: m.name, url: m.url, sdlSha256: hash });
      }
      const row: SupergraphVersionRow = {
        version: latest + 1,
        supergraph_sdl: supergraphSdl,
        supergraph_hash: sha256(supergraphSdl),
        members: JSON.stringify(ids),
        action: meta.action,
        subgraph: meta.subgraph,
        rollback_of: meta.rollbackOf ?? null,
        forced: meta.forced,
        published_by: meta.by,
        composed_at: now,
      };
      // The primary key on version makes a concurrent append of the same number fail.
      try {
        await trx('supergraph_versions').insert(row);
      } catch (err) {
        const e = err as { code?: string; message?: string };
        if (e.code === 'ER_DUP_ENTRY' || /UNIQUE constraint failed/.test(e.message ?? '')) throw new StaleVersion(`version ${row.version} was taken meanwhile`);
        throw err;
      }
      await appendAudit(trx, {
        actor: meta.actor ?? systemActor('registry'),
        action: AUDIT_ACTIONS[meta.action],
        entityId: `supergraph/${row.version}`,
        payload: {
          version: row.version,
          action: row.action,
          subgraph: row.subgraph,
          rollbackOf: row.rollback_of,
          forced: Boolean(row.forced),
          publishedBy: row.published_by,
          supergraphSha256: row.supergraph_hash,
          members: ids,
          subgraphVersionsAdded: added,
        },
      });
      return row;
    });
  }

  async recordOperations(ops: readonly ObservedOperationRow[]): Promise<void> {
    if (ops.length === 0) return;
    await this.db('observed_operations').insert(ops).onConflict(['signature_hash', 'client_id']).merge(['last_seen', 'operation_name']);
  }

  async operationsSince(since: string): Promise<ObservedOperationRow[]> {
    return this.db<ObservedOperationRow>('observed_operations').where('last_seen', '>=', since).orderBy('last_seen', 'desc');
  }
}
