import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/index.js';
import type { DepartmentContext, DepartmentView } from '../kit/department.js';
import type { CourtsLoaders } from './loaders.js';
import type { ConsumptionRestrictionRow, DebtorCaseRow } from './repository.js';

type Ctx = DepartmentContext<CourtsLoaders>;

export const courtsResolvers: GraphQLResolverMap<Ctx> = {
  CourtsView: {
    debtorCases: (view: DepartmentView, _args: unknown, ctx: Ctx) => ctx.loaders.debtorCases.load(view.subjectId),
    consumptionRestrictions: (view: DepartmentView, _args: unknown, ctx: Ctx) => ctx.loaders.restrictions.load(view.subjectId),
  },
  DebtorCase: {
    caseNo: (row: DebtorCaseRow) => row.case_no,
    filedOn: (row: DebtorCaseRow) => row.filed_on,
    amount: (row: DebtorCaseRow) => Number(row.amount),
    performed: (row: DebtorCaseRow) => Boolean(row.performed),
    performedOn: (row: DebtorCaseRow) => row.performed_on,
  },
  ConsumptionRestriction: {
    orderNo: (row: ConsumptionRestrictionRow) => row.order_no,
    caseNo: (row: ConsumptionRestrictionRow) => row.case_no,
    issuedOn: (row: ConsumptionRestrictionRow) => row.issued_on,
    liftedOn: (row: ConsumptionRestrictionRow) => row.lifted_on,
    onBehalfOf: (row: ConsumptionRestrictionRow) => row.on_behalf_of,
  },
};
