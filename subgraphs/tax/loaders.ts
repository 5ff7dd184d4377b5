import type { Knex } from 'knex';
import { groupLoader } from '../kit/loaders.js';
import { arrearsOf, gradesOf } from './repository.js';

export function createTaxLoaders(db: Knex) {
  return {
    grades: groupLoader((ids) => gradesOf(db, ids), (row) => row.subject_id),
    arrears: groupLoader((ids) => arrearsOf(db, ids), (row) => row.subject_id),
  };
}

export type TaxLoaders = ReturnType<typeof createTaxLoaders>;
