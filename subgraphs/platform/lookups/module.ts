import { checkLimit } from '../../kit/input-checks.js';
import { requireRule } from '../../kit/policy.js';
import { readSdl, type PlatformModule } from '../module.js';
import { personLookupsTable } from './migrations/20261204000000_person_lookups.js';
import { personLookups } from './repository.js';

/** The record of lookups of natural persons (who, when, why), read by the credit office. */
export const lookupsModule: PlatformModule = {
  name: 'lookups',
  sdl: readSdl(new URL('./schema.graphql', import.meta.url)),
  migrations: [personLookupsTable],
  resolvers: {
    PlatformQuery: {
      personLookups: async (_root: unknown, args: { subjectId?: string | null; limit?: number | null }, ctx) => {
        requireRule(ctx.caller, 'PlatformQuery.personLookups');
        const rows = await personLookups(ctx.db, args.subjectId ?? null, checkLimit(args.limit));
        return rows.map((r) => ({ at: r.at, clientId: r.client_id, role: r.role, subjectId: r.subject_id, purpose: r.purpose, requestId: r.request_id }));
      },
    },
  },
};
