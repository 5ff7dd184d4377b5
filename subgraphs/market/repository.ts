import type { Knex } from 'knex';
import { readsOf } from '../kit/sql.js';

/** 登记状态 Registration status of an enterprise, as stored in `registrations.status`. */
export type RegistrationStatus = 'EXISTING' | 'SUSPENDED' | 'REVOKED' | 'CANCELLED' | 'RESCINDED' | 'MOVED_OUT';
export const REGISTRATION_STATUSES: readonly RegistrationStatus[] = ['EXISTING', 'SUSPENDED', 'REVOKED', 'CANCELLED', 'RESCINDED', 'MOVED_OUT'];

/** 决定类型 Kind of an administrative decision under double publicity (双公示). */
export type AdministrativeDecisionKind = 'LICENCE' | 'PENALTY';
export const ADMINISTRATIVE_DECISION_KINDS: readonly AdministrativeDecisionKind[] = ['LICENCE', 'PENALTY'];

/** 任职身份 The capacity in which a person represents or answers for an enterprise. */
export type RepresentativeRole = 'LEGAL_REPRESENTATIVE' | 'PRINCIPAL' | 'DIRECTLY_RESPONSIBLE';
export const REPRESENTATIVE_ROLES: readonly RepresentativeRole[] = ['LEGAL_REPRESENTATIVE', 'PRINCIPAL', 'DIRECTLY_RESPONSIBLE'];

/** A row of `registrations`: one registered enterprise (市场主体登记). */
export interface RegistrationRow {
  subject_id: string;
  name: string;
  enterprise_type: string;
  legal_representative_id: string;
  legal_representative_name: string;
  status: RegistrationStatus;
  region: string;
  registered_capital: string | number | null;
  established_on: string;
  address: string;
}

/** A row of `administrative_decisions`: an administrative licence or penalty (双公示). */
export interface AdministrativeDecisionRow {
  decision_no: string;
  subject_id: string;
  kind: AdministrativeDecisionKind;
  title: string;
  content: string;
  decided_on: string;
  published_on: string | null;
  authority: string;
  amount: string | number | null;
}

/** A row of `representations`: a person's stint as representative or responsible person of an enterprise. */
export interface RepresentationRow {
  enterprise_id: string;
  person_id: string;
  role: RepresentativeRole;
  from_date: string;
  to_date: string | null;
}

export function registrationsOf(db: Knex, subjectIds: readonly string[]): Promise<RegistrationRow[]> {
  return readsOf(db).all<RegistrationRow>('select * from registrations where subject_id in (?)', [subjectIds]);
}

/** Licences and penalties of many subjects in one statement; the view splits them by kind. */
export function decisionsOf(db: Knex, subjectIds: readonly string[]): Promise<AdministrativeDecisionRow[]> {
  return readsOf(db).all<AdministrativeDecisionRow>('select * from administrative_decisions where subject_id in (?) order by decided_on, decision_no', [subjectIds]);
}

export function representationsOf(db: Knex, personIds: readonly string[]): Promise<RepresentationRow[]> {
  return readsOf(db).all<RepresentationRow>('select * from representations where person_id in (?) order by from_date, enterprise_id', [personIds]);
}
