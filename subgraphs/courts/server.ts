import { defineDepartment } from '../kit/department.js';
import { courtsCategories } from './categories.js';
import { createCourtsLoaders } from './loaders.js';
import { courtsTables } from './migrations/20261127000100_courts_tables.js';
import { courtsResolvers } from './resolvers.js';

/** The courts' subgraph (法院): dishonest judgment debtors and consumption restrictions. */
export const courts = defineDepartment({
  name: 'courts',
  typePrefix: 'Courts',
  title: '法院 Courts: enforcement cases, dishonest judgment debtor listings and consumption restriction orders.',
  schemaFile: new URL('./schema.graphql', import.meta.url),
  categories: courtsCategories,
  migrations: [courtsTables],
  createLoaders: createCourtsLoaders,
  holdings: (subjectId, loaders) => [loaders.debtorCases.load(subjectId), loaders.restrictions.load(subjectId)],
  resolvers: courtsResolvers,
});
