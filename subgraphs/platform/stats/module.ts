import { readSdl, type PlatformContext, type PlatformModule } from '../module.js';
import { requireRule } from '../../kit/policy.js';
import { feedbackDueDays } from '../feedback/deadline.js';
import { checkStatistics, type Grouping } from './aggregate.js';
import { checkDepartmentFilter, checkWeeks, feedbackStatistics, missingSources } from './tracking.js';

type PeriodArgs = { from: string; to: string; department?: string | null };

/** Tracking and assessment (跟踪问效) of checks and feedback. */
export const statsModule: PlatformModule = {
  name: 'stats',
  sdl: readSdl(new URL('./schema.graphql', import.meta.url)),
  migrations: [],
  resolvers: {
    PlatformQuery: {
      checkStatistics: (_root: unknown, args: { from: string; to: string; groupBy: Grouping }, ctx: PlatformContext) => {
        requireRule(ctx.caller, 'PlatformQuery.checkStatistics');
        return checkStatistics(ctx.db, args.from, args.to, args.groupBy);
      },
      checkWeeks: (_root: unknown, args: PeriodArgs, ctx: PlatformContext) => {
        requireRule(ctx.caller, 'PlatformQuery.checkWeeks');
        return checkWeeks(ctx.db, args.from, args.to, checkDepartmentFilter(args.department));
      },
      missingSources: (_root: unknown, args: PeriodArgs, ctx: PlatformContext) => {
        requireRule(ctx.caller, 'PlatformQuery.missingSources');
        return missingSources(ctx.db, args.from, args.to, checkDepartmentFilter(args.department));
      },
      feedbackStatistics: (_root: unknown, args: PeriodArgs, ctx: PlatformContext) => {
        requireRule(ctx.caller, 'PlatformQuery.feedbackStatistics');
        return feedbackStatistics(ctx.db, args.from, args.to, checkDepartmentFilter(args.department), feedbackDueDays());
      },
    },
  },
};
