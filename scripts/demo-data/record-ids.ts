/**
 * Record ids: `<department>-` + 12 hex characters. A Feistel network permutes 48-bit counters, so
 * the ids look random yet never repeat; the counter is derived from the subject and the record's
 * number within it, so an id does not depend on chunking. The counter names the subject (and so
 * its identity number), so the network is keyed with the run's seed *and* RECORD_ID_SECRET: with
 * the seed alone, which is public, nobody can run it backwards from an id to the person.
 */
import { demoRecordIdKey } from '../../subgraphs/kit/record-ids.js';
import { mix32 } from './random.js';

const HALF = 2 ** 24;
const ROUNDS = 4;
/** Per subject at most this many records; counters are `subjectKey * RECORDS_PER_SUBJECT + k`. */
export const RECORDS_PER_SUBJECT = 64;
/** Population counters stay below this; a clash with a showcase id moves to the spare range above. */
const SPARE = 2 ** 46;

export class RecordIds {
  private readonly keys: number[];

  constructor(seed: number, private readonly reserved: ReadonlySet<string> = new Set()) {
    this.keys = Array.from({ length: ROUNDS }, (_, r) => demoRecordIdKey(seed, r));
  }

  /** A bijection on [0, 2^48). */
  private permute(counter: number): number {
    let left = Math.floor(counter / HALF);
    let right = counter % HALF;
    for (const key of this.keys) {
      const f = mix32((right ^ key) >>> 0) % HALF;
      [left, right] = [right, (left ^ f) % HALF];
    }
    return left * HALF + right;
  }

  /**
   * The id of record `k` (0-based) of subject `subjectKey` in `department`. `subjectKey` must be
   * below 2^40 / RECORDS_PER_SUBJECT; ids of distinct (subjectKey, k) never collide.
   */
  id(department: string, subjectKey: number, k: number): string {
    if (k >= RECORDS_PER_SUBJECT) throw new Error(`more than ${RECORDS_PER_SUBJECT} records for one subject`);
    let counter = subjectKey * RECORDS_PER_SUBJECT + k;
    for (;;) {
      const id = `${department}-${this.permute(counter).toString(16).padStart(12, '0')}`;
      if (!this.reserved.has(id)) return id;
      counter += SPARE;
    }
  }
}
