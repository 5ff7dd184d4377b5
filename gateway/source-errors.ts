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
}

/** Failures of one source among those still kept. */
export interface SourceErrorSummary {
  source: string;
  count: number;
  lastAt: string;
  lastMessage: string;
}

/**
 * The last `capacity` subgraph failures the gateway saw, in memory: enough for an operator to see
 * what is failing now, not a history (that is what the logs are for).
 */
export class RecentSourceErrors {
  private readonly entries: SourceError[] = [];
  private next = 0;

  constructor(readonly capacity = 200) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be a whole number of at least 1, not ${capacity}`);
  }

  /** Keeps a failure; its message as analysts may read it (the status page is theirs): identity numbers masked. */
  add(failure: SourceError): void {
    const error = { ...failure, message: maskIdentityNumbersIn(failure.message) };
    if (this.entries.length < this.capacity) this.entries.push(error);
    else this.entries[this.next] = error;
    this.next = (this.next + 1) % this.capacity;
  }

  /** The newest failures first, at most `limit`. */
  recent(limit = this.capacity): SourceError[] {
    const ordered = this.entries.length < this.capacity ? [...this.entries] : [...this.entries.slice(this.next), ...this.entries.slice(0, this.next)];
    return ordered.reverse().slice(0, limit);
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
}
