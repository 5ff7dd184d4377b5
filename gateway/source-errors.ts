import { maskIdentityNumbersIn } from '../subgraphs/kit/identity-masking.js';

/** One failure of a subgraph fetch, as the status page lists it. */
export interface SourceError {
  /** ISO 8601 time of the failure. */
  at: string;
  /** The subgraph (source) that failed. */
  source: string;
  /** `extensions.code` of the error, e.g. SOURCE_UNAVAILABLE or INTERNAL_SERVER_ERROR. */
  code: string;
  message: string;
  /** The gateway request the fetch belonged to, to find it in the logs. */
  requestId: string | null;
  /** The client whose request saw the failure; null when none was authenticated (or unknown). */
  clientId?: string | null;
}

/** Failures of one source among those still kept. */
export interface SourceErrorSummary {
  source: string;
  count: number;
  lastAt: string;
  lastMessage: string;
}

/** Failures one client saw among those still kept. */
export interface ClientErrorSummary {
  /** null: requests without an authenticated client. */
  clientId: string | null;
  count: number;
  /** The sources that failed it, the one that failed last first. */
  sources: string[];
  lastAt: string;
  lastSource: string;
  lastMessage: string;
  lastRequestId: string | null;
}

interface Kept extends SourceError {
  seq: number;
}

/**
 * The last subgraph failures the gateway saw, in memory: enough for an operator to see what is
 * failing now and for whom, not a history (that is what the logs are for). Each client keeps its
 * own last `capacity` failures, so one busy client — the push relay polling a department that is
 * down, twice a second — cannot push another client's failures out of view. At most `maxClients`
 * clients are kept; beyond, the one whose last failure is oldest is forgotten.
 */
export class RecentSourceErrors {
  private readonly byClientId = new Map<string | null, Kept[]>();
  private seq = 0;

  constructor(
    readonly capacity = 200,
    readonly maxClients = 100,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be a whole number of at least 1, not ${capacity}`);
    if (!Number.isInteger(maxClients) || maxClients < 1) throw new RangeError(`maxClients must be a whole number of at least 1, not ${maxClients}`);
  }

  /** Keeps a failure; its message as analysts may read it (the status page is theirs): identity numbers masked. */
  add(failure: SourceError): void {
    const error = { ...failure, message: maskIdentityNumbersIn(failure.message) };
    const clientId = error.clientId ?? null;
    let kept = this.byClientId.get(clientId);
    if (!kept) {
      if (this.byClientId.size >= this.maxClients) this.forgetQuietestClient();
      kept = [];
      this.byClientId.set(clientId, kept);
    }
    kept.push({ ...error, clientId, seq: ++this.seq });
    if (kept.length > this.capacity) kept.splice(0, kept.length - this.capacity);
  }

  /** The newest failures first, every client's together, at most `limit`. */
  recent(limit = Infinity): SourceError[] {
    return [...this.byClientId.values()]
      .flat()
      .sort((a, b) => b.seq - a.seq)
      .slice(0, limit)
      .map(({ seq: _seq, ...error }) => error);
  }

  /** The failures kept, counted by source; the source that failed last first. */
  bySource(): SourceErrorSummary[] {
    const summaries = new Map<string, SourceErrorSummary>();
    for (const e of this.recent()) {
      const s = summaries.get(e.source);
      if (s) s.count += 1;
      else summaries.set(e.source, { source: e.source, count: 1, lastAt: e.at, lastMessage: e.message });
    }
    return [...summaries.values()];
  }

  /** The failures kept, counted by the client that saw them; the client that saw one last first. */
  byClient(): ClientErrorSummary[] {
    return [...this.byClientId.entries()]
      .filter(([, kept]) => kept.length > 0)
      .sort(([, a], [, b]) => b.at(-1)!.seq - a.at(-1)!.seq)
      .map(([clientId, kept]) => {
        const last = kept.at(-1)!;
        const sources: string[] = [];
        for (let i = kept.length - 1; i >= 0; i--) if (!sources.includes(kept[i]!.source)) sources.push(kept[i]!.source);
        return { clientId, count: kept.length, sources, lastAt: last.at, lastSource: last.source, lastMessage: last.message, lastRequestId: last.requestId };
      });
  }

  private forgetQuietestClient(): void {
    let quietest: string | null | undefined;
    let oldest = Infinity;
    for (const [clientId, kept] of this.byClientId) {
      const last = kept.at(-1)?.seq ?? 0;
      if (last < oldest) {
        oldest = last;
        quietest = clientId;
      }
    }
    if (quietest !== undefined) this.byClientId.delete(quietest);
  }
}
