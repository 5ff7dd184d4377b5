import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';

export interface SubgraphSource {
  name: string;
  url: string;
  sdl: string;
}

export class CompositionError extends Error {
  override name = 'CompositionError';
  constructor(readonly messages: string[]) {
    super(`composition failed:\n${messages.map((m) => `- ${m}`).join('\n')}`);
  }
}

/** Composes subgraph SDLs into a supergraph SDL, or throws with every composition error. */
export function composeSupergraph(sources: readonly SubgraphSource[]): string {
  const result = composeServices(sources.map((s) => ({ name: s.name, url: s.url, typeDefs: parse(s.sdl) })));
  if (result.errors) {
    throw new CompositionError(result.errors.map((e) => `${e.message}${e.locations ? ` at ${e.locations.map((l) => `${l.line}:${l.column}`).join(', ')}` : ''}`));
  }
  return result.supergraphSdl;
}
