import type { Knex } from 'knex';
import { readsOf } from '../kit/sql.js';

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
  return readsOf(db).all<TaxGradeRow>('select * from tax_credit_grades where subject_id in (?) order by year', [subjectIds]);
}

export function arrearsOf(db: Knex, subjectIds: readonly string[]): Promise<TaxArrearRow[]> {
  return readsOf(db).all<TaxArrearRow>('select * from tax_arrears where subject_id in (?) order by since, arrear_id', [subjectIds]);
}
