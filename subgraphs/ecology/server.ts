import { defineDepartment } from '../kit/department.js';
import { ecologyCategories } from './categories.js';
import { createEcologyLoaders } from './loaders.js';
import { ecologyTables } from './migrations/20261127000800_ecology_tables.js';
import { ecologyResolvers } from './resolvers.js';

/**
 * Default port of the ecology subgraph. It is not part of the default supergraph (`SERVICES`);
 * it is registered with the gateway at runtime.
 */
export const ECOLOGY_DEFAULT_PORT = 4006;

/** The ecology and environment subgraph (生态环境): environmental penalties and discharge permits. */
export const ecology = defineDepartment({
  name: 'ecology',
  typePrefix: 'Ecology',
  title: '生态环境 Ecology and environment: environmental penalties, pollutant discharge permits and the environmental credit lists.',
  schemaFile: new URL('./schema.graphql', import.meta.url),
  categories: ecologyCategories,
  migrations: [ecologyTables],
  createLoaders: createEcologyLoaders,
  holdings: (subjectId, loaders) => [loaders.dischargePermits.load(subjectId), loaders.environmentalPenalties.load(subjectId)],
  resolvers: ecologyResolvers,
});
