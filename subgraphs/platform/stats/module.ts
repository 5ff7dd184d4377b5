import { readSdl, type PlatformContext, type PlatformModule } from '../module.js';
import { requireRule } from '../../kit/policy.js';
import { checkStatistics, type Grouping } from './aggregate.js';

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
    },
  },
};
