import type { CategoryDefinition } from '../kit/categories.js';

export const financeCategories: readonly CategoryDefinition[] = [
  {
    code: 'PROCUREMENT_SERIOUS_VIOLATION',
    listType: 'BLACK',
    period: { kind: 'YEARS', years: 3 },
    description: '政府采购严重违法失信 Serious violation in government procurement: barred from procurement bidding',
  },
  {
    code: 'FISCAL_FUND_FRAUD',
    listType: 'BLACK',
    period: { kind: 'YEARS', years: 3 },
    description: '骗取财政资金 Fiscal fund fraud: obtaining fiscal funds or subsidies by deception',
  },
  {
    code: 'MALICIOUS_DEBT_EVASION',
    listType: 'BLACK',
    period: { kind: 'YEARS', years: 3 },
    description: '恶意逃废债务 Malicious debt evasion: evading debts owed to financial institutions',
  },
  {
    code: 'ILLEGAL_FUNDRAISING',
    listType: 'BLACK',
    period: { kind: 'YEARS', years: 3 },
    description: '非法集资 Illegal fund-raising from the public',
  },
  {
    code: 'CREDIT_LOAN_GOOD_STANDING',
    listType: 'RED',
    period: { kind: 'YEARS', years: 1 },
    description: '信易贷守信 Credit-loan good standing: credit-based loans (信易贷) repaid as agreed',
  },
];
