import type { CategoryDefinition } from '../kit/categories.js';

export const taxCategories: readonly CategoryDefinition[] = [
  {
    code: 'MAJOR_TAX_VIOLATION',
    listType: 'BLACK',
    period: { kind: 'YEARS', years: 3 },
    description: '重大税收违法失信主体 Major tax violation subject: tax evasion, refusal to pay, fraudulent export refunds, false invoices',
  },
  {
    code: 'TAX_CREDIT_A',
    listType: 'RED',
    period: { kind: 'RATING_YEAR' },
    description: 'A级纳税人 A-grade taxpayer in the yearly tax credit rating',
  },
  {
    code: 'TAX_CREDIT_D',
    listType: 'WATCH',
    period: { kind: 'RATING_YEAR' },
    description: 'D级纳税人 D-grade taxpayer in the yearly tax credit rating',
  },
];
