import type { Knex } from 'knex';

export type TaxCreditGrade = 'A' | 'B' | 'M' | 'C' | 'D';

export interface TaxGradeRow {
  subject_id: string;
  year: number;
  grade: TaxCreditGrade;
  rated_on: string;
}

export interface TaxArrearRow {
  arrear_id?: number;
  subject_id: string;
  tax_type: string;
  amount: string | number;
  since: string;
  settled_on: string | null;
}

export function gradesOf(db: Knex, subjectIds: readonly string[]): Promise<TaxGradeRow[]> {
  return db<TaxGradeRow>('tax_credit_grades').whereIn('subject_id', subjectIds).orderBy('year');
}

export function arrearsOf(db: Knex, subjectIds: readonly string[]): Promise<TaxArrearRow[]> {
  return db<TaxArrearRow>('tax_arrears').whereIn('subject_id', subjectIds).orderBy(['since', 'arrear_id']);
}
