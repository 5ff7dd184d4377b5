import type { CategoryDefinition } from '../kit/categories.js';

export const courtsCategories: readonly CategoryDefinition[] = [
  {
    code: 'DISHONEST_JUDGMENT_DEBTOR',
    listType: 'BLACK',
    period: { kind: 'YEARS', years: 2 },
    description: '失信被执行人 Dishonest judgment debtor: able to perform a judgment but refusing to',
  },
  {
    code: 'CONSUMPTION_RESTRICTION',
    listType: 'WATCH',
    period: { kind: 'UNTIL_LIFTED' },
    description: '限制消费 Consumption restriction order on a debtor or its legal representative',
  },
];
