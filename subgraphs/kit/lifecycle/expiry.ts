import type { Knex } from 'knex';
import { today } from '../clock.js';
import type { CreditRecordRow } from '../credit-records.js';
import { createLogger } from '../logger.js';
import { appendAudit, systemActor } from '../audit.js';
import { recordEntry } from './audit-entries.js';
import { currentVersion, writeVersion } from './versions.js';

/** Records expired per transaction; a batch that meets a concurrent change is redone one by one. */
const BATCH = 100;

/** The audit chain attributes expiries to the sweeper itself. */
const SWEEPER = systemActor('expiry-sweeper');

function candidates(db: Knex, asOf: string, limit: number, after: number): Promise<CreditRecordRow[]> {
  return db<CreditRecordRow>('credit_records')
    .whereNull('valid_to')
    .where('status', 'ACTIVE')
    .andWhere('valid_until', '<', asOf)
    .andWhere('row_id', '>', after)
    .orderBy('row_id')
    .limit(limit);
}

/** Expires one record inside `trx` if it is still ACTIVE and past its period; true when it did. */
async function expireOne(trx: Knex.Transaction, department: string, id: string, asOf: string): Promise<boolean> {
  const current = await currentVersion(trx, id);
  if (!current || current.status !== 'ACTIVE' || current.valid_until === null || current.valid_until >= asOf) return false;
  const written = await writeVersion(trx, department, current, { ...current, status: 'EXPIRED' }, 'EXPIRED');
  await appendAudit(trx, recordEntry(department, 'expireRecord', SWEEPER, written, { asOf }));
  return true;
}

/**
 * Records expire by themselves at the end of their period (`effectiveStatus` already reads them
 * as EXPIRED); this writes that down: a new version with status EXPIRED and an EXPIRED event, so
 * push subscribers learn that the entry ended. Returns how many records it expired.
 */
export async function sweepExpired(db: Knex, department: string, asOf: string = today()): Promise<number> {
  let expired = 0;
  let after = 0;
  for (;;) {
    const batch = await candidates(db, asOf, BATCH, after);
    if (batch.length === 0) return expired;
    after = Number(batch[batch.length - 1]!.row_id);
    try {
      expired += await db.transaction(async (trx) => {
        let n = 0;
        for (const row of batch) if (await expireOne(trx, department, row.id, asOf)) n++;
        return n;
      });
    } catch {
      // A record changed meanwhile (a correction, an objection): redo the batch one record at a
      // time, so the others still expire; one that fails again is retried at the next sweep.
      for (const row of batch) {
        try {
          if (await db.transaction((trx) => expireOne(trx, department, row.id, asOf))) expired++;
        } catch (err) {
          createLogger(department).warn(`record ${row.id} could not be expired now, retried at the next sweep: ${(err as Error).message}`, { recordId: row.id });
        }
      }
    }
    if (batch.length < BATCH) return expired;
  }
}

export interface ExpirySweeper {
  /** Stops the timer and waits for a sweep under way. */
  stop(): Promise<void>;
}

/**
 * Sweeps once now and then every `intervalMs` (0: never) until stopped. A failed sweep is logged
 * and retried at the next interval.
 */
export function startExpirySweeper(db: Knex, department: string, intervalMs: number): ExpirySweeper {
  if (intervalMs <= 0) return { stop: async () => {} };
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const log = createLogger(department);
  const run = (): void => {
    running = sweepExpired(db, department).then(
      (n) => {
        if (n > 0) log.info(`expired ${n} record${n === 1 ? '' : 's'} past the end of the period`, { expired: n });
      },
      (err: unknown) => log.error(`expiry sweep failed, retried in ${intervalMs} ms: ${(err as Error).message}`),
    );
    void running.then(() => {
      if (!stopped) timer = setTimeout(run, intervalMs).unref();
    });
  };
  run();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
