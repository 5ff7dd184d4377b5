import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/index.js';
import type { DepartmentContext, DepartmentView } from '../kit/department.js';
import type { FinanceLoaders } from './loaders.js';
import type { CreditLoanRow, SubsidyRow } from './repository.js';

type Ctx = DepartmentContext<FinanceLoaders>;

export const financeResolvers: GraphQLResolverMap<Ctx> = {
  FinanceView: {
    subsidies: (view: DepartmentView, _args: unknown, ctx: Ctx) => ctx.loaders.subsidies.load(view.subjectId),
    creditLoans: (view: DepartmentView, _args: unknown, ctx: Ctx) => ctx.loaders.creditLoans.load(view.subjectId),
  },
  Subsidy: {
    grantNo: (row: SubsidyRow) => row.grant_no,
    amount: (row: SubsidyRow) => Number(row.amount),
    grantedOn: (row: SubsidyRow) => row.granted_on,
    grantingAuthority: (row: SubsidyRow) => row.granting_authority,
  },
  CreditLoan: {
    contractNo: (row: CreditLoanRow) => row.contract_no,
    amount: (row: CreditLoanRow) => Number(row.amount),
    grantedOn: (row: CreditLoanRow) => row.granted_on,
    dueOn: (row: CreditLoanRow) => row.due_on,
    settledOn: (row: CreditLoanRow) => row.settled_on,
  },
};
