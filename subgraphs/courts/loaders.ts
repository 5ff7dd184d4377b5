import type { Knex } from 'knex';
import { groupLoader } from '../kit/loaders.js';
import { debtorCasesOf, restrictionsOf } from './repository.js';

export function createCourtsLoaders(db: Knex) {
  return {
    debtorCases: groupLoader((ids) => debtorCasesOf(db, ids), (row) => row.subject_id),
    restrictions: groupLoader((ids) => restrictionsOf(db, ids), (row) => row.subject_id),
  };
}

export type CourtsLoaders = ReturnType<typeof createCourtsLoaders>;
