/** The rows the seed writes, per department database and table, in insertion order. */
import type { CreditRecordRow } from '../../subgraphs/kit/credit-records.js';
import type { ConsumptionRestrictionRow, DebtorCaseRow } from '../../subgraphs/courts/repository.js';
import type { CreditLoanRow, SubsidyRow } from '../../subgraphs/finance/repository.js';
import type { ObjectionRow } from '../../subgraphs/kit/lifecycle/objections.js';
import type { RepairRow } from '../../subgraphs/kit/lifecycle/repair.js';
import type { AdministrativeDecisionRow, RegistrationRow, RepresentationRow } from '../../subgraphs/market/repository.js';
import type { TaxArrearRow, TaxGradeRow } from '../../subgraphs/tax/repository.js';

/** A `tax_arrears` row as inserted: `arrear_id` is assigned by the database. */
export type NewTaxArrearRow = Omit<TaxArrearRow, 'arrear_id'>;
/** A `credit_records` row as inserted: `row_id` is assigned by the database. */
export type NewCreditRecordRow = Omit<CreditRecordRow, 'row_id'>;

/** Objections and repair applications: every department's cases (scripts/demo-data/activity.ts). */
interface Cases {
  objections: ObjectionRow[];
  repair_applications: RepairRow[];
}

export interface SeedRows {
  tax: { credit_records: NewCreditRecordRow[]; tax_credit_grades: TaxGradeRow[]; tax_arrears: NewTaxArrearRow[] } & Cases;
  market: {
    credit_records: NewCreditRecordRow[];
    registrations: RegistrationRow[];
    administrative_decisions: AdministrativeDecisionRow[];
    representations: RepresentationRow[];
  } & Cases;
  courts: { credit_records: NewCreditRecordRow[]; debtor_cases: DebtorCaseRow[]; consumption_restrictions: ConsumptionRestrictionRow[] } & Cases;
  finance: { credit_records: NewCreditRecordRow[]; fiscal_subsidies: SubsidyRow[]; credit_loans: CreditLoanRow[] } & Cases;
}

export type Department = keyof SeedRows;
export const DEPARTMENT_NAMES: readonly Department[] = ['tax', 'market', 'courts', 'finance'];

export function emptyRows(): SeedRows {
  return {
    tax: { credit_records: [], tax_credit_grades: [], tax_arrears: [], objections: [], repair_applications: [] },
    market: { credit_records: [], registrations: [], administrative_decisions: [], representations: [], objections: [], repair_applications: [] },
    courts: { credit_records: [], debtor_cases: [], consumption_restrictions: [], objections: [], repair_applications: [] },
    finance: { credit_records: [], fiscal_subsidies: [], credit_loans: [], objections: [], repair_applications: [] },
  };
}

/** The tables of a department, in the order they are filled. */
export function tablesOf(rows: SeedRows, department: Department): [table: string, rows: readonly object[]][] {
  return Object.entries(rows[department]) as [string, object[]][];
}

/** Every seeded table of every department: what `--if-empty` and the summary look at. */
export const SEEDED_TABLES: readonly [Department, string][] = DEPARTMENT_NAMES.flatMap((d) =>
  Object.keys(emptyRows()[d]).map((t) => [d, t] as [Department, string]),
);
