import type { Knex } from 'knex';
import { groupLoader, oneLoader } from '../kit/loaders.js';
import { decisionsOf, registrationsOf, representationsOf } from './repository.js';

export function createMarketLoaders(db: Knex) {
  return {
    registrations: oneLoader((ids) => registrationsOf(db, ids), (row) => row.subject_id),
    decisions: groupLoader((ids) => decisionsOf(db, ids), (row) => row.subject_id),
    representations: groupLoader((ids) => representationsOf(db, ids), (row) => row.person_id),
  };
}

export type MarketLoaders = ReturnType<typeof createMarketLoaders>;
