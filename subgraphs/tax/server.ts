import { defineDepartment } from '../kit/department.js';
import { taxCategories } from './categories.js';
import { createTaxLoaders } from './loaders.js';
import { taxTables } from './migrations/20261127000200_tax_tables.js';
import { taxResolvers } from './resolvers.js';

export { taxCategories } from './categories.js';
export type { TaxArrearRow, TaxCreditGrade, TaxGradeRow } from './repository.js';

/** The tax authority's subgraph (税务): tax credit grades, major tax violations and tax arrears. */
export const tax = defineDepartment({
  name: 'tax',
  typePrefix: 'Tax',
  title: '税务 Tax: tax credit grades, major tax violation listings and tax arrears.',
  schemaFile: new URL('./schema.graphql', import.meta.url),
  categories: taxCategories,
  migrations: [taxTables],
  createLoaders: createTaxLoaders,
  holdings: (subjectId, loaders) => [loaders.grades.load(subjectId), loaders.arrears.load(subjectId)],
  resolvers: taxResolvers,
});
