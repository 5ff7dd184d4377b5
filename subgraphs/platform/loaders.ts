import DataLoader from 'dataloader';
import type { Knex } from 'knex';
import { findChecks, storeChecks, type AuditedCheck, type StoredCheck } from './check/repository.js';
import { feedbackOf } from './feedback/repository.js';
import { insertPersonLookups, type PersonLookupRow } from './lookups/repository.js';
import { groupLoader } from '../kit/loaders.js';
import { currentMeasures, measuresAsOf } from './measures/repository.js';
import type { MeasureVersion } from './measures/types.js';

/** Per-request loaders of the platform: one statement per batch, whatever the batch size. */
export function createPlatformLoaders(db: Knex) {
  return {
    /** The catalogue as it stands, read once per request. */
    currentMeasures: new DataLoader<'current', MeasureVersion[]>(async (keys) => {
      const measures = await currentMeasures(db);
      return keys.map(() => measures);
    }),
    /** The catalogue in force at a moment, for replays. */
    measuresAsOf: new DataLoader<string, MeasureVersion[]>((moments) => Promise.all(moments.map((at) => measuresAsOf(db, at)))),
    /**
     * Stores the checks of a batch with one insert (and their audit entries with one more); a check
     * is answered only once it is stored.
     */
    checkWriter: new DataLoader<AuditedCheck, StoredCheck>(
      async (checks) => {
        await storeChecks(db, checks);
        return checks.map((c) => c.check);
      },
      { cache: false, maxBatchSize: 1000 },
    ),
    /** Records the persons a request looks up: the lookups of a batch with one insert per 200; each answered once stored. */
    personLookups: new DataLoader<PersonLookupRow, true>(
      async (rows) => {
        await insertPersonLookups(db, rows);
        return rows.map(() => true as const);
      },
      { cache: false, maxBatchSize: 1000 },
    ),
    feedback: groupLoader((checkIds) => feedbackOf(db, checkIds), (row) => row.check_id),
    checks: new DataLoader<string, StoredCheck | null>(async (ids) => {
      const found = new Map((await findChecks(db, ids)).map((c) => [c.checkId, c]));
      return ids.map((id) => found.get(id) ?? null);
    }),
  };
}

export type PlatformLoaders = ReturnType<typeof createPlatformLoaders>;
