import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/index.js';
import type { DepartmentContext, DepartmentView } from '../kit/department.js';
import type { EcologyLoaders } from './loaders.js';
import type { DischargePermitRow, EnvironmentalPenaltyRow } from './repository.js';

type Ctx = DepartmentContext<EcologyLoaders>;

/** The pollutants column holds a JSON array of names. */
function pollutantsOf(row: DischargePermitRow): string[] {
  const value: unknown = JSON.parse(row.pollutants);
  if (!Array.isArray(value)) throw new Error(`discharge permit ${row.permit_no}: pollutants is not a JSON array`);
  return value.map(String);
}

export const ecologyResolvers: GraphQLResolverMap<Ctx> = {
  EcologyView: {
    dischargePermits: (view: DepartmentView, _args: unknown, ctx: Ctx) => ctx.loaders.dischargePermits.load(view.subjectId),
    environmentalPenalties: (view: DepartmentView, _args: unknown, ctx: Ctx) => ctx.loaders.environmentalPenalties.load(view.subjectId),
  },
  DischargePermit: {
    permitNo: (row: DischargePermitRow) => row.permit_no,
    issuedOn: (row: DischargePermitRow) => row.issued_on,
    validUntil: (row: DischargePermitRow) => row.valid_until,
    pollutants: pollutantsOf,
  },
  EnvironmentalPenalty: {
    decisionNo: (row: EnvironmentalPenaltyRow) => row.decision_no,
    decidedOn: (row: EnvironmentalPenaltyRow) => row.decided_on,
    amount: (row: EnvironmentalPenaltyRow) => (row.amount === null ? null : Number(row.amount)),
  },
};
