import type { Knex } from 'knex';
import { readsOf } from '../kit/sql.js';

export type LoanStanding = 'NORMAL' | 'OVERDUE' | 'SETTLED';

export interface SubsidyRow {
  grant_no: string;
  subject_id: string;
  programme: string;
  amount: string | number;
  granted_on: string;
  granting_authority: string;
}

export interface CreditLoanRow {
  contract_no: string;
  subject_id: string;
  lender: string;
  amount: string | number;
  granted_on: string;
  due_on: string;
  standing: LoanStanding;
  settled_on: string | null;
}

export function subsidiesOf(db: Knex, subjectIds: readonly string[]): Promise<SubsidyRow[]> {
  return readsOf(db).all<SubsidyRow>('select * from fiscal_subsidies where subject_id in (?) order by granted_on, grant_no', [subjectIds]);
}

export function creditLoansOf(db: Knex, subjectIds: readonly string[]): Promise<CreditLoanRow[]> {
  return readsOf(db).all<CreditLoanRow>('select * from credit_loans where subject_id in (?) order by granted_on, contract_no', [subjectIds]);
}
