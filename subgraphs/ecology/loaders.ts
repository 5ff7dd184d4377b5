import type { Knex } from 'knex';
import { groupLoader } from '../kit/loaders.js';
import { dischargePermitsOf, environmentalPenaltiesOf } from './repository.js';

export function createEcologyLoaders(db: Knex) {
  return {
    dischargePermits: groupLoader((ids) => dischargePermitsOf(db, ids), (row) => row.subject_id),
    environmentalPenalties: groupLoader((ids) => environmentalPenaltiesOf(db, ids), (row) => row.subject_id),
  };
}

export type EcologyLoaders = ReturnType<typeof createEcologyLoaders>;
