import type { Knex } from 'knex';
import { readsOf } from '../kit/sql.js';

export interface DebtorCaseRow {
  case_no: string;
  subject_id: string;
  court: string;
  filed_on: string;
  amount: string | number;
  performed: number | boolean;
  performed_on: string | null;
}

export interface ConsumptionRestrictionRow {
  order_no: string;
  case_no: string;
  subject_id: string;
  on_behalf_of: string | null;
  issued_on: string;
  lifted_on: string | null;
}

export function debtorCasesOf(db: Knex, subjectIds: readonly string[]): Promise<DebtorCaseRow[]> {
  return readsOf(db).all<DebtorCaseRow>('select * from debtor_cases where subject_id in (?) order by filed_on', [subjectIds]);
}

export function restrictionsOf(db: Knex, subjectIds: readonly string[]): Promise<ConsumptionRestrictionRow[]> {
  return readsOf(db).all<ConsumptionRestrictionRow>('select * from consumption_restrictions where subject_id in (?) order by issued_on', [subjectIds]);
}
