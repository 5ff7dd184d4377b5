import type { CategoryDefinition } from '../kit/categories.js';

export const ecologyCategories: readonly CategoryDefinition[] = [
  {
    code: 'SERIOUS_ENVIRONMENTAL_VIOLATION',
    listType: 'BLACK',
    period: { kind: 'YEARS', years: 3 },
    description: '环境违法严重失信 Serious environmental violation: falsified monitoring data, illegal discharge, discharge without a permit',
  },
  {
    code: 'ENVIRONMENTAL_CREDIT_GREEN',
    listType: 'RED',
    period: { kind: 'YEARS', years: 1 },
    description: '环保诚信企业 Environmentally trustworthy enterprise',
  },
  {
    code: 'ENVIRONMENTAL_WATCH',
    listType: 'WATCH',
    period: { kind: 'YEARS', years: 1 },
    description: '环保警示 Environmental warning: violations under closer supervision',
  },
];
