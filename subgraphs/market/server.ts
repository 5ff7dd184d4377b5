import { defineDepartment } from '../kit/department.js';
import { marketCategories } from './categories.js';
import { createMarketLoaders } from './loaders.js';
import { marketTables } from './migrations/20261127000400_market_tables.js';
import { marketResolvers } from './resolvers.js';

/**
 * The market regulation subgraph (市场监管): enterprise registrations, administrative licences and
 * penalties (双公示), legal representatives, and the abnormal operations, serious illegal and
 * untrustworthy, and contract-abiding lists.
 */
export const market = defineDepartment({
  name: 'market',
  typePrefix: 'Market',
  title: '市场监管 Market regulation: registration, administrative licences and penalties, legal representatives and the market regulation lists.',
  schemaFile: new URL('./schema.graphql', import.meta.url),
  categories: marketCategories,
  migrations: [marketTables],
  createLoaders: createMarketLoaders,
  holdings: (subjectId, loaders) => [loaders.registrations.load(subjectId), loaders.decisions.load(subjectId), loaders.representations.load(subjectId)],
  resolvers: marketResolvers,
});
