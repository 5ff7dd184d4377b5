import type { FetchFailure, FetchObserver } from './observed-datasource.js';

/** Counts of one source in one time slot. */
interface Slot {
  /** Start of the slot, epoch ms. */
  start: number;
  fetches: number;
  failedFetches: number;
  probes: number;
  failedProbes: number;
}

/** One source's availability in one time slot, as the dashboard charts it. */
export interface AvailabilityPoint {
  /** Start of the slot (ISO 8601). */
  at: string;
  /** Fetches and readiness probes that succeeded and failed in the slot. */
  ok: number;
  failed: number;
  /** ok / (ok + failed), or null when nothing was seen in the slot. */
  availability: number | null;
}

export interface AvailabilityHistory {
  generatedAt: string;
  slotMinutes: number;
  sources: { name: string; points: AvailabilityPoint[] }[];
}

/**
 * The last day of each source's availability, in memory: per time slot (5 minutes by default),
 * how many of the gateway's fetches to it and readiness probes of it succeeded or failed. It is
 * the gateway's own view, as its metrics are, kept small (a day of slots per source) so the
 * dashboard can chart it without a metrics server; a restart starts it afresh.
 */
export class SourceAvailability implements FetchObserver {
  private readonly slots = new Map<string, Slot[]>();
  private readonly slotMs: number;
  private readonly keep: number;

  constructor(
    slotMinutes = 5,
    windowHours = 24,
    private readonly now: () => number = Date.now,
  ) {
    this.slotMs = slotMinutes * 60_000;
    this.keep = Math.ceil((windowHours * 60) / slotMinutes);
  }

  private slot(source: string): Slot {
    const start = Math.floor(this.now() / this.slotMs) * this.slotMs;
    let list = this.slots.get(source);
    if (!list) this.slots.set(source, (list = []));
    let last = list[list.length - 1];
    if (last?.start !== start) {
      list.push((last = { start, fetches: 0, failedFetches: 0, probes: 0, failedProbes: 0 }));
      while (list.length > 0 && list[0]!.start <= start - this.keep * this.slotMs) list.shift();
    }
    return last;
  }

  fetched(source: string, _seconds: number, failures: readonly FetchFailure[]): void {
    const slot = this.slot(source);
    slot.fetches += 1;
    // Only a source that did not answer counts as unavailable; errors it answered do not.
    if (failures.some((f) => f.code === 'SOURCE_UNAVAILABLE')) slot.failedFetches += 1;
  }

  probed(source: string, up: boolean): void {
    const slot = this.slot(source);
    slot.probes += 1;
    if (!up) slot.failedProbes += 1;
  }

  /** Every slot of the window (a day by default), oldest first, for each source seen. */
  history(): AvailabilityHistory {
    const current = Math.floor(this.now() / this.slotMs) * this.slotMs;
    const first = current - (this.keep - 1) * this.slotMs;
    const sources = [...this.slots.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, list]) => {
        const byStart = new Map(list.map((s) => [s.start, s]));
        const points: AvailabilityPoint[] = [];
        for (let start = first; start <= current; start += this.slotMs) {
          const s = byStart.get(start);
          const failed = s ? s.failedFetches + s.failedProbes : 0;
          const ok = s ? s.fetches + s.probes - failed : 0;
          points.push({ at: new Date(start).toISOString(), ok, failed, availability: ok + failed === 0 ? null : ok / (ok + failed) });
        }
        return { name, points };
      });
    return { generatedAt: new Date(this.now()).toISOString(), slotMinutes: this.slotMs / 60_000, sources };
  }
}
