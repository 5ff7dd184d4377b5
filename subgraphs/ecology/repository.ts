import type { Knex } from 'knex';

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
  return db<DischargePermitRow>('discharge_permits').whereIn('subject_id', subjectIds).orderBy([{ column: 'issued_on' }, { column: 'permit_no' }]);
}

export function environmentalPenaltiesOf(db: Knex, subjectIds: readonly string[]): Promise<EnvironmentalPenaltyRow[]> {
  return db<EnvironmentalPenaltyRow>('environmental_penalties').whereIn('subject_id', subjectIds).orderBy([{ column: 'decided_on' }, { column: 'decision_no' }]);
}
