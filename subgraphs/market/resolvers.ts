import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/index.js';
import type { DepartmentContext, DepartmentView } from '../kit/department.js';
import { checkLimit } from '../kit/input-checks.js';
import { workingCalendarFromEnv, type WorkingCalendar } from '../kit/working-days.js';
import { doublePublicityReport } from './double-publicity.js';
import { publicEnterprises } from './public-enterprises.js';
import type { MarketLoaders } from './loaders.js';
import type { AdministrativeDecisionKind, AdministrativeDecisionRow, RegistrationRow, RepresentationRow } from './repository.js';

type Ctx = DepartmentContext<MarketLoaders>;

/** A representation with the moment of the view it was read through, so `enterpriseAsOf` keeps it. */
type RepresentationAt = RepresentationRow & { asOf: string | null };

function money(value: string | number | null): number | null {
  return value === null ? null : Number(value);
}

async function decisionsOfKind(view: DepartmentView, ctx: Ctx, kind: AdministrativeDecisionKind): Promise<AdministrativeDecisionRow[]> {
  return (await ctx.loaders.decisions.load(view.subjectId)).filter((row) => row.kind === kind);
}

let calendar: WorkingCalendar | undefined;

export const marketResolvers: GraphQLResolverMap<Ctx> = {
  MarketQuery: {
    doublePublicity: (_root: unknown, args: { from: string; to: string; kind?: AdministrativeDecisionKind | null; limit?: number | null }, ctx: Ctx) => {
      return doublePublicityReport(ctx.db, (calendar ??= workingCalendarFromEnv()), { ...args, limit: checkLimit(args.limit) });
    },
    publicEnterprises: (_root: unknown, args: { name?: string | null; ids?: string[] | null; limit?: number | null }, ctx: Ctx) => publicEnterprises(ctx.db, args),
  },
  MarketView: {
    registration: (view: DepartmentView, _args: unknown, ctx: Ctx) => ctx.loaders.registrations.load(view.subjectId),
    licences: (view: DepartmentView, _args: unknown, ctx: Ctx) => decisionsOfKind(view, ctx, 'LICENCE'),
    penalties: (view: DepartmentView, _args: unknown, ctx: Ctx) => decisionsOfKind(view, ctx, 'PENALTY'),
    representedEnterprises: async (view: DepartmentView, _args: unknown, ctx: Ctx): Promise<RepresentationAt[]> =>
      (await ctx.loaders.representations.load(view.subjectId)).map((row) => ({ ...row, asOf: view.asOf })),
  },
  Registration: {
    enterpriseType: (row: RegistrationRow) => row.enterprise_type,
    legalRepresentativeId: (row: RegistrationRow) => row.legal_representative_id,
    legalRepresentativeName: (row: RegistrationRow) => row.legal_representative_name,
    registeredCapital: (row: RegistrationRow) => money(row.registered_capital),
    establishedOn: (row: RegistrationRow) => row.established_on,
  },
  AdministrativeDecision: {
    decisionNo: (row: AdministrativeDecisionRow) => row.decision_no,
    decidedOn: (row: AdministrativeDecisionRow) => row.decided_on,
    publishedOn: (row: AdministrativeDecisionRow) => row.published_on,
    amount: (row: AdministrativeDecisionRow) => money(row.amount),
  },
  Representation: {
    enterpriseId: (row: RepresentationRow) => row.enterprise_id,
    enterprise: (row: RepresentationAt) => ({ id: row.enterprise_id }),
    enterpriseAsOf: (row: RepresentationAt) => ({ id: row.enterprise_id, asOf: row.asOf ?? new Date().toISOString() }),
    from: (row: RepresentationRow) => row.from_date,
    to: (row: RepresentationRow) => row.to_date,
  },
};
