import { defineDepartment } from '../kit/department.js';
import { financeCategories } from './categories.js';
import { createFinanceLoaders } from './loaders.js';
import { financeTables } from './migrations/20261127000300_finance_tables.js';
import { financeResolvers } from './resolvers.js';

export { financeCategories } from './categories.js';
export type { CreditLoanRow, LoanStanding, SubsidyRow } from './repository.js';

/**
 * The finance subgraph (财政/金融): procurement, fiscal-fund and debt-evasion black lists, fiscal
 * subsidies granted and credit-based loans (信易贷).
 */
export const finance = defineDepartment({
  name: 'finance',
  typePrefix: 'Finance',
  title: '财政/金融 Finance: procurement and fiscal-fund black lists, fiscal subsidies and credit-based loans.',
  schemaFile: new URL('./schema.graphql', import.meta.url),
  categories: financeCategories,
  migrations: [financeTables],
  createLoaders: createFinanceLoaders,
  holdings: (subjectId, loaders) => [loaders.subsidies.load(subjectId), loaders.creditLoans.load(subjectId)],
  resolvers: financeResolvers,
});
