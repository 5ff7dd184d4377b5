import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/index.js';
import type { DepartmentContext, DepartmentView } from '../kit/department.js';
import type { TaxLoaders } from './loaders.js';
import type { TaxArrearRow, TaxGradeRow } from './repository.js';

type Ctx = DepartmentContext<TaxLoaders>;

export const taxResolvers: GraphQLResolverMap<Ctx> = {
  TaxView: {
    grades: (view: DepartmentView, _args: unknown, ctx: Ctx) => ctx.loaders.grades.load(view.subjectId),
    arrears: (view: DepartmentView, _args: unknown, ctx: Ctx) => ctx.loaders.arrears.load(view.subjectId),
  },
  TaxGrade: {
    year: (row: TaxGradeRow) => Number(row.year),
    ratedOn: (row: TaxGradeRow) => row.rated_on,
  },
  TaxArrear: {
    taxType: (row: TaxArrearRow) => row.tax_type,
    amount: (row: TaxArrearRow) => Number(row.amount),
    settledOn: (row: TaxArrearRow) => row.settled_on,
  },
};
