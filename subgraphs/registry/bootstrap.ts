import { composeSupergraph } from '../../gateway/compose.js';
import { defaultUrl, SERVICES } from '../services.js';
import { withCreditSources } from './credit-sources.js';
import { StaleVersion, type RegistryStore } from './store.js';

/** Fills an empty registry with the default subgraphs as version 1; does nothing otherwise. */
export async function bootstrapRegistry(store: RegistryStore): Promise<void> {
  if ((await store.latestVersion()) > 0) return;
  // Imported here: the definitions include the registry itself, which imports this module.
  const { DEFINITIONS } = await import('../definitions.js');
  const members = SERVICES.map(({ name }) => ({ name, url: defaultUrl(name), sdl: DEFINITIONS[name].sdl }));
  try {
    await store.append(0, members, composeSupergraph(withCreditSources(members)), { action: 'BOOTSTRAP', subgraph: null, forced: false, by: 'registry' });
  } catch (err) {
    if (!(err instanceof StaleVersion)) throw err; // another process bootstrapped it first
  }
}
