import type { StoredCheck } from '../check/repository.js';
import { requireRule } from '../../kit/policy.js';
import { readSdl, type PlatformContext, type PlatformModule } from '../module.js';
import { feedbackTable } from './migrations/20261127001300_feedback.js';
import { reportFeedback, type FeedbackItem } from './report.js';
import { toFeedback } from './repository.js';

/** Execution feedback (执行反馈): approval systems report what they did with each measure. */
export const feedbackModule: PlatformModule = {
  name: 'feedback',
  sdl: readSdl(new URL('./schema.graphql', import.meta.url)),
  migrations: [feedbackTable],
  resolvers: {
    CreditCheck: {
      feedback: async (check: StoredCheck, _args: unknown, ctx: PlatformContext) => (await ctx.loaders.feedback.load(check.checkId)).map(toFeedback),
    },
    PlatformMutation: {
      reportFeedback: async (_root: unknown, args: { checkId: string; items: FeedbackItem[] }, ctx: PlatformContext) => {
        const caller = requireRule(ctx.caller, 'PlatformMutation.reportFeedback');
        const check = await ctx.loaders.checks.load(args.checkId);
        return (await reportFeedback(ctx.db, caller, check, args.checkId, args.items)).map(toFeedback);
      },
    },
  },
};
