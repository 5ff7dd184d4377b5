import type { ListType } from '../../kit/credit-records.js';

export type MeasureKind = 'INCENTIVE' | 'PUNISHMENT';

export const MATTERS = [
  'ADMINISTRATIVE_LICENSE', 'FISCAL_FUNDS', 'PUBLIC_RESOURCE_TRADING', 'GOVERNMENT_PROCUREMENT', 'PROJECT_APPROVAL', 'HONORS',
  'SECURITIES_ISSUANCE', 'FINANCIAL_INSTITUTION_SETUP', 'FRANCHISE', 'KEY_PROJECT', 'INVESTMENT_PROMOTION', 'ROUTINE_INSPECTION',
  'FINANCIAL_SERVICES', 'MARKET_ENTRY', 'HIGH_CONSUMPTION', 'PUBLIC_SERVICES',
] as const;
export type Matter = (typeof MATTERS)[number];

/** A record triggers the measure when it matches every field the trigger names. */
export interface MeasureTrigger {
  listType?: ListType | null;
  department?: string | null;
  category?: string | null;
}

/** The content of a measure, as the credit office defines it. */
export interface MeasureContent {
  name: string;
  kind: MeasureKind;
  mandatory: boolean;
  matters: Matter[];
  triggers: MeasureTrigger[];
  requiresThreeCleanYears: boolean;
  legalBasis: string;
  implementingDepartments: string[];
}

/** One version of a measure. */
export interface MeasureVersion extends MeasureContent {
  code: string;
  version: number;
  retired: boolean;
  validFrom: string;
  validTo: string | null;
  changedBy: string;
  changeNote: string;
}
