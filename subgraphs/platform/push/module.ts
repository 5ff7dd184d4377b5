import { actorOf } from '../../kit/audit.js';
import { requireRule } from '../../kit/policy.js';
import type { Caller } from '../../kit/caller.js';
import type { ListType } from '../../kit/credit-records.js';
import { badInput, forbidden, notFound } from '../../kit/errors.js';
import { DEPARTMENTS } from '../../services.js';
import { readSdl, type PlatformContext, type PlatformModule } from '../module.js';
import { pushTables } from './migrations/20261127001700_push.js';
import { relayLeaseTable } from './migrations/20261204000100_relay_lease.js';
import {
  acknowledgeUpTo,
  cancelSubscription,
  createSubscription,
  filterOf,
  findSubscription,
  markHandedOut,
  nextPage,
  subscriptionsOf,
  toEntry,
  type PushFilter,
  type SubscriptionRow,
} from './repository.js';

/** Who may subscribe: implementing departments, approval systems, and the credit office. */
const MAX_LIST = 100;
const MAX_SUBSCRIPTIONS_PER_CLIENT = 100;
const MAX_FEED_LIMIT = 1000;

interface SubscribeInput {
  listTypes?: ListType[] | null;
  categories?: string[] | null;
  departments?: string[] | null;
  webhookUrl?: string | null;
  fromBeginning?: boolean | null;
}

function checkList(field: string, values: readonly string[] | null | undefined, check: (v: string) => string | null): string[] {
  const list = [...new Set(values ?? [])];
  if (list.length > MAX_LIST) throw badInput(`${field} has ${list.length} values: expected at most ${MAX_LIST}`);
  for (const v of list) {
    const problem = check(v);
    if (problem) throw badInput(`${field} value ${JSON.stringify(v)} is not valid: ${problem}`);
  }
  return list;
}

export function checkFilter(input: SubscribeInput): PushFilter {
  return {
    listTypes: checkList('listTypes', input.listTypes, () => null) as ListType[],
    categories: checkList('categories', input.categories, (v) => (/^[A-Z][A-Z0-9_]{0,63}$/.test(v) ? null : 'expected a category code such as DISHONEST_JUDGMENT_DEBTOR')),
    // An open set, like categories: a newly registered department is subscribed to by its name.
    departments: checkList('departments', input.departments, (v) =>
      /^[a-z][a-z0-9_]{0,31}$/.test(v) ? null : `expected a department name such as ${DEPARTMENTS.join(', ')}`,
    ),
  };
}

export function checkWebhookUrl(raw: string | null | undefined): string | null {
  if (raw == null || raw.trim() === '') return null;
  const value = raw.trim();
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw badInput(`webhookUrl ${JSON.stringify(value)} is not a URL: expected http(s)://host[:port]/path`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw badInput(`webhookUrl uses '${url.protocol}': expected http: or https:`);
  if (url.username || url.password) throw badInput('webhookUrl carries credentials: verify deliveries by their signature instead');
  if (value.length > 2000) throw badInput(`webhookUrl is ${value.length} characters long: expected at most 2000`);
  return url.toString();
}

function toSubscription(row: SubscriptionRow, secret: string | null = null) {
  const filter = filterOf(row);
  return {
    id: row.id,
    listTypes: filter.listTypes,
    categories: filter.categories,
    departments: filter.departments,
    secret,
    ackedSeq: Number(row.acked_seq),
    deliveredSeq: Number(row.delivered_seq),
    createdAt: row.created_at,
    active: row.cancelled_at === null,
    webhook: row.webhook_url
      ? {
          url: row.webhook_url,
          attempts: Number(row.attempts),
          nextAttemptAt: row.next_attempt_at,
          lastError: row.last_error,
          lastDeliveredAt: row.last_delivered_at,
        }
      : null,
  };
}

/** One of the caller's own subscriptions: nobody else reads or acknowledges it, not even the credit office. */
async function ownSubscription(ctx: PlatformContext, id: string, action: string): Promise<{ caller: Caller; sub: SubscriptionRow }> {
  const caller = requireRule(ctx.caller, 'PlatformMutation.subscribe');
  const sub = await findSubscription(ctx.db, id);
  if (!sub) throw notFound(`no push subscription ${JSON.stringify(id)}`);
  if (sub.client_id !== caller.clientId) {
    throw forbidden(`push subscription ${id} belongs to another client: only the client that made it may ${action}`, { rule: 'push.own-subscription' });
  }
  return { caller, sub };
}

function activeOnly(sub: SubscriptionRow): void {
  if (sub.cancelled_at !== null) throw badInput(`push subscription ${sub.id} was ended at ${sub.cancelled_at}: subscribe again`);
}

/** Information push (信息推送): subscriptions, the pull feed and acknowledgements. The relay fills the feed. */
export const pushModule: PlatformModule = {
  name: 'push',
  sdl: readSdl(new URL('./schema.graphql', import.meta.url)),
  migrations: [pushTables, relayLeaseTable],
  resolvers: {
    PlatformQuery: {
      subscriptions: async (_root: unknown, _args: unknown, ctx: PlatformContext) => {
        const caller = requireRule(ctx.caller, 'PlatformMutation.subscribe');
        return (await subscriptionsOf(ctx.db, caller.clientId)).map((row) => toSubscription(row));
      },
      feed: async (_root: unknown, args: { subscriptionId: string; limit?: number | null }, ctx: PlatformContext) => {
        const limit = args.limit ?? 100;
        if (!Number.isInteger(limit) || limit < 1 || limit > MAX_FEED_LIMIT) throw badInput(`limit ${limit} is not valid: expected 1 to ${MAX_FEED_LIMIT}`);
        const { sub } = await ownSubscription(ctx, args.subscriptionId, 'read it');
        activeOnly(sub);
        const page = await nextPage(ctx.db, sub, limit);
        await markHandedOut(ctx.db, sub.id, page.cursor);
        return { entries: page.entries.map(toEntry), cursor: page.cursor, hasMore: page.hasMore };
      },
    },
    PlatformMutation: {
      subscribe: async (_root: unknown, args: { input: SubscribeInput }, ctx: PlatformContext) => {
        const caller = requireRule(ctx.caller, 'PlatformMutation.subscribe');
        const filter = checkFilter(args.input);
        const webhookUrl = checkWebhookUrl(args.input.webhookUrl);
        if ((await subscriptionsOf(ctx.db, caller.clientId)).length >= MAX_SUBSCRIPTIONS_PER_CLIENT) {
          throw badInput(`client ${caller.clientId} has ${MAX_SUBSCRIPTIONS_PER_CLIENT} active subscriptions already: unsubscribe one first`);
        }
        const row = await createSubscription(ctx.db, caller.clientId, filter, webhookUrl, args.input.fromBeginning ?? false, actorOf(caller));
        return toSubscription(row, row.secret);
      },
      unsubscribe: async (_root: unknown, args: { subscriptionId: string }, ctx: PlatformContext) => {
        const { caller, sub } = await ownSubscription(ctx, args.subscriptionId, 'end it');
        await cancelSubscription(ctx.db, sub.id, actorOf(caller));
        return toSubscription((await findSubscription(ctx.db, sub.id))!);
      },
      acknowledge: async (_root: unknown, args: { subscriptionId: string; upToSeq: number }, ctx: PlatformContext) => {
        const { caller, sub } = await ownSubscription(ctx, args.subscriptionId, 'acknowledge it');
        activeOnly(sub);
        if (!Number.isInteger(args.upToSeq) || args.upToSeq < 0) throw badInput(`upToSeq ${args.upToSeq} is not valid: expected a seq from a page`);
        if (args.upToSeq > sub.delivered_seq) {
          throw badInput(
            `upToSeq ${args.upToSeq} is beyond what was handed out to subscription ${sub.id} (up to ${sub.delivered_seq}): acknowledge the cursor of a page you read`,
          );
        }
        await acknowledgeUpTo(ctx.db, sub.id, args.upToSeq, actorOf(caller));
        return toSubscription((await findSubscription(ctx.db, sub.id))!);
      },
    },
  },
};
