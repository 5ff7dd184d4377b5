import type { CategoryDefinition } from '../kit/categories.js';

export const marketCategories: readonly CategoryDefinition[] = [
  {
    code: 'SERIOUS_ILLEGAL_UNTRUSTWORTHY',
    listType: 'BLACK',
    period: { kind: 'YEARS', years: 3 },
    description: '严重违法失信名单 Serious illegal and untrustworthy list of market regulation',
  },
  {
    code: 'ABNORMAL_OPERATION',
    listType: 'WATCH',
    period: { kind: 'UNTIL_LIFTED' },
    description: '经营异常名录 Abnormal operations list: e.g. annual report not filed, not reachable at the registered address',
  },
  {
    code: 'CONTRACT_ABIDING_CREDITWORTHY',
    listType: 'RED',
    period: { kind: 'YEARS', years: 2 },
    description: '守合同重信用企业 Contract-abiding and creditworthy enterprise',
  },
];
