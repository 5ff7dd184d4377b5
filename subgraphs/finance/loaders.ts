import type { Knex } from 'knex';
import { groupLoader } from '../kit/loaders.js';
import { creditLoansOf, subsidiesOf } from './repository.js';

export function createFinanceLoaders(db: Knex) {
  return {
    subsidies: groupLoader((ids) => subsidiesOf(db, ids), (row) => row.subject_id),
    creditLoans: groupLoader((ids) => creditLoansOf(db, ids), (row) => row.subject_id),
  };
}

export type FinanceLoaders = ReturnType<typeof createFinanceLoaders>;
