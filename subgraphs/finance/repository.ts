import type { Knex } from 'knex';

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
  return db<SubsidyRow>('fiscal_subsidies').whereIn('subject_id', subjectIds).orderBy(['granted_on', 'grant_no']);
}

export function creditLoansOf(db: Knex, subjectIds: readonly string[]): Promise<CreditLoanRow[]> {
  return db<CreditLoanRow>('credit_loans').whereIn('subject_id', subjectIds).orderBy(['granted_on', 'contract_no']);
}
