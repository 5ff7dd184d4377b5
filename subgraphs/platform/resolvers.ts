import type { GraphQLResolverMap } from '@apollo/subgraph';
import type { SubgraphContext } from '../kit/subgraph-server.js';
import { resolveSubjectIds, type SubjectRef } from './subjects.js';

type Ctx = SubgraphContext<PlatformLoaders>;

export type PlatformLoaders = Record<string, never>;

export const platformResolvers: GraphQLResolverMap<Ctx> = {
  Query: {
    subject: (_root: unknown, args: { id: string }): SubjectRef => resolveSubjectIds([args.id])[0]!,
    subjects: (_root: unknown, args: { ids: string[] }): SubjectRef[] => resolveSubjectIds(args.ids),
    viewer: (_root: unknown, _args: unknown, ctx: Ctx) => ctx.caller,
  },
  Subject: {
    __resolveReference: (ref: { id: string }): SubjectRef => {
      const [subject] = resolveSubjectIds([ref.id]);
      return subject!;
    },
  },
};
