import type { ServedVersion } from './registry-source.js';
import type { ClientErrorSummary, SourceError, SourceErrorSummary } from './source-errors.js';
import type { SubgraphHealth } from './subgraph-probe.js';

/** A registered subgraph as the status page shows it: its health, and its version when the registry has one. */
export interface SubgraphStatus extends SubgraphHealth {
  /** SHA-256 of the SDL registered for the version served; null when serving a file. */
  sdlHash: string | null;
  publishedAt: string | null;
}

/** Everything `/status` and `/status.json` show, and what `/health/ready` decides on. */
export interface GatewayStatus {
  generatedAt: string;
  startedAt: string;
  /** Registry loaded, its database reachable, and every subgraph up or marked down. */
  ready: boolean;
  supergraph: {
    /** `registry`: a version of the registry; `file`: a supergraph file (explicitly, or while the registry is empty). */
    source: 'registry' | 'file';
    version: number;
    composedAt: string | null;
    /** SHA-256 of the supergraph SDL served. */
    hash: string;
  };
  /** null when the gateway serves a file and has no registry. */
  registry: { loaded: boolean; databaseReachable: boolean } | null;
  subgraphs: SubgraphStatus[];
  /**
   * Recent subgraph failures: counted by source, by the client that saw them (each client's kept
   * apart, so a busy client cannot hide another's), and the newest, each with its client.
   */
  errors: { bySource: SourceErrorSummary[]; byClient: ClientErrorSummary[]; recent: SourceError[] };
}

/** Joins probe results with the registry's record of the version served. */
export function subgraphStatuses(health: readonly SubgraphHealth[], served: ServedVersion | null): SubgraphStatus[] {
  const registered = new Map((served?.subgraphs ?? []).map((s) => [s.name, s]));
  return health.map((h) => ({ ...h, sdlHash: registered.get(h.name)?.sdlHash ?? null, publishedAt: registered.get(h.name)?.publishedAt ?? null }));
}
