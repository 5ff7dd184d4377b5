import type { Knex } from 'knex';

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
  return db<DebtorCaseRow>('debtor_cases').whereIn('subject_id', subjectIds).orderBy('filed_on');
}

export function restrictionsOf(db: Knex, subjectIds: readonly string[]): Promise<ConsumptionRestrictionRow[]> {
  return db<ConsumptionRestrictionRow>('consumption_restrictions').whereIn('subject_id', subjectIds).orderBy('issued_on');
}
