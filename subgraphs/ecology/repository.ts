import type { Knex } from 'knex';
import { readsOf } from '../kit/sql.js';

export interface DischargePermitRow {
  permit_no: string;
  subject_id: string;
  issued_on: string;
  valid_until: string;
  /** JSON array of pollutant names. */
  pollutants: string;
  status: string;
}

export interface EnvironmentalPenaltyRow {
  decision_no: string;
  subject_id: string;
  decided_on: string;
  violation: string;
  amount: string | number | null;
  authority: string;
}

export function dischargePermitsOf(db: Knex, subjectIds: readonly string[]): Promise<DischargePermitRow[]> {
  return readsOf(db).all<DischargePermitRow>('select * from discharge_permits where subject_id in (?) order by issued_on, permit_no', [subjectIds]);
}

export function environmentalPenaltiesOf(db: Knex, subjectIds: readonly string[]): Promise<EnvironmentalPenaltyRow[]> {
  return readsOf(db).all<EnvironmentalPenaltyRow>('select * from environmental_penalties where subject_id in (?) order by decided_on, decision_no', [subjectIds]);
}
